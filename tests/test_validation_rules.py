"""Every validation rule, one row each: a change to a valid base profile and what it yields.

Each row: (rule id, changes as dotted-path → value, expected path, severity, words in the message).
A value of DELETE removes the key. The base profile itself must be clean. The base and ``apply``
are in tests/rule_rows.py; the rules that need the node's inventory are
tests/test_validation_inventory.py.
"""

import pytest
import yaml

from tests.rule_rows import BASE, DELETE, E, W, apply
from tui.model import problems as P
from tui.model.load import load_data
from tui.model.validate import validate


ROWS = [
    # untrusted text (issue 12): full-match formats, URLs that cannot inject, Linux's hostname limit
    ("newline-hostname", {"node.hostname": "node1\n"}, "node.hostname", E, "not a valid hostname"),
    ("newline-token", {"install.token": "secret\n"}, "install.token", E, "printable ASCII"),
    ("newline-device", {"install.device": "/dev/sda\n"}, "install.device", E, "not a device path"),
    ("newline-ssh-key", {"install.ssh_authorized_keys": ["ssh-ed25519 AAAAC3Nza me\n"]},
     "install.ssh_authorized_keys[0]", E, "not an SSH public key"),
    ("newline-github-key", {"install.ssh_authorized_keys": ["github:me\n"]}, "install.ssh_authorized_keys[0]", E,
     "not an SSH public key"),
    ("newline-network-name", {"networks": [{"name": "net200\n", "vlan_id": 200}]}, "networks[0].name", E,
     "not a valid network name"),
    ("newline-cluster-network", {"vlan.cluster_network": "data\n", "networks": DELETE}, "vlan.cluster_network", E,
     "not a valid"),
    ("newline-bond-option", {"management.bond.options": {"primary": "ens5\n"}}, "management.bond.options.primary", E,
     "plain bond option value"),
    ("hostname-65", {"node.hostname": "a" * 65}, "node.hostname", E, "Linux allows at most 64"),
    ("hostname-64-ok", {"node.hostname": "a" * 64, "vlan": DELETE, "networks": DELETE}, None, None, None),
    ("hostname-64-vlan-label", {"node.hostname": "a" * 64}, "node.hostname", E, "holds at most 63"),
    ("ntp-long-dns-name-ok", {"node.ntp": ["a" * 60 + "." + "b" * 60 + ".example.org"]}, None, None, None),
    ("iso-url-newline", {"install.iso_url": "http://10.0.0.10/h.iso\nshell"}, "install.iso_url", E,
     "whitespace or control"),
    ("iso-url-space-arg", {"install.iso_url": "http://x/c.iso harvester.install.device=/dev/sdz"}, "install.iso_url",
     E, "whitespace or control"),
    ("iso-url-control", {"install.iso_url": "http://10.0.0.10/h\x1b.iso"}, "install.iso_url", E,
     "whitespace or control"),
    ("iso-url-bad-port", {"install.iso_url": "http://10.0.0.10:99999/h.iso"}, "install.iso_url", E, "not a URL"),
    ("server-url-newline",
     {"install.mode": "join", "install.vip": DELETE, "install.server_url": "https://10.0.0.99\n"},
     "install.server_url", E, "whitespace or control"),
    # the profile's top level (docs/profile.md)
    ("version-missing", {"version": DELETE}, "version", E, "required"),
    ("version-wrong", {"version": 2}, "version", E, "unsupported profile version"),
    ("release-unknown", {"harvester": "v2.0"}, "harvester", E, "not a supported release"),
    ("unknown-key-nearest", {"managment": {}}, "managment", E, "did you mean 'management'"),
    ("unknown-nested-key", {"management.ipv4.gw": "10.0.0.1"}, "management.ipv4.gw", E, "did you mean 'gateway'"),
    ("wrong-type", {"node.dns": "10.0.0.53"}, "node.dns", E, "must be a list"),
    # management
    ("mgmt-required", {"management": DELETE}, "management", E, "required"),
    ("mgmt-not-required-for-install", {"management": DELETE, "install.mode": "install", "install.vip": DELETE}, None,
     None, None),
    ("interfaces-empty", {"management.interfaces": []}, "management.interfaces", E, "at least one NIC"),
    ("selector-bare-string", {"management.interfaces": ["ens5"]}, "management.interfaces[0]", E, "as a mapping"),
    ("selector-two-kinds", {"management.interfaces": [{"name": "ens5", "match": {"driver": "ice"}}]},
     "management.interfaces[0]", E, "one of name, mac or match"),
    ("selector-bad-mac", {"management.interfaces": [{"mac": "zz:zz"}]}, "management.interfaces[0].mac", E, "not a MAC"),
    ("selector-long-name", {"management.interfaces": [{"name": "a-very-long-nic-name"}]},
     "management.interfaces[0].name", E, "1 to 15"),
    ("nic-twice", {"management.interfaces": [{"name": "ens5"}, {"name": "ens5"}]}, "management.interfaces[1]", E,
     "can be in one place only"),
    ("nic-in-mgmt-and-vlan", {"vlan.interfaces": [{"name": "ens5"}]}, "vlan.interfaces[0]", E,
     "already selected by management.interfaces[0]"),
    ("match-needs-inventory", {"management.interfaces": [{"match": {"driver": "ice"}}]}, "management.interfaces[0]", E,
     "needs the node's NIC inventory"),
    ("bond-mode-unknown", {"management.bond.mode": "lacp"}, "management.bond.mode", E, "not one of"),
    ("bond-lacp-rate-wrong-mode", {"management.bond.options": {"lacp_rate": "fast"}},
     "management.bond.options.lacp_rate", E, "only applies to bond mode 802.3ad"),
    ("bond-xmit-wrong-mode", {"management.bond.options": {"xmit_hash_policy": "layer2"}},
     "management.bond.options.xmit_hash_policy", E, "only applies"),
    ("bond-xmit-bad-value",
     {"management.bond.mode": "802.3ad", "management.bond.options": {"xmit_hash_policy": "layer9"}},
     "management.bond.options.xmit_hash_policy", E, "not one of"),
    ("bond-primary-not-member", {"management.bond.options": {"primary": "ens9"}}, "management.bond.options.primary", E,
     "not a member"),
    ("bond-primary-wrong-mode", {"management.bond.mode": "802.3ad", "management.bond.options": {"primary": "ens5"}},
     "management.bond.options.primary", E, "only applies"),
    ("bond-mode-in-options", {"management.bond.options": {"mode": "802.3ad"}}, "management.bond.options.mode", E,
     "set mode as management.bond.mode"),
    ("bond-option-injection", {"management.bond.options": {"updelay": "100\nmode=x"}},
     "management.bond.options.updelay", E, "plain bond option value"),
    ("bond-unknown-option", {"management.bond.options": {"foo_bar": "1"}}, "management.bond.options.foo_bar", W,
     "passed through verbatim"),
    ("lacp-single-nic", {"management.interfaces": [{"name": "ens5"}], "management.bond.mode": "802.3ad"},
     "management.bond.mode", W, "single NIC"),
    ("tlb-rewrites-macs", {"management.bond.mode": "balance-tlb"}, "management.bond.mode", W,
     "rewrites the source MAC"),
    ("miimon-zero", {"management.bond.miimon": 0}, "management.bond.miimon", W, "never notices"),
    ("vlan-id-range", {"management.vlan_id": 4095}, "management.vlan_id", E, "out of range 0–4094"),
    ("vlan-id-huge", {"management.vlan_id": 10**40}, "management.vlan_id", E, "huge number"),
    ("vlan-id-v1.0", {"harvester": "v1.0", "vlan.cluster_network": "vlan", "management.vlan_id": 100,
                      "networks": DELETE}, "management.vlan_id", E, "v1.0 has no management VLAN"),
    ("mtu-range", {"management.mtu": 9001}, "management.mtu", E, "576–9000"),
    ("mtu-dhcp-checked", {"management.ipv4": {"method": "dhcp"}, "management.mtu": 100}, "management.mtu", E,
     "576–9000"),
    ("method-unknown", {"management.ipv4.method": "none"}, "management.ipv4.method", E, "not one of dhcp, static"),
    ("static-needs-address", {"management.ipv4.address": DELETE}, "management.ipv4.address", E,
     "required with method static"),
    ("static-needs-gateway", {"management.ipv4.gateway": DELETE}, "management.ipv4.gateway", E,
     "required with method static"),
    ("static-needs-dns", {"node.dns": DELETE}, "node.dns", E, "DNS server is required"),
    ("static-needs-hostname", {"node.hostname": DELETE}, "node.hostname", E, "required with a static"),
    ("address-no-prefix", {"management.ipv4.address": "10.0.0.11"}, "management.ipv4.address", E, "needs a prefix"),
    ("address-network", {"management.ipv4.address": "10.0.0.0/24"}, "management.ipv4.address", E, "network address"),
    ("address-broadcast", {"management.ipv4.address": "10.0.0.255/24"}, "management.ipv4.address", E,
     "broadcast address"),
    ("address-ipv6", {"management.ipv4.address": "fd00::5/64"}, "management.ipv4.address", E, "not an IPv4"),
    ("gateway-outside", {"management.ipv4.gateway": "10.0.1.1"}, "management.ipv4.gateway", E,
     "outside the management subnet"),
    ("gateway-self", {"management.ipv4.gateway": "10.0.0.11"}, "management.ipv4.gateway", E, "node's own address"),
    ("dhcp-with-address", {"management.ipv4.method": "dhcp"}, "management.ipv4.address", E,
     "only used with method static"),
    ("dhcp-no-hostname", {"management.ipv4": {"method": "dhcp"}, "node.hostname": DELETE}, "node.hostname", W,
     "from DHCP"),
    # node
    ("hostname-invalid", {"node.hostname": "Node_1"}, "node.hostname", E, "not a valid hostname"),
    ("dns-not-ipv4", {"node.dns": ["dns.example.com"]}, "node.dns[0]", E, "not an IPv4"),
    ("ntp-space", {"node.ntp": ["pool ntp.org"]}, "node.ntp[0]", E, "no spaces"),
    ("ntp-missing", {"node.ntp": DELETE, "cluster": DELETE}, "node.ntp", W, "no NTP server"),
    # vlan
    ("cn-too-long", {"vlan.cluster_network": "datanetwork01x"}, "vlan.cluster_network", E, "at most 12"),
    ("cn-mgmt", {"vlan.cluster_network": "mgmt"}, "vlan.cluster_network", E, "built-in"),
    ("cn-bad-label", {"vlan.cluster_network": "Data"}, "vlan.cluster_network", E, "lower-case"),
    ("cn-v1.0-must-be-vlan", {"harvester": "v1.0"}, "vlan.cluster_network", E, "named 'vlan'"),
    ("vlan-no-interfaces", {"vlan.interfaces": []}, "vlan.interfaces", E, "at least one uplink"),
    ("vlan-mtu-range", {"vlan.mtu": 70000}, "vlan.mtu", E, "576–9000"),
    # networks
    ("net-name-required", {"networks": [{"vlan_id": 5}]}, "networks[0].name", E, "required"),
    ("net-name-label", {"networks": [{"name": "Net_1"}]}, "networks[0].name", E, "not a valid network name"),
    ("net-duplicate", {"networks": [{"name": "a", "vlan_id": 5}, {"name": "a", "vlan_id": 6}]}, "networks[1].name", E,
     "already used in namespace default"),
    ("net-same-name-other-ns", {"networks": [{"name": "a", "vlan_id": 5}, {"name": "a", "namespace": "b",
                                                                           "vlan_id": 6}]}, None, None, None),
    ("net-vlan-range", {"networks": [{"name": "a", "vlan_id": 0}]}, "networks[0].vlan_id", E, "out of range 1–4094"),
    ("net-unknown-cn", {"networks": [{"name": "a", "vlan_id": 5, "cluster_network": "other"}]},
     "networks[0].cluster_network", E, "not provided by this profile"),
    ("net-on-mgmt-ok", {"networks": [{"name": "a", "vlan_id": 5, "cluster_network": "mgmt"}]}, None, None, None),
    ("net-untagged-route", {"networks": [{"name": "a", "route": {"mode": "auto"}}]}, "networks[0].route", E,
     "untagged network has no route"),
    ("route-manual-needs-cidr",
     {"networks": [{"name": "a", "vlan_id": 5, "route": {"mode": "manual", "gateway": "10.0.5.1"}}]},
     "networks[0].route.cidr", E, "required with route mode manual"),
    ("route-manual-gw-outside",
     {"networks": [{"name": "a",
                    "vlan_id": 5, "route": {"mode": "manual", "cidr": "10.0.5.0/24", "gateway": "10.0.6.1"}}]},
                    "networks[0].route.gateway", E, "outside 10.0.5.0/24"),
    ("route-cidr-host-bits",
     {"networks": [{"name": "a",
                    "vlan_id": 5, "route": {"mode": "manual", "cidr": "10.0.5.1/24", "gateway": "10.0.5.1"}}]},
                    "networks[0].route.cidr", E, "host bits set"),
    ("route-auto-with-cidr",
     {"networks": [{"name": "a", "vlan_id": 5, "route": {"mode": "auto", "cidr": "10.0.5.0/24"}}]},
     "networks[0].route.cidr", E, "only used with route mode manual"),
    ("route-dhcp-server",
     {"networks": [{"name": "a", "vlan_id": 5, "route": {"mode": "auto", "dhcp_server": "nope"}}]},
     "networks[0].route.dhcp_server", E, "not an IPv4"),
    ("v1.0-net-needs-vid", {"harvester": "v1.0", "vlan.cluster_network": "vlan", "networks": [{"name": "a"}]},
     "networks[0].vlan_id", E, "need a VLAN ID"),
    ("v1.0-vid-unique-per-ns",
     {"harvester": "v1.0",
      "vlan.cluster_network": "vlan", "networks": [{"name": "a", "vlan_id": 5}, {"name": "b", "vlan_id": 5}]},
      "networks[1].vlan_id", E, "already allocated"),
    ("v1.0-net-needs-vlan-section", {"harvester": "v1.0", "vlan": DELETE, "networks": [{"name": "a", "vlan_id": 5}]},
     "networks[0].cluster_network", E, "need the 'vlan' section"),
    # install
    ("install-mode-required", {"install.mode": DELETE}, "install.mode", E, "required"),
    ("install-mode-unknown", {"install.mode": "upgrade"}, "install.mode", E, "not one of"),
    ("token-required", {"install.token": DELETE}, "install.token", E, "required"),
    ("token-non-ascii", {"install.token": "sécret"}, "install.token", E, "printable ASCII"),
    ("token-number", {"install.token": 12345}, "install.token", E, "quote the value"),
    ("join-needs-url", {"install.mode": "join", "install.vip": DELETE}, "install.server_url", E, "required to join"),
    ("create-no-url", {"install.server_url": "https://10.0.0.99"}, "install.server_url", E, "only used with mode join"),
    ("server-url-port", {"install.mode": "join", "install.vip": DELETE,
                         "install.server_url": "https://10.0.0.99:6443"}, "install.server_url", E, "port must be 443"),
    ("server-url-path", {"install.mode": "join", "install.vip": DELETE, "install.server_url": "https://10.0.0.99/v3"},
     "install.server_url", E, "no path"),
    ("vip-required", {"install.vip": DELETE}, "install.vip", E, "required to create"),
    ("vip-is-node", {"install.vip": "10.0.0.11"}, "install.vip", E, "node's own"),
    ("vip-outside", {"install.vip": "10.0.1.99"}, "install.vip", E, "outside the management subnet"),
    ("vip-hw-addr-static", {"install.vip_hw_addr": "52:54:00:ec:0e:0b"}, "install.vip_hw_addr", E,
     "only used with vip_mode dhcp"),
    ("vip-dhcp-no-vip-ok", {"install.vip_mode": "dhcp", "install.vip": DELETE}, None, None, None),
    ("vip-bad-mac", {"install.vip_mode": "dhcp", "install.vip_hw_addr": "nope"}, "install.vip_hw_addr", E, "not a MAC"),
    ("login-needed", {"install.password": DELETE}, "install.password", E, "password or at least one SSH key"),
    ("ssh-key-shape", {"install.ssh_authorized_keys": ["hello"]}, "install.ssh_authorized_keys[0]", E,
     "not an SSH public key"),
    ("password-md5", {"install.password": "$1$abc$def"}, "install.password", E, "only SHA-512"),
    ("device-path", {"install.device": "sda"}, "install.device", E, "not a device path"),
    ("device-missing", {"install.device": DELETE}, "install.device", W, "no install disk"),
    ("iso-url", {"install.iso_url": "ftp://x/y.iso"}, "install.iso_url", E, "not a URL"),
    ("role-first-node", {"install.role": "worker"}, "install.role", E, "first node"),
    ("extra-owned-key", {"install.extra": {"install": {"management_interface": {}}}},
     "install.extra.install.management_interface", E, "through the profile's 'management'"),
    ("extra-not-mapping", {"install.extra": [1]}, "install.extra", E, "must be a mapping"),
    ("skipchecks-bool", {"install.skipchecks": "yes"}, "install.skipchecks", E, "true or false"),
    # cluster settings
    ("setting-json", {"cluster.settings": {"http-proxy": "{not json"}}, "cluster.settings.http-proxy", E,
     "must be JSON"),
    ("setting-unknown", {"cluster.settings": {"no-such-setting": "x"}}, "cluster.settings.no-such-setting", W,
     "not a Harvester setting"),
    ("setting-not-at-install", {"cluster.settings": {"rwx-network": {"share-storage-network": False}}},
     "cluster.settings.rwx-network", W, "does not take"),
    ("setting-ntp-shape", {"cluster.settings": {"ntp-servers": {"servers": []}}}, "cluster.settings.ntp-servers", E,
     "ntpServers"),
    ("setting-ntp-dup", {"cluster.settings": {"ntp-servers": {"ntpServers": ["a.org", "a.org"]}}},
     "cluster.settings.ntp-servers", E, "must not repeat"),
    ("setting-ntp-scheme", {"cluster.settings": {"ntp-servers": {"ntpServers": ["http://a.org"]}}},
     "cluster.settings.ntp-servers.ntpServers[0]", E, "without a scheme"),
    ("setting-ntp-differs", {"cluster.settings": {"ntp-servers": {"ntpServers": ["1.suse.pool.ntp.org"]}}},
     "cluster.settings.ntp-servers", W, "installer overwrites"),
    ("setting-value-type", {"cluster.settings": {"log-level": 5}}, "cluster.settings.log-level", E,
     "string or a mapping"),
]


def test_base_profile_is_clean():
    assert validate(load_data(BASE)) == []


@pytest.mark.parametrize("rule,changes,path,severity,words", ROWS, ids=[r[0] for r in ROWS])
def test_rule(rule, changes, path, severity, words):
    problems = validate(load_data(apply(changes)))
    if path is None:
        assert [p for p in problems if p.is_error] == [], [p.line() for p in problems]
        return
    hits = [p for p in problems if p.path == path and p.severity.value == severity and words in p.message]
    assert hits, f"expected {severity} at {path} containing {words!r}; got {[p.line() for p in problems]}"


def test_all_problems_are_reported_at_once():
    problems = validate(load_data(apply({
        "management.ipv4.gateway": "10.9.9.9", "node.dns": ["x"], "install.token": DELETE,
        "vlan.cluster_network": "mgmt", "networks": [{"name": "a", "vlan_id": 99999}],
    })))
    paths = {p.path for p in problems if p.is_error}
    assert {"management.ipv4.gateway", "node.dns[0]", "install.token", "vlan.cluster_network",
            "networks[0].vlan_id"} <= paths


def test_a_bad_field_is_reported_once():
    problems = validate(load_data(apply({"management.ipv4.address": "not-an-ip"})))
    assert [p.path for p in problems if p.is_error] == ["management.ipv4.address"]


def test_a_big_ntp_list_is_checked_in_linear_time():
    import time

    ntp = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(60_000)] + ["10.0.0.1"]
    t = time.perf_counter()
    problems = validate(load_data(apply({"node.ntp": ntp})))
    assert time.perf_counter() - t < 5  # the list.count version took ~10 min at this size
    twice = [p.message for p in problems if p.path == "node.ntp" and "twice" in p.message]
    assert twice == ["10.0.0.1 is listed twice"]


@pytest.mark.parametrize("text,path,words", [
    ("version: 1\ninstall: {mode: create}\nnode: {hostname: a}\ninstall: {mode: join}\n", "install",
     "duplicate key (line 4; first at line 2)"),
    ("version: 1\nnode:\n  hostname: a\n  hostname: b\n", "node.hostname", "duplicate key (line 4; first at line 3)"),
    ("version: 1\nnetworks:\n  - {name: a, name: b}\n", "networks[0].name", "duplicate key"),
    ('{"version": 1, "install": {"mode": "create", "extra": {"x": "\\udcff"}}}', "install.extra.x",
     "lone UTF-16 surrogate"),
    ('{"version": 1, "install": {"mode": "create", "password": "key\\ud83d"}}', "install.password",
     "lone UTF-16 surrogate"),
])
def test_untrusted_yaml_is_refused_with_a_path(text, path, words):
    from tui.model.load import load_text

    loaded = load_text(text)
    assert loaded.profile is None
    assert [(p.path, words in p.message) for p in loaded.problems] == [(path,
                                                                        True)], [p.line() for p in loaded.problems]


def test_a_surrogate_pair_is_its_character_and_renders():
    import json

    from tui.model.load import load_text
    from tui.render.node import render_node

    data = apply({"install.password": "key\U0001f511pass", "install.extra": {"os": {"labels": {"k": "\U0001f511"}}}})
    text = json.dumps(data)  # ensure_ascii: the emoji becomes the pair \ud83d\udd11
    assert "\\ud83d\\udd11" in text
    loaded = load_text(text)
    assert loaded.profile.install.password == "key\U0001f511pass"
    assert not [p for p in validate(loaded) if p.is_error]
    result = render_node(loaded, None, "harvester")
    assert result.ok
    assert yaml.safe_load(result.files["harvester-config.yaml"])["os"]["password"].startswith("$6$")


@pytest.mark.parametrize("mask, prefix", [
    ("255.255.255.0", 24), ("255.255.255.252", 30), ("255.255.255.255", 32), ("0.0.0.0", 0), ("255.255.0.0", 16),
    ("24", 24),  # a prefix length already
    ("255.0.255.0", None), ("255.255.255.256", None), ("mask", None), ("", None), ("33", None),
])
def test_netmask_to_prefix(mask, prefix):
    """One helper for a dotted netmask → prefix length (the importer and the DHCP client's offer)."""
    from tui.model.formats import netmask_prefix

    assert netmask_prefix(mask) == prefix


@pytest.mark.parametrize("problems, line", [
    ([], ""),
    ([P.warning("a", "w")], ""),
    ([P.error("a.b", "x"), P.warning("c", "w"), P.error("", "y")], "error: a.b: x; error: y"),
])
def test_a_failed_steps_reason_is_its_errors_on_one_line(problems, line):
    assert P.errors_line(problems) == line
