"""Conformance with Harvester's installer, judged by the installer's own code (tests/oracles.py).

- NM keyfiles: byte-identical to ``installer-head nm CONFIG OUTDIR``.
- Kernel arguments: each profile and golden case, rendered for its target release, is read by
  THAT release's ``cmdline`` to the config its ``load`` reads from the rendered config file.
- ``profile import`` of what the installer's ``load`` returns gives back an equivalent profile.

Our kernel-argument parser, judged input by input against the installer's ParseCmdLine +
ReadConfig, is tests/test_conformance_cmdline_parser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from oracles import installer, installer_for
from tests.golden_cases import case_inventory, golden_cases, load_case, render


def _oracle_nm(config_text: str, tmp_path: Path) -> dict[str, bytes]:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(config_text)
    out = tmp_path / "nm"
    rc, answer = installer("head", "nm", str(cfg), str(out))
    assert rc == 0, answer
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


# --- 3. NM keyfiles, byte for byte --------------------------------------------------------

WITH_KEYFILES = [c for c in golden_cases() if (c.values[2] / "nm").is_dir()]  # v1.0 has none


@pytest.mark.parametrize("profile_path,inventory_path,folder", WITH_KEYFILES)
def test_golden_keyfiles_are_what_the_installer_writes(profile_path, inventory_path, folder, tmp_path):
    """The golden nm/ folders are judged by the installer, not by our own earlier output."""
    nm_dir = folder / "nm"
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
    ("static-dns-mtu", {"node": {"hostname": "node1", "dns": ["10.0.0.53"]},
                        "management": {"ipv4": STATIC, "mtu": 9000}}),
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
        deeper = isinstance(value, dict) and isinstance(out.get(key), dict) and key != "ipv4"
        out[key] = merged(value, out[key]) if deeper else value
    return out


@pytest.mark.parametrize("name,change", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_keyfiles_are_byte_identical_to_the_installers(name, change, tmp_path):
    from tui.model.load import load_data

    loaded = load_data(merged(change))
    config = render(loaded, None, "harvester")
    assert config.ok, [p.line() for p in config.problems]
    ours = render(loaded, None, "nm-keyfiles")
    assert ours.ok, [p.line() for p in ours.problems]
    expected = _oracle_nm(config.files["harvester-config.yaml"], tmp_path)
    assert {k: v.encode() for k, v in ours.files.items()} == expected


# --- 1. kernel arguments per target release; profiles and goldens read back by THAT release --

def _without(config: dict, *paths: str) -> dict:
    config = json.loads(json.dumps(config))
    for path in paths:
        node = config
        *parents, last = path.split(".")
        for key in parents:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(last, None)
    return config


def _hash_shape(config: dict) -> dict:
    """``os.password`` as its shape: each render draws a new random salt (tests/test_password.py
    checks the hash itself), so two renders of one profile differ there and only there."""
    config = json.loads(json.dumps(config))
    pw = (config.get("os") or {}).get("password")
    if isinstance(pw, str) and re.fullmatch(r"\$6\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}", pw):
        config["os"]["password"] = "$6$<random salt>$<hash>"
    return config


def _one_selector_each(config: dict) -> dict:
    """v1.7 and older read one of hwAddr/name per interface argument; we send the MAC when known."""
    config = json.loads(json.dumps(config))
    install = config.get("install", {})
    for net in [install.get("managementInterface") or {}, *(install.get("networks") or {}).values()]:
        for item in net.get("interfaces") or []:
            if item.get("hwAddr"):
                item.pop("name", None)
    return config


def _load(release: str, text: str, tmp_path: Path) -> dict:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    rc, out = installer(release, "load", str(path))
    assert rc == 0, out
    return out


@pytest.mark.parametrize("profile_path,inventory_path,folder", list(golden_cases()))
def test_rendered_kernel_args_read_back_by_the_target_release(profile_path, inventory_path, folder, tmp_path):
    """``render --format cmdline`` for the profile's release is read by that release's installer
    (``ReadCmdline`` + ``ReadConfig``) to the config its ``load`` reads from our config file; where a
    config cannot be spelled as kernel arguments for that release we refuse with a clear error."""
    loaded, inventory = load_case(profile_path), case_inventory(inventory_path)
    release = loaded.profile.release.name
    config = render(loaded, inventory, "harvester")
    assert config.ok
    expected = _load(release, config.files["harvester-config.yaml"], tmp_path)
    inline = render(loaded, inventory, "cmdline")
    if loaded.profile.install is None or not loaded.profile.install.iso_url:
        for kw in ({}, {"config_url": "http://10.0.0.10/c/node.yaml"}):
            refused = [p.path for p in render(loaded, inventory, "cmdline", **kw).problems if p.is_error]
            assert refused[0] == "install.iso_url", "the installer refuses an automatic install without iso_url"
        return
    if not inline.ok:
        errors = [p.line() for p in inline.problems if p.is_error]
        assert errors and all("config URL" in e or "--config-url" in e for e in errors), errors
    else:
        rc, answer = installer(release, "cmdline", inline.files["cmdline"])
        assert rc == 0 and "error" not in answer, f"{installer_for(release)} refuses our kernel arguments: {answer}"
        got, expected = _hash_shape(_without(answer["config"], "install.automatic")), _hash_shape(expected)
        if loaded.profile.release.minor < 8:
            got, expected = _one_selector_each(got), _one_selector_each(expected)
        assert got == expected
    via_url = render(loaded, inventory, "cmdline", config_url="http://10.0.0.10/c/node.yaml")
    assert via_url.ok
    rc, answer = installer(release, "cmdline", via_url.files["cmdline"])
    assert rc == 0 and answer["config"]["install"]["automatic"] is True, answer
    assert answer["config"]["install"]["configUrl"] == "http://10.0.0.10/c/node.yaml"


# (name, release, profile change, field the release cannot read as a kernel argument)
PER_RELEASE = [
    ("mtu before v1.8", "v1.6", {"management": {"mtu": 9000}}, "install.management_interface.mtu"),
    ("vlan_id before v1.8", "v1.7", {"management": {"vlan_id": 100}}, "install.management_interface.vlan_id"),
    ("mtu v1.0", "v1.0", {"management": {"mtu": 9000}}, "install.networks.harvester-mgmt.mtu"),
]
for minor in range(0, 9):
    PER_RELEASE.append((f"plain v1.{minor}", f"v1.{minor}", {}, None))
PER_RELEASE += [("mtu v1.8", "v1.8", {"management": {"mtu": 9000, "vlan_id": 100}}, None)]


@pytest.mark.parametrize("name,release,change,refused", PER_RELEASE, ids=[c[0] for c in PER_RELEASE])
def test_kernel_args_are_what_the_target_release_reads(name, release, change, refused, tmp_path):
    from tui.model.inventory import inventory_from_data
    from tui.model.load import load_data

    data = merged({"harvester": release, **change})
    data["management"]["interfaces"] = [{"mac": "52:54:00:12:34:56"}]
    if release == "v1.0":
        data["management"]["bond"] = {"mode": "active-backup"}
    inventory, problems = inventory_from_data({"nics": [{"name": "ens3", "mac": "52:54:00:12:34:56"}]})
    assert not problems
    loaded = load_data(data)
    inline = render(loaded, inventory, "cmdline")
    if refused:
        errors = [p for p in inline.problems if p.is_error]
        assert errors and errors[0].path.endswith(refused) and release in errors[0].message, inline.problems
        assert "config URL" in errors[0].message or "--config-url" in errors[0].message
        return
    assert inline.ok, [p.line() for p in inline.problems]
    rc, answer = installer(release, "cmdline", inline.files["cmdline"])
    assert rc == 0, answer
    config = render(loaded, inventory, "harvester")
    expected = _load(release, config.files["harvester-config.yaml"], tmp_path)
    got, expected = _hash_shape(_without(answer["config"], "install.automatic")), _hash_shape(expected)
    if loaded.profile.release.minor < 8:
        got, expected = _one_selector_each(got), _one_selector_each(expected)
    assert got == expected


def test_automatic_install_without_iso_url_is_refused_as_the_installer_does(tmp_path):
    from tui.model.load import load_data

    data = merged({})
    del data["install"]["iso_url"]
    loaded = load_data(data)
    config = render(loaded, None, "harvester")
    path = tmp_path / "c.yaml"
    path.write_text(config.files["harvester-config.yaml"].replace("install:\n", "install:\n  automatic: true\n", 1))
    rc, answer = installer("head", "validate", str(path))
    assert rc == 1 and "iso_url is required" in answer["error"], answer
    assert any(p.path == "install.iso_url" for p in config.problems), "validate warns before anything is rendered"
    for kw in ({}, {"config_url": "http://10.0.0.10/c.yaml"}):
        inline = render(loaded, None, "cmdline", **kw)
        errors = [p for p in inline.problems if p.is_error]
        assert errors and errors[0].path == "install.iso_url" and "automatic" in errors[0].message, inline.problems


def _leaves(value, path: str = "") -> dict:
    """A config as {normalised path: scalar text}: the installer's camelCase and our snake_case
    name the same field; empty values are left out (the installer omits them)."""
    out = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key).replace("_", "").lower()
            out.update(_leaves(item, f"{path}.{name}" if path else name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(_leaves(item, f"{path}[{i}]"))
    elif value not in (None, "", False):
        out[path] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


@pytest.mark.parametrize("profile_path,inventory_path,folder", list(golden_cases()))
def test_golden_config_is_loaded_whole_and_validated_by_the_target_release(profile_path, inventory_path, folder,
                                                                           tmp_path):
    """The target release's LoadHarvesterConfig keeps every key we wrote (a key it does not know
    would be dropped), and its automatic-install validation passes (head for v1.1+, v1.0's own)."""
    loaded = load_case(profile_path)
    release = loaded.profile.release.name
    text = (folder / "harvester-config.yaml").read_text()
    ours = _leaves(yaml.safe_load(text))
    theirs = _leaves(_load(release, text, tmp_path))
    assert {k: v for k, v in ours.items() if theirs.get(k) != v} == {}, "keys the installer dropped or read otherwise"
    path = tmp_path / "config.yaml"
    path.write_text(text)
    validator = "v1.0" if loaded.profile.release.legacy else "head"
    sub = "validate" if loaded.profile.install is not None else "validate-network"
    rc, answer = installer(validator, sub, str(path))
    assert rc == 0 and answer.get("valid") is True, answer


@pytest.mark.parametrize("profile_path,inventory_path,folder", list(golden_cases()))
def test_profile_import_of_what_the_installer_loads_is_equivalent(profile_path, inventory_path, folder, tmp_path):
    """import(load(render(profile))) renders to the config the installer loaded in the first place."""
    from tui.commands.profile_import import convert

    loaded, inventory = load_case(profile_path), case_inventory(inventory_path)
    release = loaded.profile.release.name
    first = _load(release, (folder / "harvester-config.yaml").read_text(), tmp_path)
    imported, problems = convert(first, release)
    assert imported is not None and not [p for p in problems if p.is_error], [p.line() for p in problems]
    again = render(imported, None, "harvester")
    assert again.ok, [p.line() for p in again.problems if p.is_error]
    second = _load(release, again.files["harvester-config.yaml"], tmp_path)
    assert second == first
