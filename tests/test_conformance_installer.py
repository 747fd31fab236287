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
import re
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
    config = _render(loaded, None, "harvester")
    assert config.ok, [p.line() for p in config.problems]
    ours = _render(loaded, None, "nm-keyfiles")
    assert ours.ok, [p.line() for p in ours.problems]
    expected = _oracle_nm(config.files["harvester-config.yaml"], tmp_path)
    assert {k: v.encode() for k, v in ours.files.items()} == expected


# --- 2. our kernel-argument parser answers as the installer's ParseCmdLine + ReadConfig ------

# Where we refuse input the installer takes, the refusal carries one of these, and why:
EARLIER = {
    "spell it": "a field spelled other than snake_case: the installer converts lists, integers and "
                "interfaces only at the exact snake_case path, so such spellings fail there or only half work",
    "is not true or false": "the installer reads any other spelling of a boolean, even 1 or on, as false",
    "given more than once": "a single-valued field given twice: the installer silently keeps one of them",
    "not nested keys": "a map entry given nested keys: the installer writes Go's map[...] text as its value",
    "neither a name nor a MAC": "an interface {} that the installer's own validation refuses later",
    "empty key segment": "harvester..x: always a typo; the installer silently ignores it",
    "levels deep": "deeper than any installer field (and a stack-depth hazard downstream)",
}

KNOWN_INPUTS = [  # the minimal inputs of issue 10 §2, and neighbours
    "harvester.os.hostname=a harvester.os.hostname=b",
    "harvester.install.management_interface.mtu=abc",
    'harvester.install.management_interface.mtu=""',
    "harvester.install.management_interface.mtu=1.5",
    "harvester.install.management_interface.mtu=0x10",
    "harvester.install.management_interface.mtu=\u0663",
    "harvester.install.management_interface.mtu=+5",
    "harvester.install.management_interface.mtu=-5",
    "harvester.install.managementInterface.interfaces=ens3",
    "harvester.os.dnsnameservers=1.1.1.1",
    "harvester.install.management_interface.vlanid=100",
    "harvester.install.management_interface.interfaces=be:4:8c:b0:5d:f2",
    "harvester.install.management_interface.interfaces=hwAddr:BE:44:8c:b0:5d:f2",
    "harvester.install.management_interface.interfaces=hwAddr:BE:44:8c:b0:5d:f2,name:ens3",
    "harvester.os.hostname=a\vharvester.install.mode=create",
    "harvester.os.hostname=a\xa0harvester.install.mode=create",
    "harvester.os.hostname=a\tharvester.install.mode=create",
    "harvester.scheme_version=\xb2",
    "harvester.scheme_version=\u0661",
    "harvester.scheme_version=1 harvester.scheme_version=1",
    "harvester.os.hostname=a harvester.os=1",
    "harvester.os=1 harvester.os.hostname=a",
    "harvester.install=x harvester.install.mode=create",
    "harvester.install.management_interface.interfaces=ens3,,ens4",
    "harvester.install.management_interface.interfaces=",
    "harvester.install.management_interface.interfaces=name:",
    "harvester.install.management_interface.interfaces=foo:bar",
    "harvester." + "a." * 500 + "b=1",
]

PATHS = {
    "os.hostname": ["node1", "n-2", "", "a b"], "token": ["s3cret", "p@ss=w"], "server_url": ["https://10.0.0.1:443"],
    "install.mode": ["create", "join"], "install.device": ["/dev/sda"], "install.iso_url": ["http://x/h.iso"],
    "install.vip": ["10.0.0.99"], "install.vip_mode": ["static", "DHCP"], "os.password": ["pw", "$6$x$y"],
    "os.dns_nameservers": ["1.1.1.1", "8.8.8.8"], "os.ntp_servers": ["pool.ntp.org"], "sans": ["a.example"],
    "os.ssh_authorized_keys": ["ssh-ed25519 AAAA x@y"], "system_settings.ntp-servers": ["x"],
    "install.management_interface.method": ["dhcp", "static", "foo"],
    "install.management_interface.ip": ["10.0.0.11"], "install.management_interface.gateway": ["10.0.0.1"],
    "install.management_interface.subnet_mask": ["255.255.255.0"],
    "install.management_interface.bond_options.mode": ["active-backup", "802.3ad"],
    "install.management_interface.bond_options.miimon": ["100"],
    "install.management_interface.mtu": ["9000", "1500", "0", "-1", "+7", "9k", "", "1_000", "\u0663",
                                         "99999999999999999999"],
    "install.management_interface.vlan_id": ["100", "4095", "x", "07"],
    "install.management_interface.interfaces": [
        "ens3", "name:ens3", "hwAddr:be:44:8c:b0:5d:f2", "be:44:8c:b0:5d:f2", "hwAddr: BE:44:8C:B0:5D:F2",
        "hwAddr:be:44:8c:b0:5d:f2,name:ens3", "name:ens3,be:44:8c:b0:5d:f2", "ens3,ens4", "be:4:8c:b0:5d:f2",
        "hwAddr:zz:44:8c:b0:5d:f2", "name:", "ens3,", "foo:bar", "a:b:c", "hwAddr:be:44:8c:b0:5d:f2:00",
        "name:ens3,hwAddr:be:44:8c:b0:5d:f2,name:ens4", " ens3 "],
    "install.automatic": ["true", "false", "True", "1", "on", "yes"], "install.skipchecks": ["true", "no"],
    "os.sshd.sftp": ["true", "t"], "scheme_version": ["1", "0", "2", "-1", "+1", "4294967296", "x", ""],
    "install.managementInterface.method": ["dhcp"], "install.management_interface.vlanId": ["100"],
    "os.sshAuthorizedKeys": ["k"], "os.dnsnameservers": ["1.1.1.1"], "install.isoUrl": ["http://x"],
    "install.power_off": ["true"], "install.poweroff": ["true"], "os.ntp_server": ["x"],
    "os.foo": ["bar"], "foo": ["bar"], "install.extra_thing": ["1"], "netsetup.profile": ["http://x/p.yaml"],
    "install.webhooks": ["x"], "os.write_files": ["x"], "os": ["1"], "install": ["x"], "os.hostname.x": ["1"],
    "install.management_interface": ["x"], "install.management_interface.bond_options": ["x"],
    "install.management_interface.bond_options.a.b": ["1"], "system_settings": ["x"],
    "install.management_interface.interfaces.x": ["1"], "scheme_version.x": ["1"], "os.labels.a": ["b"],
    "": ["x"], "os..hostname": ["x"],
}
SEPARATORS = [" ", " ", " ", "  ", "\t", "\n", "\v", "\xa0", "\f", "\r"]


def corpus(seed: int = 10, size: int = 400) -> list[str]:
    rng = random.Random(seed)
    paths = sorted(PATHS)
    out = list(KNOWN_INPUTS)
    while len(out) < size:
        args = []
        for _ in range(rng.randint(1, 5)):
            path = rng.choice(paths)
            value = rng.choice(PATHS[path])
            key = f"harvester.{path}" if path else "harvester"
            style = rng.random()
            if style < 0.08:
                arg = key  # a bare key means true
            elif style < 0.2:
                arg = f'{key}="{value}"'
            elif style < 0.25:
                arg = f'"{key}={value}"'
            else:
                arg = f"{key}={value}"
            args.append(arg)
            if rng.random() < 0.15:
                args.append(arg if rng.random() < 0.5 else f"{key}={rng.choice(PATHS[path])}")
        if rng.random() < 0.3:
            other = rng.choice(["ip=dhcp", "rd.cos.disable", "console=tty1", "harvesterx.a=b"])
            args.insert(rng.randrange(len(args) + 1), other)
        line = args[0]
        for arg in args[1:]:
            line += rng.choice(SEPARATORS) + arg
        out.append(line)
    return out


def rendered_lines() -> list[str]:
    """Our own kernel arguments for every profile and golden case, wherever they render."""
    lines = []
    for param in golden_cases():
        profile_path, inventory_path, _folder = param.values
        result = _render(_loaded(profile_path), _inventory(inventory_path), "cmdline")
        if result.ok:
            lines.append(result.files["cmdline"])
    return lines


# One input per declared earlier refusal: the installer takes it, we refuse, and say why.
EARLIER_EXAMPLES = [
    ("spell it", "harvester.install.managementInterface.method=dhcp"),
    ("is not true or false", "harvester.install.skipchecks=1"),
    ("given more than once",
     "harvester.install.management_interface.mtu=9000 harvester.install.management_interface.mtu=1500"),
    ("not nested keys", "harvester.install.management_interface.bond_options.mode.x=1"),
    ("neither a name nor a MAC", "harvester.install.management_interface.interfaces=name:"),
    ("empty key segment", "harvester..os.hostname=a"),
    ("levels deep", "harvester." + "a." * 500 + "b=1"),
]


def test_each_earlier_refusal_is_real_and_explained():
    from tui.importers.kernel_cmdline import parse

    assert sorted(m for m, _ in EARLIER_EXAMPLES) == sorted(EARLIER)
    answers = installer_batch("head", "cmdline-batch", [line for _, line in EARLIER_EXAMPLES])
    for (marker, line), theirs in zip(EARLIER_EXAMPLES, answers):
        assert "error" not in theirs, f"the installer refuses {line!r} too: not an earlier refusal"
        _, problems = parse(line)
        assert problems and marker in problems[0].message, (line, problems)


def test_the_corpus_is_large_and_seeded():
    assert len(corpus()) >= 400 and corpus() == corpus()
    assert len({line for line in corpus()}) > 350


def test_kernel_argument_parse_agrees_with_the_installer_input_by_input():
    from tui.importers.kernel_cmdline import parse

    lines = corpus() + rendered_lines()
    answers = installer_batch("head", "cmdline-batch", lines)
    assert len(answers) == len(lines)
    disagreements, earlier = [], 0
    for line, theirs in zip(lines, answers):
        data, problems = parse(line)
        errors = [p.line() for p in problems if p.is_error]
        if "error" in theirs:
            if not errors:
                disagreements.append(f"{line!r}: installer refuses ({theirs['error']}); we accept {data}")
            continue
        if errors:
            undeclared = [e for e in errors if not any(marker in e for marker in EARLIER)]
            if undeclared:
                disagreements.append(f"{line!r}: installer accepts; we refuse without a declared reason: {undeclared}")
            earlier += 1
            continue
        if json.loads(json.dumps(data)) != theirs["map"]:
            disagreements.append(f"{line!r}: maps differ: ours {data} theirs {theirs['map']}")
    assert not disagreements, "\n".join(disagreements[:20]) + f"\n({len(disagreements)} in all)"
    assert earlier < len(lines) // 3, "most of the corpus must be read, not refused early"


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
    loaded, inventory = _loaded(profile_path), _inventory(inventory_path)
    release = loaded.profile.release.name
    config = _render(loaded, inventory, "harvester")
    assert config.ok
    expected = _load(release, config.files["harvester-config.yaml"], tmp_path)
    inline = _render(loaded, inventory, "cmdline")
    if loaded.profile.install is None or not loaded.profile.install.iso_url:
        for kw in ({}, {"config_url": "http://10.0.0.10/c/node.yaml"}):
            refused = [p.path for p in _render(loaded, inventory, "cmdline", **kw).problems if p.is_error]
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
    via_url = _render(loaded, inventory, "cmdline", config_url="http://10.0.0.10/c/node.yaml")
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
    inline = _render(loaded, inventory, "cmdline")
    if refused:
        errors = [p for p in inline.problems if p.is_error]
        assert errors and errors[0].path.endswith(refused) and release in errors[0].message, inline.problems
        assert "config URL" in errors[0].message or "--config-url" in errors[0].message
        return
    assert inline.ok, [p.line() for p in inline.problems]
    rc, answer = installer(release, "cmdline", inline.files["cmdline"])
    assert rc == 0, answer
    config = _render(loaded, inventory, "harvester")
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
    config = _render(loaded, None, "harvester")
    path = tmp_path / "c.yaml"
    path.write_text(config.files["harvester-config.yaml"].replace("install:\n", "install:\n  automatic: true\n", 1))
    rc, answer = installer("head", "validate", str(path))
    assert rc == 1 and "iso_url is required" in answer["error"], answer
    assert any(p.path == "install.iso_url" for p in config.problems), "validate warns before anything is rendered"
    for kw in ({}, {"config_url": "http://10.0.0.10/c.yaml"}):
        inline = _render(loaded, None, "cmdline", **kw)
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
    loaded = _loaded(profile_path)
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

    loaded, inventory = _loaded(profile_path), _inventory(inventory_path)
    release = loaded.profile.release.name
    first = _load(release, (folder / "harvester-config.yaml").read_text(), tmp_path)
    imported, problems = convert(first, release)
    assert imported is not None and not [p for p in problems if p.is_error], [p.line() for p in problems]
    again = _render(imported, None, "harvester")
    assert again.ok, [p.line() for p in again.problems if p.is_error]
    second = _load(release, again.files["harvester-config.yaml"], tmp_path)
    assert second == first
