"""The profile (docs/profile.md; `harvester-netsetup schema` prints it as JSON Schema) as typed, immutable values.

Field names are the profile's own keys. Loading (``tui.model.load``) turns YAML into these
objects; ``tui.model.dump`` turns them back into plain data. Mappings are stored as tuples of
pairs so that every object is hashable and truly immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Union

from tui.model.releases import DEFAULT_RELEASE, Release, parse_release


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
    driver: str | None = None
    min_speed: int | None = None
    pci: str | None = None
    vendor: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class MatchSelector:
    match: Match

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in vars(self.match).items() if v is not None]
        return "match " + (", ".join(parts) or "any NIC")


Selector = Union[NameSelector, MacSelector, MatchSelector]


@dataclass(frozen=True)
class Bond:
    mode: str = "active-backup"
    miimon: int = 100
    options: tuple[tuple[str, str], ...] = ()

    def options_dict(self) -> dict[str, str]:
        return dict(self.options)


@dataclass(frozen=True)
class IPv4:
    method: str = "dhcp"
    address: str | None = None  # CIDR, static only
    gateway: str | None = None


@dataclass(frozen=True)
class Management:
    interfaces: tuple[Selector, ...] = ()
    bond: Bond = field(default_factory=Bond)
    vlan_id: int = 0
    mtu: int = 0
    ipv4: IPv4 = field(default_factory=IPv4)

    @property
    def tagged(self) -> bool:
        return self.vlan_id >= 2


@dataclass(frozen=True)
class Node:
    hostname: str | None = None
    dns: tuple[str, ...] = ()
    ntp: tuple[str, ...] = ()


@dataclass(frozen=True)
class VlanUplink:
    cluster_network: str = "vlan"
    interfaces: tuple[Selector, ...] = ()
    bond: Bond = field(default_factory=Bond)
    mtu: int = 0
    scope: str = "node"  # node: this node's NICs; cluster: resolved on every node from the cluster's view

    @property
    def cluster_scope(self) -> bool:
        return self.scope == "cluster"


@dataclass(frozen=True)
class Route:
    mode: str = "auto"
    dhcp_server: str | None = None
    cidr: str | None = None
    gateway: str | None = None


@dataclass(frozen=True)
class Network:
    name: str
    namespace: str = "default"
    cluster_network: str | None = None  # None: the vlan section's, else mgmt
    vlan_id: int | None = None  # None: untagged
    route: Route | None = None


@dataclass(frozen=True)
class Install:
    mode: str = "create"
    server_url: str | None = None
    token: str | None = None
    vip: str | None = None
    vip_mode: str | None = None
    vip_hw_addr: str | None = None
    role: str | None = None
    device: str | None = None
    iso_url: str | None = None
    password: str | None = None
    ssh_authorized_keys: tuple[str, ...] = ()
    skipchecks: bool | None = None
    extra: tuple[tuple[str, object], ...] = ()  # frozen deep mapping, see freeze()


@dataclass(frozen=True)
class Cluster:
    kubeconfig: str | None = None
    settings: tuple[tuple[str, str], ...] = ()  # name -> value string (JSON already compact)


@dataclass(frozen=True)
class Profile:
    version: int = 1
    harvester: str = DEFAULT_RELEASE
    node: Node = field(default_factory=Node)
    management: Management | None = None
    vlan: VlanUplink | None = None
    networks: tuple[Network, ...] = ()
    install: Install | None = None
    cluster: Cluster | None = None

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


# Keys of each section, in the profile's documented order (used by load, dump and schema).
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "profile": ("version", "harvester", "node", "management", "vlan", "networks", "install", "cluster"),
    "node": ("hostname", "dns", "ntp"),
    "management": ("interfaces", "bond", "vlan_id", "mtu", "ipv4"),
    "bond": ("mode", "miimon", "options"),
    "ipv4": ("method", "address", "gateway"),
    "vlan": ("cluster_network", "interfaces", "bond", "mtu", "scope"),
    "network": ("name", "namespace", "cluster_network", "vlan_id", "route"),
    "route": ("mode", "dhcp_server", "cidr", "gateway"),
    "install": (
        "mode", "server_url", "token", "vip", "vip_mode", "vip_hw_addr", "role", "device",
        "iso_url", "password", "ssh_authorized_keys", "skipchecks", "extra",
    ),
    "cluster": ("kubeconfig", "settings"),
    "match": ("driver", "min_speed", "pci", "vendor", "name"),
}
VLAN_SCOPES = ("node", "cluster")


def freeze(value):
    """Deep-freeze plain data (dicts → tuples of pairs, lists → tuples)."""
    if isinstance(value, dict):
        return tuple((str(k), freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return ("__list__",) + tuple(freeze(v) for v in value)
    return value


def thaw(value):
    """Inverse of freeze()."""
    if isinstance(value, tuple):
        if value[:1] == ("__list__",):
            return [thaw(v) for v in value[1:]]
        return {k: thaw(v) for k, v in value}
    return value
