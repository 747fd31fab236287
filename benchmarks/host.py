"""Inventory of 1000 veth NICs in a network namespace: ``harvester-netsetup inventory --all
--json`` (process wall time, and the in-process read alone) vs ``ip -j -d link show`` +
``ip -j addr show`` in the same namespace. Needs root."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

BIN = str(Path(sys.executable).parent / "harvester-netsetup")
NS = "hns-bench"


sys.path.insert(0, str(Path(__file__).resolve().parent))
from core import wall  # noqa: E402


def _read_alone(runs: int = 7) -> float:
    """The netlink read itself (median), timed inside the process after its imports."""
    code = ("import time\nfrom tui.net.inventory import read_inventory\n"
            "t = time.perf_counter()\nread_inventory(include_virtual=True)\nprint(time.perf_counter() - t)")
    root = str(Path(__file__).resolve().parent.parent)
    return statistics.median(
        float(subprocess.run(["ip", "netns", "exec", NS, sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=root).stdout) for _ in range(runs))


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("benchmarks/host.py needs root (network namespaces)")
    subprocess.run(f"ip netns del {NS}", shell=True, capture_output=True)
    subprocess.run(f"ip netns add {NS}", shell=True, check=True)
    try:
        batch = "".join(f"link add v{i} type veth peer name p{i}\n" for i in range(500))
        subprocess.run(["ip", "-n", NS, "-batch", "-"], input=batch, text=True, check=True)
        ours = wall(f"ip netns exec {NS} {BIN} inventory --all --json > /dev/null")
        inproc = _read_alone()
        # both enter the namespace the same way (ip netns exec also remounts /sys there)
        base = wall(f"ip netns exec {NS} sh -c 'ip -j -d link show > /dev/null; ip -j addr show > /dev/null'")
        print(f"inventory of 1000 veths: harvester-netsetup {ours * 1000:.0f} ms (process incl. imports), "
              f"baseline ip -j {base * 1000:.0f} ms; ratio {ours / base:.1f}x")
        print(f"  of which the netlink read: {inproc * 1000:.0f} ms; ratio {inproc / base:.2f}x (target <= 1x)")
    finally:
        subprocess.run(f"ip netns del {NS}", shell=True, capture_output=True)


if __name__ == "__main__":
    main()
