"""Boots a Debian kernel under QEMU (virtme-ng) and runs tests/vm there: bonds, 802.1Q and
VLAN-filtering bridges, which this machine's own kernel lacks."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)


def _kernel() -> str | None:
    found = sorted(glob.glob("/boot/vmlinuz-*-amd64"))
    return found[-1] if found else None


def _missing() -> str | None:
    if shutil.which("qemu-system-x86_64") is None:
        return "qemu-system-x86_64 is not installed (scripts/setup installs qemu-system-x86)"
    if _kernel() is None:
        return "no Debian kernel in /boot (scripts/setup installs linux-image-amd64)"
    if not os.path.exists(os.path.join(VENV_BIN, "vng")):
        return "virtme-ng is not installed in the venv (scripts/setup installs it)"
    if os.geteuid() != 0:
        return "the guest runs as root"
    return None


def qemu_nics(n_hub0: int = 3, n_hub1: int = 2) -> str:
    opts = []
    for i in range(n_hub0 + n_hub1):
        hub = 0 if i < n_hub0 else 1
        opts.append(f"-netdev hubport,id=p{i},hubid={hub} -device "
                    f"virtio-net-pci,netdev=p{i},mac=52:54:00:00:0{hub}:{i:02x}")
    return " ".join(opts)


@pytest.mark.vm
@pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
def test_topology_in_a_real_kernel():
    inner = (f"cd {ROOT} && HNS_IN_VM=1 {sys.executable} -m pytest -q -p no:cacheprovider -o addopts= tests/vm "
             f"{os.environ.get('HNS_VM_PYTEST_ARGS', '')}")
    cmd = [os.path.join(VENV_BIN, "vng"), "--disable-kvm", "--force-9p", "-r", _kernel(), "--user", "root",
           "--memory", "1G", "--cpus", "2", f"--qemu-opts={qemu_nics()}", "--exec", inner]
    env = dict(os.environ, PATH=f"{VENV_BIN}:{os.environ.get('PATH', '')}")
    # over 25 min under TCG on a shared machine: every apply arms a revert timer that loads pyroute2
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3000)
    print(r.stdout[-6000:])
    assert r.returncode == 0 and " passed" in r.stdout and "failed" not in r.stdout, r.stdout[-8000:] + r.stderr[-3000:]
