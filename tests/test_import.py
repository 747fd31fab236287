"""profile import: every key spelling Harvester accepts, v1.0 and v1.1+, lossless round trip."""

import pytest
import yaml

from tui.commands.profile_import import convert
from tui.model.field_mappings import thaw
from tui.model.selectors import resolve
from tui.render.harvester_config import render_config

SNAKE = """
scheme_version: 1
token: my-cluster-secret
os:
  hostname: node1
  password: "$6$abc$hash"
  dns_nameservers: [10.0.0.53]
  ntp_servers: [0.suse.pool.ntp.org]
  sysctls: {vm.max_map_count: "262144"}
install:
  mode: create
  management_interface:
    interfaces: [{name: ens5}, {hwAddr: "b8:ca:3a:6a:64:7e"}]
    method: static
    ip: 10.0.100.11
    subnet_mask: 255.255.255.0
    gateway: 10.0.100.1
    mtu: 9000
    vlan_id: 100
    bond_options: {mode: 802.3ad, miimon: 100, lacp_rate: fast}
  device: /dev/sda
  iso_url: http://10.100.0.10/harvester-v1.8.1-amd64.iso
  vip: 10.0.100.99
  vip_mode: static
  webhooks: [{event: SUCCEEDED, method: GET, url: "http://10.0.0.1/done"}]
system_settings:
  ntp-servers: '{"ntpServers":["0.suse.pool.ntp.org"]}'
"""

CAMEL = """
schemeVersion: 1
token: my-cluster-secret
os: {hostname: node1, password: "$6$abc$hash", dnsNameservers: [10.0.0.53], ntpServers: [0.suse.pool.ntp.org],
     sysctls: {vm.max_map_count: "262144"}}
install:
  mode: create
  managementInterface:
    interfaces: [{name: ens5}, {hwAddr: "b8:ca:3a:6a:64:7e"}]
    method: static
    ip: 10.0.100.11
    subnetMask: 255.255.255.0
    gateway: 10.0.100.1
    mtu: 9000
    vlanId: 100
    bondOptions: {mode: 802.3ad, miimon: "100", lacp_rate: fast}
  device: /dev/sda
  isoUrl: http://10.100.0.10/harvester-v1.8.1-amd64.iso
  vip: 10.0.100.99
  vipMode: static
  webhooks: [{event: SUCCEEDED, method: GET, url: "http://10.0.0.1/done"}]
systemSettings:
  ntp-servers: '{"ntpServers":["0.suse.pool.ntp.org"]}'
"""

# /oem/harvester.config: yaml.v3 marshalling of the Go struct (squashed lower-case keys, zero values)
SQUASHED = """
serverurl: ""
token: my-cluster-secret
os:
  sshauthorizedkeys: []
  hostname: node1
  password: "$6$abc$hash"
  ntpservers: [0.suse.pool.ntp.org]
  dnsnameservers: [10.0.0.53]
  sysctls: {vm.max_map_count: "262144"}
  environment: {}
install:
  automatic: false
  mode: create
  managementinterface:
    interfaces:
    - name: ens5
      hwaddr: ""
    - name: ""
      hwaddr: b8:ca:3a:6a:64:7e
    method: static
    ip: 10.0.100.11
    subnetmask: 255.255.255.0
    gateway: 10.0.100.1
    defaultroute: false
    bondoptions: {lacp_rate: fast, miimon: "100", mode: 802.3ad}
    mtu: 9000
    vlanid: 100
  vip: 10.0.100.99
  viphwaddr: ""
  vipmode: static
  forceefi: false
  device: /dev/sda
  isourl: http://10.100.0.10/harvester-v1.8.1-amd64.iso
  webhooks: [{event: SUCCEEDED, method: GET, url: "http://10.0.0.1/done"}]
schemeversion: 1
systemsettings:
  ntp-servers: '{"ntpServers":["0.suse.pool.ntp.org"]}'
"""

LEGACY = """
token: my-cluster-secret
os: {hostname: node1, password: "$6$abc$hash", dns_nameservers: [8.8.8.8]}
install:
  mode: create
  networks:
    harvester-mgmt:
      interfaces: [{name: ens5, hwAddr: "B8:CA:3A:6A:64:7D"}]
      method: dhcp
      bond_options: {mode: balance-tlb, miimon: 100}
      mtu: 1492
    harvester-vlan:
      interfaces: [{name: ens6}]
      method: none
      bond_options: {mode: balance-tlb, miimon: 100}
  device: /dev/sda
  iso_url: http://myserver/harvester-v1.0.3-amd64.iso
  vip: 10.10.0.19
  vip_mode: dhcp
  vip_hw_addr: "52:54:00:ec:0e:0b"
cluster_networks:
  vlan: {enable: true, config: {defaultPhysicalNIC: harvester-vlan}}
"""


def imported(text):
    loaded, problems = convert(yaml.safe_load(text), None)
    assert loaded.profile is not None and not [p for p in problems if p.is_error], [p.line() for p in problems]
    return loaded.profile


def render(profile):
    res = resolve(profile, None)
    return render_config(profile, res.management, res.vlan)


@pytest.mark.parametrize("text", [SNAKE, CAMEL, SQUASHED], ids=["snake_case", "camelCase", "squashed"])
def test_every_spelling_imports_to_the_same_profile(text):
    assert imported(text).management == imported(SNAKE).management
    assert imported(text).node == imported(SNAKE).node
    p = imported(text)
    assert p.management.ipv4.address == "10.0.100.11/24"
    assert p.management.bond.options == (("lacp_rate", "fast"),)
    assert p.install.vip == "10.0.100.99" and p.install.password == "$6$abc$hash"
    assert p.cluster.settings == (("ntp-servers", '{"ntpServers":["0.suse.pool.ntp.org"]}'),)


def _normalized(cfg: dict) -> dict:
    cfg = yaml.safe_load(yaml.safe_dump(cfg))
    bo = cfg["install"]["management_interface"]["bond_options"]
    bo["miimon"] = int(bo["miimon"])
    return cfg


def test_snake_case_import_then_render_is_lossless():
    original = yaml.safe_load(SNAKE)
    assert _normalized(render(imported(SNAKE))) == _normalized(original)


def test_unmodelled_keys_survive_in_extra():
    extra = thaw(imported(SQUASHED).install.extra)
    assert extra["install"]["webhooks"][0]["url"] == "http://10.0.0.1/done"
    assert extra["install"]["automatic"] is False and "viphwaddr" not in extra["install"]


def test_legacy_import_and_render():
    p = imported(LEGACY)
    assert p.harvester == "v1.0"
    assert p.vlan.interfaces[0].name == "ens6"
    assert p.management.interfaces[0].mac == "b8:ca:3a:6a:64:7d"
    cfg = render(p)
    original = yaml.safe_load(LEGACY)
    assert cfg["install"]["networks"]["harvester-mgmt"]["mtu"] == 1492
    assert cfg["install"]["networks"]["harvester-vlan"]["method"] == "none"
    assert cfg["cluster_networks"] == original["cluster_networks"]
    assert cfg["install"]["vip_hw_addr"] == "52:54:00:ec:0e:0b"


def test_import_cli_writes_a_valid_profile(cli, tmp_path):
    src = tmp_path / "harvester.config"
    src.write_text(SQUASHED)
    out = tmp_path / "profile.yaml"
    r = cli("profile", "import", str(src), "-o", str(out))
    assert r.code == 0, r.err
    assert cli("validate", str(out)).code == 0


def test_import_cli_bad_input(cli, tmp_path):
    src = tmp_path / "c.yaml"
    src.write_text("install:\n  management_interface:\n    interfaces: [{}]\n    subnet_mask: 255.0.255.0\n    ip: "
                   "10.0.0.1\n    method: static\n  mode: create\n")
    r = cli("profile", "import", str(src))
    assert r.code == 1 and "install.management_interface.interfaces[0]" in r.err and "subnet_mask" in r.err
