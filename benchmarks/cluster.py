"""Cluster apply: 200 VM networks (plus the ClusterNetwork and VlanConfig) through
``harvester-netsetup cluster apply`` vs ``kubectl apply -f`` of the same objects, each
against a fresh simulated API server in this process; then the same again (nothing to do).
Reports wall time and the API requests each made. The server's latency stands for admission;
``--webhooks`` also runs every write through Harvester's webhooks oracle (a process per write,
the same for both clients: it measures the oracle more than the client)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent / "harvester-netsetup"
N = 200
WEBHOOKS = "auto" if "--webhooks" in sys.argv else None

from tui.kube.simulated_api import SimulatedApi  # noqa: E402
from tui.model.load import load_text  # noqa: E402
from tui.render.cluster_objects import cluster_objects  # noqa: E402

PROFILE = ("version: 1\nharvester: v1.6\nmanagement: {interfaces: [{name: eno1}], ipv4: {method: dhcp}}\n"
           "vlan: {cluster_network: data, interfaces: [{name: ens1f0}]}\nnetworks:\n"
           + "".join(f"  - {{name: net{i}, vlan_id: {i}}}\n" for i in range(2, 2 + N)))


def once(cmd_for, tmp: Path, latency: float) -> tuple[float, float, int, int]:
    api = SimulatedApi(version="v1.6.1", require_token=False, latency=latency, webhooks=WEBHOOKS).start()
    kc = tmp / "kubeconfig"
    kc.write_text(api.kubeconfig(token=""))
    times = []
    counts = []
    for _ in range(2):  # first apply creates, the second finds nothing to do
        before = len(api.state.requests)
        t = time.perf_counter()
        r = subprocess.run(cmd_for(kc), capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        assert r.returncode == 0, r.stderr[-2000:]
        counts.append(len(api.state.requests) - before)
    api.down()
    return times[0], times[1], counts[0], counts[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "p.yaml").write_text(PROFILE)
        objs = cluster_objects(load_text(PROFILE).profile, ("ens1f0",))
        (tmp / "objs.yaml").write_text(yaml.safe_dump_all([o.body for o in objs]))
        inv = ROOT / "tests/fixtures/inventories/four-nics.json"
        print(f"{len(objs)} objects ({N} VM networks)")
        pick = lambda rows, i: statistics.median(r[i] for r in rows)  # noqa: E731
        for latency in (0.0, 0.005):  # loopback as fast as it gets; an API server answering in 5 ms
            print(f"-- server latency {latency * 1000:.0f} ms per request")
            ours = [once(lambda kc: [str(BIN), "cluster", "apply", str(tmp / "p.yaml"), "--kubeconfig", str(kc),
                                     "--inventory", str(inv)], tmp, latency) for _ in range(3)]
            print(f"harvester-netsetup cluster apply: {pick(ours, 0) * 1000:.0f} ms first, {pick(ours, 1) * 1000:.0f} "
                  "ms again; "
                  f"{pick(ours, 2):.0f} / {pick(ours, 3):.0f} API requests")
            if shutil.which("kubectl") is None:
                print("kubectl: not installed, no baseline")
                continue
            kube = [once(lambda kc: ["kubectl", "--kubeconfig", str(kc), "apply", "--validate=false", "-f",
                                     str(tmp / "objs.yaml")], tmp, latency) for _ in range(3)]
            print(f"kubectl apply -f:                 {pick(kube, 0) * 1000:.0f} ms first, {pick(kube, 1) * 1000:.0f} "
                  "ms again; "
                  f"{pick(kube, 2):.0f} / {pick(kube, 3):.0f} API requests")
            print(f"ratio (ours / kubectl): first {pick(ours, 0) / pick(kube, 0):.2f}x, again "
                  f"{pick(ours, 1) / pick(kube, 1):.2f}x (target <= 0.5x at 5 ms)")


if __name__ == "__main__":
    main()
