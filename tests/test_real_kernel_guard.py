"""The real-kernel tests (tests/test_netns*.py, tests/vm/) cannot skip in silence: they are
marked, and under HNS_REQUIRE_REAL=1 (CI) a marked test that would skip fails the run
(tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


# ---- the real-kernel tests cannot skip in silence ---------------------------------------
@pytest.mark.parametrize("require,code,words", [("1", 1, "HNS_REQUIRE_REAL=1: this real-kernel test would skip"),
                                                ("", 0, "3 skipped")])
def test_a_skipped_real_kernel_test_fails_under_hns_require_real(tmp_path, require, code, words):
    import shutil

    root = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(root, "conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_x.py").write_text(
        "import pytest\n"
        "@pytest.mark.netns\n@pytest.mark.skipif(True, reason='no root')\ndef test_real():\n    pass\n"
        "@pytest.mark.vm\ndef test_vm():\n    pytest.skip('no root')\n"
        "def test_plain():\n    pytest.skip('not a real-kernel test')\n")
    env = dict(os.environ, HNS_REQUIRE_REAL=require)
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra",
                        "-o", "markers=netns\n vm", "--rootdir", str(tmp_path), str(tmp_path)],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == code and words in r.stdout, r.stdout
    if require:  # a skip in setup (skipif) reports as an error, in the call as a failure: both fail the run
        assert "1 failed, 1 skipped, 1 error" in r.stdout and r.stdout.count("no root") >= 2, r.stdout


def test_the_real_kernel_tests_are_marked():
    root = os.path.dirname(os.path.abspath(__file__))
    for name in ("test_netns.py", "test_netns_inventory_dhcp.py"):
        assert "pytest.mark.netns" in open(os.path.join(root, name)).read(), name
    assert "@pytest.mark.vm" in open(os.path.join(root, "test_vm.py")).read()
