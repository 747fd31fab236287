"""Kernel command line: Harvester's parsing semantics, table-driven, and the render→parse round trip."""

import pytest

from tui.importers.kernel_cmdline import parse

CASES = [
    ("bare key is true", "harvester.install.automatic", {"install": {"automatic": "true"}}),
    ("dotted path", "harvester.install.mode=create", {"install": {"mode": "create"}}),
    ("other args ignored", "BOOT_IMAGE=/vmlinuz ro quiet ip=dhcp harvester.install.mode=join", {"install": {"mode": "join"}}),
    ("quoted value", 'harvester.os.ssh_authorized_keys="ssh-ed25519 AAAA ops@x"', {"os": {"ssh_authorized_keys": "ssh-ed25519 AAAA ops@x"}}),
    ("fully quoted argument", '"harvester.os.hostname=node 1"', {"os": {"hostname": "node 1"}}),
    ("repeat makes a list", "harvester.os.dns_nameservers=1.1.1.1 harvester.os.dns_nameservers=8.8.8.8 harvester.os.dns_nameservers=9.9.9.9",
     {"os": {"dns_nameservers": ["1.1.1.1", "8.8.8.8", "9.9.9.9"]}}),
    ("scheme_version is an integer", "harvester.scheme_version=1", {"scheme_version": 1}),
    ("values stay strings", "harvester.install.management_interface.vlan_id=100", {"install": {"management_interface": {"vlan_id": "100"}}}),
    ("interface by name", "harvester.install.management_interface.interfaces=ens3", {"install": {"management_interface": {"interfaces": [{"name": "ens3"}]}}}),
    ("interface name:", "harvester.install.management_interface.interfaces=name:ens3", {"install": {"management_interface": {"interfaces": [{"name": "ens3"}]}}}),
    ("interface hwAddr: with space", 'harvester.install.management_interface.interfaces="hwAddr: BE:44:8C:B0:5D:F2"',
     {"install": {"management_interface": {"interfaces": [{"hwAddr": "be:44:8c:b0:5d:f2"}]}}}),
    ("interface bare MAC", "harvester.install.management_interface.interfaces=be:44:8c:b0:5d:f2",
     {"install": {"management_interface": {"interfaces": [{"hwAddr": "be:44:8c:b0:5d:f2"}]}}}),
    ("interface combination, last wins", "harvester.install.management_interface.interfaces=hwAddr:be:44:8c:b0:5d:f2,name:ens3,name:ens4",
     {"install": {"management_interface": {"interfaces": [{"hwAddr": "be:44:8c:b0:5d:f2", "name": "ens4"}]}}}),
    ("two interfaces", "harvester.install.management_interface.interfaces=ens3 harvester.install.management_interface.interfaces=ens4",
     {"install": {"management_interface": {"interfaces": [{"name": "ens3"}, {"name": "ens4"}]}}}),
    ("v1.0 harvester-mgmt interfaces", "harvester.install.networks.harvester-mgmt.interfaces=name:ens3",
     {"install": {"networks": {"harvester-mgmt": {"interfaces": [{"name": "ens3"}]}}}}),
    ("prefix must match exactly", "harvesterx.install.mode=create xharvester.a=b", {}),
]


@pytest.mark.parametrize("name,line,expected", CASES, ids=[c[0] for c in CASES])
def test_parse(name, line, expected):
    data, problems = parse(line)
    assert problems == []
    assert data == expected


ERRORS = [
    ("bad MAC", "harvester.install.management_interface.interfaces=hwAddr:zz:44:8c:b0:5d:f2", "hwAddr:zz"),
    ("empty interface", 'harvester.install.management_interface.interfaces=', "interfaces="),
    ("empty element", "harvester.install.management_interface.interfaces=ens3,,ens4", "interfaces=ens3,,ens4"),
    ("unknown prefix in value", "harvester.install.management_interface.interfaces=foo:bar", "foo:bar"),
    ("bad scheme_version", "harvester.scheme_version=one", "scheme_version"),
    ("value then section", "harvester.install=x harvester.install.mode=create", "harvester.install.mode=create"),
    ("empty key segment", "harvester..mode=x", "harvester..mode=x"),
]


@pytest.mark.parametrize("name,line,arg", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_argument(name, line, arg, cli):
    _, problems = parse(line)
    assert problems and arg in problems[0].path
    r = cli("cmdline", "--cmdline", line)
    assert r.code == 1 and arg in r.err and "Traceback" not in r.err


def test_cli_json_and_profile(cli):
    line = ("ip=dhcp harvester.install.mode=create harvester.install.management_interface.method=dhcp "
            "harvester.install.management_interface.interfaces=hwAddr:be:44:8c:b0:5d:f2,name:ens3 harvester.os.hostname=node7")
    r = cli("cmdline", "--cmdline", line, "--json")
    assert r.code == 0 and r.json()["os"]["hostname"] == "node7"
    r = cli("cmdline", "--cmdline", line, "--profile")
    assert r.code == 0
    assert "  - name: ens3\n    mac: be:44:8c:b0:5d:f2" in r.out and "hostname: node7" in r.out


@pytest.mark.parametrize("profile", ["join-node", "two-nic-active-backup-static", "single-nic-dhcp", "../tests/golden/cases/v1-0-static-no-uplink/profile"])
def test_rendered_kernel_args_read_back_to_the_same_config(profile):
    """render --format cmdline, then parse as Harvester would: the same config (as strings)."""
    from conftest import PROFILES
    from tui.model.load import load_text
    from tui.render.node import render_node

    result = render_node(load_text((PROFILES / f"{profile}.yaml").read_bytes()), None, "cmdline")
    assert result.ok
    data, problems = parse(result.files["cmdline"])
    assert problems == []
    data["install"].pop("automatic")

    def as_strings(value):
        if isinstance(value, dict):
            return {k: as_strings(v) for k, v in value.items()}
        if isinstance(value, list):
            items = [as_strings(v) for v in value]
            return items[0] if len(items) == 1 and not isinstance(items[0], dict) else items
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, int) and value == 1 else str(value)

    expected = as_strings(result.config)
    assert data == expected
