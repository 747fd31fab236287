"""Core performance: validate start-up and 1000-node fleet rendering, with same-run baselines."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "harvester-netsetup"


def wall(cmd: list[str] | str, runs: int = 5) -> float:
    """Median wall time of a command (a string runs through the shell)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, shell=isinstance(cmd, str))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def fleet_files(tmp: Path, n: int = 1000) -> tuple[Path, Path]:
    base = tmp / "base.yaml"
    base.write_text(
        "version: 1\nharvester: v1.6\nnode: {dns: [10.0.0.53], ntp: [0.suse.pool.ntp.org]}\n"
        "management: {interfaces: [{name: ens5}, {name: ens6}], bond: {mode: 802.3ad},\n"
        "  ipv4: {method: static, gateway: 10.0.0.1}}\n"
        "install: {mode: create, token: t, vip: 10.0.255.254, device: /dev/sda, password: pw}\n"
    )
    nodes = tmp / "nodes.csv"
    lines = ["mac,hostname,ip"]
    for i in range(n):
        lines.append(f"52:54:00:00:{i // 256:02x}:{i % 256:02x},node{i},10.0.{i // 200 + 1}.{i % 200 + 10}/16")
    nodes.write_text("\n".join(lines) + "\n")
    return base, nodes


# One process per measurement (each starts with empty caches, as `pxe` does): the fleet's
# configs written by tui/render/yaml_out.py, and by one yaml.dump per node with libyaml's
# C dumper and the same options; both must give the same bytes.
YAML_WRITERS = r"""
import sys, time, yaml
from pathlib import Path
from tui.render import yaml_out

class Dumper(yaml.CSafeDumper):
    def ignore_aliases(self, data):
        return True

Dumper.add_representer(str, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", v, style="|" if "\n" in v else None))
docs = [yaml.load(p.read_text(), Loader=yaml.CSafeLoader) for p in sorted(Path(sys.argv[1]).glob("*.yaml"))]
t = time.perf_counter()
if sys.argv[2] == "yaml_out":
    out = yaml_out.dump_many(docs, [None] * len(docs))
else:
    out = [yaml.dump(d, Dumper=Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1000)
           for d in docs]
took = time.perf_counter() - t
assert out == [yaml_out.dump(d) for d in docs]
print(took)
"""


def yaml_writers(configs: Path, runs: int = 5) -> dict[str, float]:
    """Median time to write the fleet's configs with each writer, alternating."""
    times: dict[str, list[float]] = {"yaml_out": [], "yaml.dump": []}
    for _ in range(runs):
        for name, got in times.items():
            r = subprocess.run([sys.executable, "-c", YAML_WRITERS, str(configs), name],
                               check=True, capture_output=True, text=True, cwd=ROOT)
            got.append(float(r.stdout))
    return {name: statistics.median(got) for name, got in times.items()}


def main() -> None:
    profile = "profiles/lacp-vlan-jumbo.yaml"
    base_v = wall([sys.executable, "-c", "import yaml"], 15)
    val = wall([str(BIN), "validate", profile], 15)
    print(f"validate {profile}: {val * 1000:.0f} ms median (target ≤ 300 ms); "
          f"baseline python+yaml {base_v * 1000:.0f} ms; ratio {val / base_v:.2f}x")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base, nodes = fleet_files(tmp)
        runs = []
        for i in range(5):  # a fresh output directory each time: the first generation of a fleet
            t = time.perf_counter()
            out = tmp / f"out{i}"
            subprocess.run([str(BIN), "pxe", "--profile", str(base), "--nodes", str(nodes), "--out", str(out)],
                           check=True, capture_output=True)
            runs.append(time.perf_counter() - t)
        fleet = statistics.median(runs)
        configs = list((tmp / "out0" / "configs").glob("*.yaml"))
        assert len(configs) == 1000, len(configs)
        import yaml

        docs = [yaml.safe_load(p.read_text()) for p in configs]
        t = time.perf_counter()
        for doc in docs:
            yaml.safe_dump(doc, sort_keys=False)
        dump = time.perf_counter() - t
        print(f"pxe 1000 nodes: {fleet * 1000:.0f} ms wall (target ≤ 1000 ms); "
              f"baseline yaml.safe_dump x1000 {dump * 1000:.0f} ms; ratio {fleet / dump:.2f}x")
        w = yaml_writers(tmp / "out0" / "configs")
        print(f"writing the 1000 configs (same bytes, median of 5): "
              f"tui/render/yaml_out.py {w['yaml_out'] * 1000:.0f} ms; "
              f"one yaml.dump per node (CSafeDumper) {w['yaml.dump'] * 1000:.0f} ms; "
              f"the fleet with yaml.dump instead: ~{(fleet - w['yaml_out'] + w['yaml.dump']) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
