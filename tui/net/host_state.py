"""This host's network state as the planner sees it (HostState): links with their kind,
MTU, master, bond/bridge/VLAN attributes and bridge VLANs, IPv4 addresses and main-table
routes. Read through tui.net.rtnl_dump plus sysfs for bond options; no pyroute2, so plan,
dry-run and an apply with nothing to do never load it."""

from __future__ import annotations

from tui.model.bond import OPTION_MODES
from tui.model.netstate import HostState, Link, KernelRoute
from tui.net.errors import HostUnsupported
from tui.net.rtnl_dump import RtnlDump

IFF_UP = 0x1
RTPROT_KERNEL = 2
RTN_UNICAST = 1
MAIN_TABLE = 254
PVID, UNTAGGED = 0x2, 0x4
SYSFS = "/sys/class/net"
BOND_KEYS = tuple(OPTION_MODES)  # bond options read besides mode and miimon


def bond_option(dev: str, key: str) -> str | None:
    try:
        with open(f"{SYSFS}/{dev}/bonding/{key}") as fh:
            value = fh.read().strip()
    except OSError:
        return None
    # sysfs prints "802.3ad 4", "fast 1", "layer3+4 1": the name is the first word
    return value.split(" ")[0] if value else ""


def read_state(bond_keys: tuple[str, ...] = BOND_KEYS, rtnl: RtnlDump | None = None) -> HostState:
    """The host's state; a multipath route (which it cannot checkpoint) is HostUnsupported."""
    with rtnl or RtnlDump() as rtnl:
        msgs = rtnl.links()
        names = {m.index: m.name for m in msgs}
        vlans = bridge_vlans(rtnl, names)
        addrs = rtnl.ipv4_addresses()
        all_routes = rtnl.ipv4_routes()
    links = []
    for m in msgs:
        if m.name == "lo":
            continue
        attrs: dict[str, object] = {}
        if m.kind == "bond":
            attrs["mode"] = bond_option(m.name, "mode")
            attrs["miimon"] = bond_option(m.name, "miimon")
            for key in bond_keys:
                attrs[key] = bond_option(m.name, key)
        elif m.kind == "bridge":
            attrs = dict(m.info)
        elif m.kind == "vlan":
            attrs = {"parent": names.get(m.link), "id": m.info.get("id")}
        links.append(Link(
            m.name, m.kind if m.kind in ("bond", "bridge", "vlan") else None, bool(m.flags & IFF_UP),
            m.mtu, names.get(m.master or 0),
            tuple(sorted((k, str(v)) for k, v in attrs.items() if v is not None)), vlans.get(m.name),
        ))
    addresses = tuple((names[i], f"{ip}/{plen}") for i, ip, plen in addrs if i in names and names[i] != "lo")
    routes = []
    for r in all_routes:
        if r["proto"] == RTPROT_KERNEL or r["table"] != MAIN_TABLE or r["type"] != RTN_UNICAST:
            continue
        if r["multipath"] is not None:
            hops = ", ".join(f"via {gw} dev {names.get(oif, oif)}" for gw, oif, _w in r["multipath"])
            raise HostUnsupported(f"the route {r['dst']} is multipath ({hops}); harvester-netsetup cannot checkpoint "
                                  "and restore it, so it changes nothing on this host")
        dev = names.get(r["oif"])
        if dev:
            routes.append(KernelRoute(r["dst"], r["gateway"], dev))
    return HostState(tuple(links), addresses, tuple(routes)).normalized()


def bridge_vlans(rtnl: RtnlDump, names: dict[int, str]) -> dict[str, tuple]:
    """{link name: ((vid, pvid, untagged), …)} for the links in ``names``."""
    try:
        dump = rtnl.bridge_vlans()
    except TimeoutError:
        raise
    except OSError:  # no bridge support at all
        return {}
    out = {}
    for index, entries in dump.items():
        if index in names:
            out[names[index]] = tuple(sorted({(vid, bool(f & PVID), bool(f & UNTAGGED)) for vid, f in entries}))
    return out
