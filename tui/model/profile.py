"""The profile (docs/profile.md; `harvester-netsetup schema` prints it as JSON Schema) as typed, immutable values.

This is the profile's one definition. Each field is declared once, with :func:`fields.spec`:
its type and default (the dataclass's), its kind (checks, format, range, choices), its help
text, whether it is required and when a dump leaves it out. The loader (``tui.model.load``),
the dumper (``tui.model.dump``) and the JSON Schema (``tui.model.schema``) are derived from
these declarations (``tui.model.fields``). Mappings are stored as tuples of pairs so that
every object is hashable and truly immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

from tui.model.bond import BOND_MODES
from tui.model.field_mappings import BondOptions, Extra, Settings
from tui.model.field_scalars import (
    IPV4, MAC, Boolean, Choice, Integer, Label, Mtu, Password, Release as ReleaseKind, Strings, Text, Version,
)
from tui.model.field_sections import Section, Sections, Selectors
from tui.model.fields import ALWAYS, IF_NOT_DEFAULT, IF_TRUTHY, keys, spec
from tui.model.releases import DEFAULT_RELEASE, Release, parse_release

INSTALL_MODES = ("create", "join", "install")
VIP_MODES = ("static", "dhcp")
ROLES = ("default", "management", "worker", "witness")
VLAN_SCOPES = ("node", "cluster")


@dataclass(frozen=True)
class NameSelector:
    name: str
    mac: str | None = None  # optional: when given, the named NIC must have this permanent MAC

    def describe(self) -> str:
        return f"name {self.name}" + (f" with MAC {self.mac}" if self.mac else "")


@dataclass(frozen=True)
class MacSelector:
    mac: str  # lower-case aa:bb:cc:dd:ee:ff

    def describe(self) -> str:
        return f"MAC {self.mac}"


@dataclass(frozen=True)
class Match:
    driver: str | None = spec(Text(), None, help="kernel driver name (glob)")
    min_speed: int | None = spec(Integer(1, 10_000_000, " Mb/s"), None, help="Mb/s")
    pci: str | None = spec(Text(), None, help="glob on the PCI address")
    vendor: str | None = spec(Text(), None, help="glob")
    name: str | None = spec(Text(), None, help="glob")


@dataclass(frozen=True)
class MatchSelector:
    match: Match

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in vars(self.match).items() if v is not None]
        return "match " + (", ".join(parts) or "any NIC")


Selector = Union[NameSelector, MacSelector, MatchSelector]
SELECTORS = Selectors(NameSelector, MacSelector, MatchSelector, Match)


def _release_bond_mode(ctx: dict) -> str:
    return ctx["release"].default_bond_mode


@dataclass(frozen=True)
class Bond:
    mode: str = spec(Choice(BOND_MODES), "active-backup", dump=ALWAYS, load_default=_release_bond_mode,
                     help="bonding mode; default: the target release's (v1.0: balance-tlb, else active-backup)")
    miimon: int = spec(Integer(0, 100_000, " ms"), 100, dump=ALWAYS, help="link monitoring interval, ms")
    options: tuple[tuple[str, str], ...] = spec(BondOptions(), (), dump=IF_TRUTHY,
                                                help="further kernel bond options: name -> value")

    def options_dict(self) -> dict[str, str]:
        return dict(self.options)


@dataclass(frozen=True)
class IPv4:
    method: str = spec(Choice(("dhcp", "static")), "dhcp", dump=ALWAYS, help="how the node gets its address")
    address: str | None = spec(Text("host_cidr"), None, dump=IF_TRUTHY, help="address/prefix (static only)")
    gateway: str | None = spec(IPV4, None, dump=IF_TRUTHY, help="default gateway (static only)")


@dataclass(frozen=True)
class Management:
    interfaces: tuple[Selector, ...] = spec(SELECTORS, (), dump=ALWAYS, help="the NICs of the management bond")
    bond: Bond = spec(Section(Bond, optional=False), factory=Bond, dump=ALWAYS)
    vlan_id: int = spec(Integer(0, 4094, " (0 or 1 = untagged, 2–4094 = tagged)"), 0, dump=IF_TRUTHY,
                        help="VLAN of the management network: 0 or 1 = untagged, 2–4094 = tagged")
    mtu: int = spec(Mtu(), 0, dump=IF_TRUTHY, help="0 = default, else 576–9000")
    ipv4: IPv4 = spec(Section(IPv4, optional=False), factory=IPv4, dump=ALWAYS)

    @property
    def tagged(self) -> bool:
        return self.vlan_id >= 2


@dataclass(frozen=True)
class Node:
    hostname: str | None = spec(Text("hostname"), None, dump=IF_TRUTHY, help="the node's host name (<= 64)")
    dns: tuple[str, ...] = spec(Strings(IPV4), (), dump=IF_TRUTHY, help="DNS servers")
    ntp: tuple[str, ...] = spec(Strings(Text("ntp_server", (("pattern", "^\\S+$"),))), (), dump=IF_TRUTHY,
                                help="NTP servers")


@dataclass(frozen=True)
class VlanUplink:
    cluster_network: str = spec(Text(json=(("maxLength", 12),)), "vlan", dump=ALWAYS,
                                help="the cluster network VM networks land on")
    interfaces: tuple[Selector, ...] = spec(SELECTORS, (), dump=ALWAYS, help="the NICs of the VLAN uplink")
    bond: Bond = spec(Section(Bond, optional=False), factory=Bond, dump=ALWAYS)
    mtu: int = spec(Mtu(), 0, dump=IF_TRUTHY, help="0 = default, else 576–9000")
    scope: str = spec(Choice(VLAN_SCOPES), "node", dump=IF_NOT_DEFAULT,
                      help="node: this node's NICs; cluster: resolved on every node from the cluster's view")

    @property
    def cluster_scope(self) -> bool:
        return self.scope == "cluster"


@dataclass(frozen=True)
class NetworkRoute:
    mode: str = spec(Choice(("auto", "manual")), "auto", help="auto: from DHCP; manual: cidr and gateway")
    dhcp_server: str | None = spec(IPV4, None, help="DHCP server to ask (auto)")
    cidr: str | None = spec(Text("network_cidr"), None, help="the network's CIDR (manual)")
    gateway: str | None = spec(IPV4, None, help="the network's gateway (manual)")


@dataclass(frozen=True)
class Network:
    name: str = spec(Label("network name", 63), dump=ALWAYS, required="required: the VM network's name",
                     help="the VM network's name")
    namespace: str = spec(Label("namespace"), "default", dump=ALWAYS, help="its Kubernetes namespace")
    cluster_network: str | None = spec(Text(), None, dump=IF_TRUTHY,
                                       help="default: the vlan section's, else mgmt")
    vlan_id: int | None = spec(Integer(1, 4094, " (omit it for an untagged network)"), None,
                               help="omit it for an untagged network")  # None: untagged
    route: NetworkRoute | None = spec(Section(NetworkRoute, always_built=True), None)


@dataclass(frozen=True)
class Install:
    mode: str = spec(Choice(INSTALL_MODES), "create", required="required: create, join or install",
                     help="create a cluster, join one, or install only")
    server_url: str | None = spec(Text("server_url"), None, help="the cluster to join (https://vip:443)")
    token: str | None = spec(Text("token", (("pattern", "^[\\x20-\\x7e]+$"),)), None, help="the cluster token")
    vip: str | None = spec(IPV4, None, help="the cluster's virtual IP")
    vip_mode: str | None = spec(Choice(VIP_MODES), None, help="how the VIP is assigned")
    vip_hw_addr: str | None = spec(MAC, None, help="MAC for a DHCP VIP")
    role: str | None = spec(Choice(ROLES), None, help="the node's role")
    device: str | None = spec(Text("device"), None, help="the disk to install onto (/dev/...)")
    iso_url: str | None = spec(Text("url"), None, help="where the installer fetches the ISO")
    password: str | None = spec(Password(), None, help="root password, clear or a crypt hash; saved as its hash")
    ssh_authorized_keys: tuple[str, ...] = spec(Strings(Text("ssh_key")), (), dump=IF_TRUTHY,
                                                help="SSH keys (or github:user)")
    skipchecks: bool | None = spec(Boolean(), None, help="skip the installer's hardware checks")
    extra: tuple[tuple[str, object], ...] = spec(Extra(), (), dump=IF_TRUTHY,
                                                 help="further Harvester config keys, passed through")


@dataclass(frozen=True)
class Cluster:
    kubeconfig: str | None = spec(Text(), None, dump=IF_TRUTHY, help="kubeconfig of the running cluster")
    settings: tuple[tuple[str, str], ...] = spec(Settings(), (), dump=IF_TRUTHY,
                                                 help="Harvester settings: name -> value (a mapping becomes JSON)")


@dataclass(frozen=True)
class Profile:
    version: int = spec(Version(), 1, dump=ALWAYS, required="required: this page describes 'version: 1'",
                        help="the profile format's version")
    harvester: str = spec(ReleaseKind(), DEFAULT_RELEASE, dump=ALWAYS, help="target release v1.0 … v1.9")
    node: Node = spec(Section(Node, optional=False), factory=Node, dump=IF_TRUTHY)
    management: Management | None = spec(Section(Management), None, help="the management network")
    vlan: VlanUplink | None = spec(Section(VlanUplink), None, help="the uplink of VM networks")
    networks: tuple[Network, ...] = spec(Sections(Network), (), dump=IF_TRUTHY, help="VM networks")
    install: Install | None = spec(Section(Install), None, help="Harvester installer settings")
    cluster: Cluster | None = spec(Section(Cluster), None, help="the running cluster")

    @property
    def release(self) -> Release:
        return parse_release(self.harvester) or parse_release(DEFAULT_RELEASE)

    def network_cluster(self, net: Network) -> str:
        """The cluster network a VM network lands on, defaults applied."""
        if net.cluster_network:
            return net.cluster_network
        return self.vlan.cluster_network if self.vlan else "mgmt"

    def with_(self, **changes) -> "Profile":
        return replace(self, **changes)


# Keys of each section, in the profile's documented order (derived from the table above).
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "profile": keys(Profile), "node": keys(Node), "management": keys(Management), "bond": keys(Bond),
    "ipv4": keys(IPv4), "vlan": keys(VlanUplink), "network": keys(Network), "route": keys(NetworkRoute),
    "install": keys(Install), "cluster": keys(Cluster), "match": keys(Match),
}
