"""The node topology a profile asks for, exactly as Harvester builds it for the target release.

v1.1+ (harvester-installer pkg/config/cos.go, templates/nm-*.nmconnection): NICs → bond
``mgmt-bo`` → VLAN-filtering bridge ``mgmt-br`` (default PVID 1, STP off, forward delay 0); the
bond port carries VLAN 1 (PVID, untagged) plus the management VID; the node IP sits on
``mgmt-br`` or ``mgmt-br.<vid>``.
The VLAN uplink is ``<cn>-bo`` → ``<cn>-br`` without an IP. v1.0: the bond
``harvester-mgmt`` carries the IP itself.
"""

from __future__ import annotations

from tui.model.ifnames import LEGACY_MGMT_BOND, MGMT_BOND, MGMT_BRIDGE, bond_name, bridge_name
from tui.model.netstate import HostState, KernelRoute, Link, Target, sorted_attrs
from tui.model.profile import Bond, Profile
from tui.model.releases import parse_release
from tui.model.inventory import Inventory
from tui.model.selectors import ResolvedNic, resolve

LEGACY_BOND = LEGACY_MGMT_BOND
UNTAGGED = (1, True, True)


def bond_attrs(bond: Bond) -> tuple[tuple[str, str], ...]:
    return sorted_attrs(mode=bond.mode, miimon=bond.miimon, **dict(bond.options))


def bridge_attrs() -> tuple[tuple[str, str], ...]:
    return sorted_attrs(vlan_filtering=1, stp_state=0, forward_delay=0, default_pvid=1)


def _mtu(value: int) -> int | None:
    return value or None  # 0: the kernel default, not managed


def _port_vlans(vid: int) -> tuple:
    return (UNTAGGED, (vid, False, False)) if vid >= 2 else (UNTAGGED,)


def profile_target(profile: Profile | None, inventory: Inventory | None) -> Target | None:
    """This node's wanted state: the profile's NICs resolved on its inventory (None: no
    management section). The one way apply, run and the wizard get it."""
    if profile is None or profile.management is None:
        return None
    res = resolve(profile, inventory)
    return node_target(profile, res.management, res.vlan)


def node_target(profile: Profile, management: tuple[ResolvedNic, ...], vlan: tuple[ResolvedNic, ...] = ()) -> Target:
    """The wanted state of every link the profile's management network (and uplink) uses."""
    mg = profile.management
    assert mg is not None, "validated profiles with a management section only"
    release = parse_release(profile.harvester)
    legacy = bool(release and release.legacy)
    mtu = _mtu(mg.mtu)
    links: list[Link] = []
    addresses: tuple[tuple[str, str], ...] = ()
    routes: tuple[KernelRoute, ...] = ()
    master = LEGACY_BOND if legacy else MGMT_BOND
    for nic in management:
        links.append(Link(nic.name or "", None, True, mtu, master))
    if legacy:
        links.append(Link(LEGACY_BOND, "bond", True, mtu, None, bond_attrs(mg.bond)))
        ip_dev = LEGACY_BOND
    else:
        vid = mg.vlan_id if mg.vlan_id >= 2 else 0
        links.append(Link(MGMT_BOND, "bond", True, mtu, MGMT_BRIDGE, bond_attrs(mg.bond), _port_vlans(vid)))
        links.append(Link(MGMT_BRIDGE, "bridge", True, mtu, None, bridge_attrs(), _port_vlans(vid)))
        ip_dev = MGMT_BRIDGE
        if vid:
            ip_dev = f"{MGMT_BRIDGE}.{vid}"
            links.append(Link(ip_dev, "vlan", True, mtu, None, sorted_attrs(parent=MGMT_BRIDGE, id=vid)))
        if profile.vlan and vlan:
            links += uplink_links(profile.vlan.cluster_network, profile.vlan.bond, _mtu(profile.vlan.mtu), vlan)
    dhcp: tuple[str, ...] = ()
    gateway = mg.ipv4.gateway
    if mg.ipv4.method == "static":
        addresses = ((ip_dev, mg.ipv4.address or ""),)
        routes = (KernelRoute("default", gateway, ip_dev),)
    else:
        dhcp = (ip_dev,)
    state = HostState(tuple(links), addresses, routes, dhcp).normalized()
    return Target(state, state.names, ip_dev, gateway, owns_default=True)


def uplink_links(cluster_network: str, bond: Bond, mtu: int | None, nics: tuple[ResolvedNic, ...]) -> list[Link]:
    bo, br = bond_name(cluster_network), bridge_name(cluster_network)
    links = [Link(n.name or "", None, True, mtu, bo) for n in nics]
    links.append(Link(bo, "bond", True, mtu, br, bond_attrs(bond), (UNTAGGED,)))
    links.append(Link(br, "bridge", True, mtu, None, bridge_attrs(), (UNTAGGED,)))
    return links
