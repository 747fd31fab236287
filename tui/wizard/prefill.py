"""Reconfigure mode starts from what the node has now, not from placeholders: the hostname,
the management NICs (those in mgmt-bo, else the NIC of the default route), the VLAN, the MTU
and the address and gateway. Pure: the session passes the inventory and the host state.
Only paths the draft does not have yet are filled (a loaded profile wins)."""

from __future__ import annotations

import re

from tui.model.dotted import lookup
from tui.model.ifnames import MGMT_BOND, MGMT_BRIDGE


def from_node(data: dict, inventory, state) -> dict[str, object]:
    """Path -> value for what the node has now and ``data`` (the draft) does not."""
    out: dict[str, object] = {}
    default = next((r for r in state.routes if r.dst == "default"), None)
    nics = [n for n in inventory.physical() if n.master == MGMT_BOND]
    if not nics and default:
        nics = [n for n in inventory.physical() if n.name == default.dev]
    if inventory.hostname:
        out["node.hostname"] = inventory.hostname
    if nics:
        out["management.interfaces"] = [{"name": n.name, **({"mac": n.hw_addr} if n.hw_addr else {})} for n in nics]
    if default:
        m = re.fullmatch(re.escape(MGMT_BRIDGE) + r"\.(\d+)", default.dev)
        if m:
            out["management.vlan_id"] = int(m.group(1))
        link = state.link(default.dev)
        if link and link.mtu and link.mtu != 1500:
            out["management.mtu"] = link.mtu
        cidr = next((c for d, c in state.addresses if d == default.dev), None)
        if default.dev in state.dhcp:
            out["management.ipv4.method"] = "dhcp"
        elif cidr:
            out.update({"management.ipv4.method": "static", "management.ipv4.address": cidr,
                        "management.ipv4.gateway": default.gateway})
    has_ipv4 = lookup(data, "management.ipv4") is not None  # a loaded method keeps its own fields
    return {path: value for path, value in out.items() if value is not None and lookup(data, path) is None
            and not (has_ipv4 and path.startswith("management.ipv4."))}

