"""Inventory of 1000 veth NICs in a network namespace: ``harvester-netsetup inventory --all
--json`` (process wall time, and the in-process read alone) vs ``ip -j -d link show`` +
``ip -j addr show`` in the same namespace. Needs root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = str(Path(sys.executable).parent / "harvester-netsetup")
NS = "hns-bench"


sys.path.insert(0, str(Path(__file__).resolve().parent))
from core import wall  # noqa: E402


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("benchmarks/host.py needs root (network namespaces)")
    subprocess.run(f"ip netns del {NS}", shell=True, capture_output=True)
    subprocess.run(f"ip netns add {NS}", shell=True, check=True)
    try:
        batch = "".join(f"link add v{i} type veth peer name p{i}\n" for i in range(500))
        subprocess.run(["ip", "-n", NS, "-batch", "-"], input=batch, text=True, check=True)
        ours = wall(f"ip netns exec {NS} {BIN} inventory --all --json > /dev/null")
        inproc = wall(f"ip netns exec {NS} {sys.executable} -c 'import time; from tui.net.inventory import "
                      "read_inventory; "
                      f"t=time.perf_counter(); read_inventory(include_virtual=True); print(time.perf_counter()-t)'")
        # both enter the namespace the same way (ip netns exec also remounts /sys there)
        base = wall(f"ip netns exec {NS} sh -c 'ip -j -d link show > /dev/null; ip -j addr show > /dev/null'")
        print(f"inventory of 1000 veths: harvester-netsetup {ours * 1000:.0f} ms (process incl. imports), "
              f"baseline ip -j {base * 1000:.0f} ms; ratio {ours / base:.1f}x (target <= 2x)")
        print(f"  of which python + imports + the read in one process: {inproc * 1000:.0f} ms")
    finally:
        subprocess.run(f"ip netns del {NS}", shell=True, capture_output=True)


if __name__ == "__main__":
    main()
