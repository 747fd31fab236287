"""Conformance with Harvester's installer, judged by the installer's own code (tests/oracles.py).

- NM keyfiles: byte-identical to ``installer-head nm CONFIG OUTDIR``.
- Kernel arguments: each profile and golden case, rendered for its target release, is read by
  THAT release's ``cmdline`` to the config its ``load`` reads from the rendered config file.
- Our kernel-argument parser answers as the installer's ParseCmdLine + ReadConfig, input by
  input, on a seeded generated corpus; where we refuse earlier, the reason is declared here.
- ``profile import`` of what the installer's ``load`` returns gives back an equivalent profile.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

from oracles import installer, installer_batch, installer_for, need

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def golden_cases():
    """(id, profile path, inventory path or None, golden folder)."""
    for path in sorted((ROOT / "profiles").glob("*.yaml")):
        yield pytest.param(path, None, GOLDEN / "profiles" / path.stem, id=f"profiles/{path.stem}")
    for folder in sorted((GOLDEN / "cases").iterdir()):
        inv = folder / "inventory.json"
        yield pytest.param(folder / "profile.yaml", inv if inv.exists() else None, folder, id=f"cases/{folder.name}")


def _loaded(profile_path: Path):
    from tui.model.load import load_text

    return load_text(profile_path.read_bytes())


def _inventory(inventory_path: Path | None):
    if inventory_path is None:
        return None
    from tui.model.inventory import inventory_from_data

    inventory, problems = inventory_from_data(json.loads(inventory_path.read_text()))
    assert not problems
    return inventory


def _render(loaded, inventory, fmt, **kw):
    from tui.render.node import render_node

    return render_node(loaded, inventory, fmt, **kw)


def _oracle_nm(config_text: str, tmp_path: Path) -> dict[str, bytes]:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(config_text)
    out = tmp_path / "nm"
    rc, answer = installer("head", "nm", str(cfg), str(out))
    assert rc == 0, answer
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


# --- 3. NM keyfiles, byte for byte --------------------------------------------------------

@pytest.mark.parametrize("profile_path,inventory_path,folder", list(golden_cases()))
def test_golden_keyfiles_are_what_the_installer_writes(profile_path, inventory_path, folder, tmp_path):
    """The golden nm/ folders are judged by the installer, not by our own earlier output."""
    nm_dir = folder / "nm"
    if not nm_dir.is_dir():
        pytest.skip("no keyfiles for this release (NetworkManager from v1.7; v1.0 has none)")
    config_text = (folder / "harvester-config.yaml").read_text()
    expected = _oracle_nm(config_text, tmp_path)
    got = {p.name: p.read_bytes() for p in sorted(nm_dir.iterdir())}
    assert got == expected


BASE = {
    "version": 1, "harvester": "v1.8",
    "node": {"hostname": "node1", "ntp": ["0.pool.ntp.org"]},
    "management": {"interfaces": [{"name": "ens5"}], "ipv4": {"method": "dhcp"}},
    "install": {"mode": "create", "token": "t0ken", "vip": "10.0.0.99", "device": "/dev/sda",
                "iso_url": "http://10.0.0.10/h.iso", "password": "p@ss"},
}
STATIC = {"method": "static", "address": "10.0.0.11/24", "gateway": "10.0.0.1"}
# Management networks that reach each branch of the installer's keyfile templates.
VARIANTS = [
    ("dhcp", {}),
    ("dhcp-dns", {"node": {"hostname": "node1", "dns": ["10.0.0.53", "10.0.0.54"]}}),
    ("static", {"node": {"hostname": "node1", "dns": ["10.0.0.53"]}, "management": {"ipv4": STATIC}}),
    ("static-dns-mtu", {"node": {"hostname": "node1", "dns": ["10.0.0.53"]}, "management": {"ipv4": STATIC, "mtu": 9000}}),
    ("tagged-dhcp", {"management": {"vlan_id": 100}}),
    ("tagged-static-dns", {"node": {"hostname": "node1", "dns": ["1.1.1.1"]},
                           "management": {"vlan_id": 2012, "mtu": 1500, "ipv4": STATIC}}),
    ("two-nics-lacp", {"management": {"interfaces": [{"name": "ens5"}, {"name": "ens6"}],
                                      "bond": {"mode": "802.3ad", "miimon": 100,
                                               "options": {"lacp_rate": "fast", "xmit_hash_policy": "layer3+4"}}}}),
    ("balance-alb", {"management": {"bond": {"mode": "balance-alb"}}}),
]


def merged(change: dict, base: dict = BASE) -> dict:
    out = json.loads(json.dumps(base))
    for key, value in change.items():
        out[key] = merged(value, out[key]) if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "ipv4" else value
    return out


@pytest.mark.parametrize("name,change", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_keyfiles_are_byte_identical_to_the_installers(name, change, tmp_path):
    from tui.model.load import load_data

    loaded = load_data(merged(change))
    config = _render(loaded, None, "harvester")
    assert config.ok, [p.line() for p in config.problems]
    ours = _render(loaded, None, "nm-keyfiles")
    assert ours.ok, [p.line() for p in ours.problems]
    expected = _oracle_nm(config.files["harvester-config.yaml"], tmp_path)
    assert {k: v.encode() for k, v in ours.files.items()} == expected
