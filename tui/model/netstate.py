"""The part of a host's network state that harvester-netsetup reads and changes — pure data.

The same `HostState` describes three things: what a profile wants (the topology), what the
kernel has now (a snapshot), and what it had before an apply (the checkpoint). The planner
diffs any two of them, so applying and restoring are the same operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# A bridge VLAN entry: (vid, pvid, untagged)
BridgeVlan = tuple[int, bool, bool]


@dataclass(frozen=True)
class Link:
    name: str
    kind: str | None = None  # None: a NIC we do not create (physical, veth); bond | bridge | vlan
    up: bool = True
    mtu: int | None = None  # None: leave as is
    master: str | None = None
    # kind-specific settings, sorted (key, value): bond mode/miimon/options; bridge
    # vlan_filtering/stp/forward_delay/default_pvid; vlan parent/id
    attrs: tuple[tuple[str, str], ...] = ()
    # bridge VLANs on this port (or on the bridge itself, "self"); None: not managed
    vlans: tuple[BridgeVlan, ...] | None = None

    def attr(self, key: str, default: str | None = None) -> str | None:
        return dict(self.attrs).get(key, default)


@dataclass(frozen=True)
class KernelRoute:
    dst: str  # "default" or CIDR
    gateway: str | None
    dev: str


@dataclass(frozen=True)
class HostState:
    links: tuple[Link, ...] = ()
    addresses: tuple[tuple[str, str], ...] = ()  # (dev, cidr), sorted
    routes: tuple[KernelRoute, ...] = ()  # non-kernel IPv4 routes of the main table, sorted
    dhcp: tuple[str, ...] = ()  # devices whose address and default route come from DHCP

    def link(self, name: str) -> Link | None:
        for link in self.links:
            if link.name == name:
                return link
        return None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(link.name for link in self.links)

    def normalized(self) -> "HostState":
        return HostState(
            tuple(sorted(self.links, key=lambda l: l.name)),
            tuple(sorted(set(self.addresses))),
            tuple(sorted(set(self.routes), key=lambda r: (r.dev, r.dst, r.gateway or ""))),
            tuple(sorted(set(self.dhcp))),
        )

    def restricted(self, scope: frozenset[str], default_routes: bool = False) -> "HostState":
        """Only what concerns the links named in ``scope`` (and every default route, when the
        change takes over the default route)."""
        return HostState(
            tuple(l for l in self.links if l.name in scope),
            tuple(a for a in self.addresses if a[0] in scope),
            tuple(r for r in self.routes if r.dev in scope or (default_routes and r.dst == "default")),
            tuple(d for d in self.dhcp if d in scope),
        ).normalized()


def sorted_attrs(**kw) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in kw.items() if v is not None))


def with_link(state: HostState, link: Link) -> HostState:
    links = tuple(l for l in state.links if l.name != link.name) + (link,)
    return replace(state, links=links).normalized()


def as_data(state: HostState) -> dict:
    """JSON-ready form (for the journal and ``plan --json``)."""
    return {
        "links": [
            {"name": l.name, "kind": l.kind, "up": l.up, "mtu": l.mtu, "master": l.master,
             "attrs": dict(l.attrs), "vlans": None if l.vlans is None else [list(v) for v in l.vlans]}
            for l in state.links
        ],
        "addresses": [list(a) for a in state.addresses],
        "routes": [{"dst": r.dst, "gateway": r.gateway, "dev": r.dev} for r in state.routes],
        "dhcp": list(state.dhcp),
    }


def from_data(data: dict) -> HostState:
    links = tuple(
        Link(d["name"], d.get("kind"), bool(d.get("up", True)), d.get("mtu"), d.get("master"),
             tuple(sorted((k, str(v)) for k, v in (d.get("attrs") or {}).items())),
             None if d.get("vlans") is None else tuple((int(v[0]), bool(v[1]), bool(v[2])) for v in d["vlans"]))
        for d in data.get("links", [])
    )
    return HostState(
        links,
        tuple((a[0], a[1]) for a in data.get("addresses", [])),
        tuple(KernelRoute(r["dst"], r.get("gateway"), r["dev"]) for r in data.get("routes", [])),
        tuple(data.get("dhcp", [])),
    ).normalized()


@dataclass(frozen=True)
class Target:
    """What an apply aims at: the wanted state of the links in ``scope``; links in scope
    that ``state`` does not list must not exist (unless they are NICs we never delete)."""

    state: HostState
    scope: frozenset[str] = field(default_factory=frozenset)
    ip_dev: str | None = None  # the device carrying the node IP
    gateway: str | None = None
    owns_default: bool = False  # the node's default route moves here: other default routes go

    def current(self, state: HostState) -> HostState:
        return state.restricted(self.scope, self.owns_default)


