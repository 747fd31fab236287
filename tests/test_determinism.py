"""The same input gives the same bytes in two separate processes with different hash seeds.

A warm process that renders twice shares one string-hash seed, so set or dict-of-set order
that leaks into the output would pass unnoticed there. Here two fresh interpreters, one with
PYTHONHASHSEED=1 and one with PYTHONHASHSEED=2, each render every profile in profiles/ (and
every golden case with its inventory) to every format -- the Harvester config, the
NetworkManager keyfiles, the kernel arguments (inline and with --config-url) and a PXE fleet --
through the command line, and the two output trees must be byte-identical, exit codes and
messages included.

Password hashes ($6$<salt>$<hash>) are normalised before comparing: whether their salt is
derived from the input or random is the password renderer's decision (tests/test_password.py),
not a determinism defect; everything around them must still match byte for byte.
"""

import ipaddress
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ("1", "2")
SHA512_CRYPT = re.compile(rb"\$6\$(?:rounds=\d+\$)?[./0-9A-Za-z]{0,16}\$[./0-9A-Za-z]{86}")


def inputs() -> list[tuple[str, Path, Path | None]]:
    out = [(f"profiles-{p.stem}", p, None) for p in sorted((ROOT / "profiles").glob("*.yaml"))]
    for folder in sorted((ROOT / "tests" / "golden" / "cases").iterdir()):
        inv = folder / "inventory.json"
        out.append((f"cases-{folder.name}", folder / "profile.yaml", inv if inv.exists() else None))
    return out


def nodes_csv(profile: Path) -> str:
    """Two fleet nodes: in the profile's static management subnet, or DHCP when it has none."""
    ipv4 = ((yaml.safe_load(profile.read_text()) or {}).get("management") or {}).get("ipv4") or {}
    ips = ["", ""]
    if ipv4.get("address"):
        net = ipaddress.ip_interface(ipv4["address"]).network
        ips = [f"{net.network_address + 201}/{net.prefixlen}", f"{net.network_address + 202}/{net.prefixlen}"]
    return "mac,hostname,ip\n" + "".join(f"52:54:00:00:00:0{i + 1},node{i + 1},{ip}\n" for i, ip in enumerate(ips))


def commands(out: Path, nodes: Path) -> list[tuple[str, list[str]]]:
    """(name, argv) for every input and every format; each writes under out/name (fleet nodes in nodes/)."""
    cmds = []
    for name, profile, inv in inputs():
        fleet = nodes / f"{name}.csv"
        inventory = ["--inventory", str(inv)] if inv else []
        base = ["render", str(profile), *inventory]
        cmds += [
            (f"{name}/harvester", [*base, "--format", "harvester", "-o", str(out / name / "harvester-config.yaml")]),
            (f"{name}/nm", [*base, "--format", "nm-keyfiles", "-o", str(out / name / "nm")]),
            (f"{name}/cmdline", [*base, "--format", "cmdline", "-o", str(out / name / "cmdline.txt")]),
            (f"{name}/cmdline-url", [*base, "--format", "cmdline", "--config-url", "http://10.0.0.10/c/node.yaml",
                                     "-o", str(out / name / "cmdline-url.txt")]),
            (f"{name}/pxe", ["pxe", "--profile", str(profile), "--nodes", str(fleet), "--out", str(out / name / "pxe"),
                             "--boot-url", "http://10.0.0.10/pxe"]),
        ]
    return cmds


# Run in each child: every command in-process through tui.cli.main, its exit code and output kept.
CHILD = r"""
import contextlib, io, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import tests.test_determinism as t
from tui.cli import main

out, nodes = Path(sys.argv[2]), Path(sys.argv[3])
log = {"hash": hash("harvester-netsetup")}
for name, argv in t.commands(out, nodes):
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    log[name] = {"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
(out / "log.json").write_text(json.dumps(log, indent=1))
"""


def render_in_child(seed: str, out: Path, nodes: Path) -> dict:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    r = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(out), str(nodes)],
                       env=env, cwd=out.parent, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads((out / "log.json").read_text())


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, with its bytes (hashes normalised, paths relative)."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "log.json":
            files[str(path.relative_to(root))] = normalise(path.read_bytes(), root)
    return files


def normalise(data: bytes, root: Path) -> bytes:
    return SHA512_CRYPT.sub(b"$6$<salt>$<hash>", data).replace(str(root).encode(), b"<out>")


def test_normalise_replaces_only_the_hash():
    text = b'password: "$6$abcdefgh$' + b"x" * 86 + b'"\nhostname: node1\n'
    assert normalise(text, Path("/nowhere")) == b'password: "$6$<salt>$<hash>"\nhostname: node1\n'


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("determinism")
    nodes = tmp / "nodes"
    nodes.mkdir()
    for name, profile, _ in inputs():
        (nodes / f"{name}.csv").write_text(nodes_csv(profile))
    runs = {}
    for seed in SEEDS:
        out = tmp / f"seed{seed}"
        out.mkdir()
        log = render_in_child(seed, out, nodes)
        runs[seed] = (log, tree(out), out)
    return runs


def test_children_really_hash_differently(renders):
    (a, _, _), (b, _, _) = (renders[s] for s in SEEDS)
    assert a["hash"] != b["hash"], "PYTHONHASHSEED did not reach the child processes"


def test_every_format_rendered_something(renders):
    log, files, _ = renders[SEEDS[0]]
    for name, _, _ in inputs():
        assert log[f"{name}/harvester"]["code"] == 0, log[f"{name}/harvester"]
        assert f"{name}/harvester-config.yaml" in files
    for fmt, produced in (("nm", "/nm/"), ("cmdline", "/cmdline.txt"), ("pxe", "/pxe/")):
        ok = [n for n, _, _ in inputs() if log[f"{n}/{fmt}"]["code"] == 0]
        assert ok, f"no input rendered {fmt}"
        assert all(any(f.startswith(n) and produced in "/" + f[len(n):] for f in files) for n in ok), fmt


@pytest.mark.parametrize("name", [n for n, _, _ in inputs()])
def test_same_bytes_across_hash_seeds(renders, name):
    (log_a, files_a, out_a), (log_b, files_b, out_b) = (renders[s] for s in SEEDS)
    mine_a = {k: v for k, v in files_a.items() if k.startswith(name + "/")}
    mine_b = {k: v for k, v in files_b.items() if k.startswith(name + "/")}
    assert sorted(mine_a) == sorted(mine_b), "different files written"
    for path in mine_a:
        assert mine_a[path] == mine_b[path], f"{path} differs between PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}"
    for key in log_a:
        if key.startswith(name + "/"):
            a = {k: normalise(v.encode(), out_a) if isinstance(v, str) else v for k, v in log_a[key].items()}
            b = {k: normalise(v.encode(), out_b) if isinstance(v, str) else v for k, v in log_b[key].items()}
            assert a == b, f"{key}: exit code or messages differ"
