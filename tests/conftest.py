import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

# tests/vm runs inside the QEMU guest only (tests/test_vm.py boots it)
collect_ignore = [] if os.environ.get("HNS_IN_VM") else ["vm"]
REAL_MARKERS = ("netns", "vm")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """HNS_REQUIRE_REAL=1 (.ci/run sets it): a real-kernel test (marked netns or vm) that
    skips is a failure — they are the only tests of every netlink write, verify, rollback,
    DHCP and the revert timer, and must never pass by not running."""
    outcome = yield
    rep = outcome.get_result()
    if rep.skipped and os.environ.get("HNS_REQUIRE_REAL") == "1" and any(
            item.get_closest_marker(m) for m in REAL_MARKERS) and not hasattr(rep, "wasxfail"):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        rep.outcome = "failed"
        rep.longrepr = f"HNS_REQUIRE_REAL=1: this real-kernel test would skip: {reason}"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PROFILES = ROOT / "profiles"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(*argv: str, stdin: str | None = None) -> CliResult:
    """Run harvester-netsetup in-process, as the console script would."""
    from tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = old_stdin
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run_dir(tmp_path, monkeypatch):
    """HARVESTER_NETSETUP_RUN_DIR (journal, lock, logs) in the test's own temp dir; use with
    ``pytestmark = pytest.mark.usefixtures("run_dir")``."""
    monkeypatch.setenv("HARVESTER_NETSETUP_RUN_DIR", str(tmp_path / "run"))


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def inventory_file():
    return str(FIXTURES / "inventories" / "four-nics.json")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def writes(api) -> list[tuple[str, str]]:
    """The writes (method, path) the simulated API server has received, dry runs left out."""
    return [(m, p) for m, p in api.state.requests if m in ("POST", "PUT", "PATCH", "DELETE") and "dryRun" not in p]


@pytest.fixture
def webhooks_bin():
    """The network controller's admission webhooks oracle (tests/oracles.py): skips without it."""
    from tests import oracles

    return str(oracles.need("webhooks"))


@pytest.fixture
def webhook_api(webhooks_bin):
    """The simulated API server (v1.9.0) admitting through Harvester's real webhooks."""
    from tests.webhook_kit import start_api

    server = start_api(webhooks=webhooks_bin)
    yield server
    server.down()


@pytest.fixture()
def wire(tmp_path):
    """The real-kernel tests' network namespaces, veths and dnsmasq (tests/netns_wire.py)."""
    from tests.netns_wire import wire

    yield from wire(tmp_path)
