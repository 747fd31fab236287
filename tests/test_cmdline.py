"""Kernel command line: Harvester's parsing semantics, table-driven, and the render→parse round trip.

The installer's own code judges the same parser on a generated corpus in
tests/test_conformance_installer.py; these tables pin the cases one by one."""

import pytest

from tui.importers.kernel_cmdline import parse

CASES = [
    ("bare key is true", "harvester.install.automatic", {"install": {"automatic": "true"}}),
    ("dotted path", "harvester.install.mode=create", {"install": {"mode": "create"}}),
    ("other args ignored", "BOOT_IMAGE=/vmlinuz ro quiet ip=dhcp harvester.install.mode=join",
     {"install": {"mode": "join"}}),
    ("quoted value", 'harvester.os.ssh_authorized_keys="ssh-ed25519 AAAA ops@x"',
     {"os": {"ssh_authorized_keys": "ssh-ed25519 AAAA ops@x"}}),
    ("fully quoted argument", '"harvester.os.hostname=node 1"', {"os": {"hostname": "node 1"}}),
    ("repeat makes a list",
     "harvester.os.dns_nameservers=1.1.1.1 harvester.os.dns_nameservers=8.8.8.8 harvester.os.dns_nameservers=9.9.9.9",
     {"os": {"dns_nameservers": ["1.1.1.1", "8.8.8.8", "9.9.9.9"]}}),
    ("scheme_version is an integer", "harvester.scheme_version=1", {"scheme_version": 1}),
    ("values stay strings", "harvester.install.management_interface.vlan_id=100",
     {"install": {"management_interface": {"vlan_id": "100"}}}),
    ("interface by name", "harvester.install.management_interface.interfaces=ens3",
     {"install": {"management_interface": {"interfaces": [{"name": "ens3"}]}}}),
    ("interface name:", "harvester.install.management_interface.interfaces=name:ens3",
     {"install": {"management_interface": {"interfaces": [{"name": "ens3"}]}}}),
    ("interface hwAddr: with space", 'harvester.install.management_interface.interfaces="hwAddr: BE:44:8C:B0:5D:F2"',
     {"install": {"management_interface": {"interfaces": [{"hwAddr": "BE:44:8C:B0:5D:F2"}]}}}),
    ("interface bare MAC", "harvester.install.management_interface.interfaces=be:44:8c:b0:5d:f2",
     {"install": {"management_interface": {"interfaces": [{"hwAddr": "be:44:8c:b0:5d:f2"}]}}}),
    ("interface combination, last wins",
     "harvester.install.management_interface.interfaces=hwAddr:be:44:8c:b0:5d:f2,name:ens3,name:ens4",
     {"install": {"management_interface": {"interfaces": [{"hwAddr": "be:44:8c:b0:5d:f2", "name": "ens4"}]}}}),
    ("two interfaces",
     "harvester.install.management_interface.interfaces=ens3 harvester.install.management_interface.interfaces=ens4",
     {"install": {"management_interface": {"interfaces": [{"name": "ens3"}, {"name": "ens4"}]}}}),
    ("v1.0 harvester-mgmt interfaces stay strings (as in the installer's map)",
     "harvester.install.networks.harvester-mgmt.interfaces=name:ens3",
     {"install": {"networks": {"harvester-mgmt": {"interfaces": "name:ens3"}}}}),
    ("empty element: the last name wins", "harvester.install.management_interface.interfaces=ens3,,ens4",
     {"install": {"management_interface": {"interfaces": [{"name": "ens4"}]}}}),
    ("a value then a section: the section is dropped", "harvester.os.hostname=a harvester.os=1",
     {"os": {"hostname": "a"}}),
    ("vertical tab and NBSP do not separate (Go's \\s)", "harvester.os.hostname=a\vb\xa0c",
     {"os": {"hostname": "a\vb\xa0c"}}),
    ("integers stay strings in the map", "harvester.install.management_interface.mtu=+9000",
     {"install": {"management_interface": {"mtu": "+9000"}}}),
    ("unknown keys are kept (the installer ignores them)", "harvester.installer.disable",
     {"installer": {"disable": "true"}}),
    ("prefix must match exactly", "harvesterx.install.mode=create xharvester.a=b", {}),
]


@pytest.mark.parametrize("name,line,expected", CASES, ids=[c[0] for c in CASES])
def test_parse(name, line, expected):
    data, problems = parse(line)
    assert problems == []
    assert data == expected


ERRORS = [  # (name, kernel arguments, the path named, part of the message)
    ("bad MAC", "harvester.install.management_interface.interfaces=hwAddr:zz:44:8c:b0:5d:f2",
     "harvester.install.management_interface.interfaces", "'zz:44:8c:b0:5d:f2' is not a MAC address"),
    ("MAC with a one-digit group (net.ParseMAC)", "harvester.install.management_interface.interfaces=be:4:8c:b0:5d:f2",
     "harvester.install.management_interface.interfaces", "not a MAC address"),
    ("empty interface", "harvester.install.management_interface.interfaces=", "interfaces", "empty interface details"),
    ("unknown prefix in value", "harvester.install.management_interface.interfaces=foo:bar", "interfaces", "foo:bar"),
    ("bad scheme_version", "harvester.scheme_version=one", "harvester.scheme_version", "'one' is not an unsigned"),
    ("superscript scheme_version", "harvester.scheme_version=\xb2", "harvester.scheme_version", "not an unsigned"),
    ("Arabic-Indic digit scheme_version", "harvester.scheme_version=\u0661", "scheme_version", "not an unsigned"),
    ("repeated scheme_version", "harvester.scheme_version=1 harvester.scheme_version=1", "scheme_version",
     "more than once"),
    ("value then section", "harvester.install=x harvester.install.mode=create", "harvester.install", "is a section"),
    ("empty key segment", "harvester..mode=x", "harvester..mode", "empty key segment"),
    ("repeated string", "harvester.os.hostname=a harvester.os.hostname=b", "harvester.os.hostname", "more than once"),
    ("mtu not a number", "harvester.install.management_interface.mtu=abc", "management_interface.mtu",
     "not an integer"),
    ("mtu empty", 'harvester.install.management_interface.mtu=""', "mtu", "not an integer"),
    ("mtu decimal", "harvester.install.management_interface.mtu=1.5", "mtu", "not an integer"),
    ("mtu hex", "harvester.install.management_interface.mtu=0x10", "mtu", "not an integer"),
    ("mtu non-ASCII digit", "harvester.install.management_interface.mtu=\u0663", "mtu", "not an integer"),
    ("camelCase path", "harvester.install.managementInterface.interfaces=ens3", "managementInterface",
     "spell it 'management_interface'"),
    ("squashed path", "harvester.os.dnsnameservers=1.1.1.1", "os.dnsnameservers", "spell it 'dns_nameservers'"),
    ("squashed vlanid", "harvester.install.management_interface.vlanid=100", "vlanid", "spell it 'vlan_id'"),
    ("boolean spelled 1", "harvester.install.automatic=1", "harvester.install.automatic", "not true or false"),
    ("too deep", "harvester." + "a." * 500 + "b=1", "harvester.a.a", "levels deep"),
]


@pytest.mark.parametrize("name,line,path,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_argument(name, line, path, message, cli):
    _, problems = parse(line)
    assert problems and path in problems[0].path and message in problems[0].message, problems
    r = cli("cmdline", "--cmdline", line)
    assert r.code == 1 and path in r.err and "Traceback" not in r.err


def test_cli_json_and_profile(cli):
    line = ("ip=dhcp harvester.install.mode=create harvester.install.management_interface.method=dhcp "
            "harvester.install.management_interface.interfaces=hwAddr:be:44:8c:b0:5d:f2,name:ens3 "
            "harvester.os.hostname=node7")
    r = cli("cmdline", "--cmdline", line, "--json")
    assert r.code == 0 and r.json()["os"]["hostname"] == "node7"
    r = cli("cmdline", "--cmdline", line, "--profile")
    assert r.code == 0
    assert "  - name: ens3\n    mac: be:44:8c:b0:5d:f2" in r.out and "hostname: node7" in r.out

# The render → read round trip is judged by each release's installer in
# tests/test_conformance_installer.py (test_rendered_kernel_args_read_back_by_the_target_release).
