"""A temporary VLAN sub-interface for a tagged DHCP probe, always removed afterwards.

On a VLAN-filtering bridge the VID must also be allowed on the bridge itself and on its
ports for the frames to pass; whatever the probe adds there it removes again.
"""

from __future__ import annotations

import contextlib
import os

from tui.net.host_state import IFF_UP, bridge_vlans
from tui.net.netlink import BRIDGE_FLAGS_SELF, NetlinkHost
from tui.net.rtnl_dump import RtnlDump


@contextlib.contextmanager
def temporary_vlan(host: NetlinkHost, parent: str, vid: int):
    ipr = host.ipr
    name = f"hnsp{os.getpid() % 1000}.{vid}"[:15]
    parent_index = host.index(parent)
    with RtnlDump() as rtnl:
        msgs = rtnl.links()
        names = {m.index: m.name for m in msgs}
        have = bridge_vlans(rtnl, names)
    parent_msg = next(m for m in msgs if m.index == parent_index)
    was_up = bool(parent_msg.flags & IFF_UP)
    added: list[tuple[int, dict]] = []
    if parent_msg.kind == "bridge":
        for m in msgs:
            is_self = m.index == parent_index
            if not is_self and m.master != parent_index:
                continue
            if any(v[0] == vid for v in have.get(m.name, ())):
                continue
            extra = {"vlan_flags": BRIDGE_FLAGS_SELF} if is_self else {}
            ipr.vlan_filter("add", index=m.index, vlan_info={"vid": vid}, **extra)
            added.append((m.index, extra))
    try:
        ipr.link("add", ifname=name, kind="vlan", link=parent_index, vlan_id=vid)
        ipr.link("set", index=host.index(name), state="up")
        if not was_up:
            ipr.link("set", index=parent_index, state="up")
        yield name
    finally:
        with contextlib.suppress(Exception):
            ipr.link("del", index=host.index(name))
        for index, extra in added:
            with contextlib.suppress(Exception):
                ipr.vlan_filter("del", index=index, vlan_info={"vid": vid}, **extra)
        if not was_up:
            with contextlib.suppress(Exception):
                ipr.link("set", index=parent_index, state="down")
