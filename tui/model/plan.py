"""The ordered steps that take the host from one `HostState` to a `Target` — pure.

Order: routes and addresses that go away, links that go away (VLAN links, then bridges, then
bonds), NICs down before they change master, bonds with their options, enslaving, bridges,
bond → bridge, VLAN links, bridge VLANs, MTU, links up, addresses, routes, DHCP.
The same function plans an apply (current → profile) and a restore (current → checkpoint).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.netstate import HostState, Link, Target

_LAYER = {None: 0, "bond": 1, "bridge": 2, "vlan": 3}
# attributes that can only be set when a link is created (a change means delete + add)
_FIXED = {"bond": ("mode",), "vlan": ("parent", "id"), "bridge": ()}


@dataclass(frozen=True)
class NetlinkOp:
    """One change to the kernel's network state (one rtnetlink request): ``op`` on ``dev``."""

    op: str
    dev: str
    args: tuple = ()

    def describe(self) -> str:
        a = self.args
        match self.op:
            case "route-del" | "route-add":
                verb = "remove" if self.op == "route-del" else "add"
                via = f" via {a[1]}" if a[1] else ""
                return f"{verb} route {a[0]}{via} dev {self.dev}"
            case "addr-del":
                return f"remove address {a[0]} from {self.dev}"
            case "addr-add":
                return f"add address {a[0]} to {self.dev}"
            case "link-del":
                return f"delete {self.dev}"
            case "link-down":
                return f"set {self.dev} down"
            case "link-up":
                return f"set {self.dev} up"
            case "nomaster":
                return f"release {self.dev} from {a[0]}"
            case "link-add":
                attrs = " ".join(f"{k} {v}" for k, v in a[1])
                return f"create {a[0]} {self.dev}" + (f" ({attrs})" if attrs else "")
            case "link-attrs":
                return f"set {self.dev} " + " ".join(f"{k} {v}" for k, v in a[0])
            case "master":
                return f"enslave {self.dev} to {a[0]}"
            case "mtu":
                return f"set {self.dev} mtu {a[0]}"
            case "vlans":
                return f"set {self.dev} bridge VLANs " + (", ".join(_vlan_text(v) for v in a[0]) or "none")
            case "dhcp":
                return f"run DHCP on {self.dev} (needs a default route)"
        return f"{self.op} {self.dev} {a}"

    def as_data(self) -> dict:
        return {"op": self.op, "dev": self.dev, "description": self.describe()}


def _vlan_text(v) -> str:
    return f"{v[0]}" + (" pvid" if v[1] else "") + (" untagged" if v[2] else "")


def expand_scope(current: HostState, scope: frozenset[str]) -> frozenset[str]:
    """Add the links hanging off the scope now: ports enslaved to a scoped link and VLAN links
    on top of one, so that an apply releases or removes them and a restore brings them back."""
    out = set(scope)
    changed = True
    while changed:
        changed = False
        for link in current.links:
            if link.name in out:
                continue
            if link.master in out or (link.kind == "vlan" and link.attr("parent") in out):
                out.add(link.name)
                changed = True
    return frozenset(out)


def _recreate(cur: Link, want: Link) -> bool:
    if cur.kind != want.kind:
        return True
    return any(cur.attr(k) != want.attr(k) for k in _FIXED.get(want.kind or "", ()))


def plan(current: HostState, target: Target) -> list[NetlinkOp]:
    cur = target.current(current)
    want = target.state
    steps: list[NetlinkOp] = []
    gone = {l.name for l in cur.links if l.kind and (want.link(l.name) is None or _recreate(l, want.link(l.name)))}
    created = {l.name for l in want.links if l.kind and (cur.link(l.name) is None or l.name in gone)}

    # 1. routes and addresses that go away (with a deleted link they go by themselves)
    for r in cur.routes:
        if r not in want.routes and r.dev not in gone and r.dev not in want.dhcp:
            steps.append(NetlinkOp("route-del", r.dev, (r.dst, r.gateway)))
    for dev, cidr in cur.addresses:
        if (dev, cidr) not in want.addresses and dev not in gone and dev not in want.dhcp:
            steps.append(NetlinkOp("addr-del", dev, (cidr,)))
    # 2. links that go away, top layer first
    for l in sorted((l for l in cur.links if l.name in gone), key=lambda l: -_LAYER[l.kind]):
        steps.append(NetlinkOp("link-del", l.name))
    # 3. NICs: down before a master change, released from a master that stays
    for l in cur.links:
        w = want.link(l.name)
        new_master = w.master if w else None
        if l.kind is None and l.master != new_master:
            if l.up:
                steps.append(NetlinkOp("link-down", l.name))
            if l.master and l.master not in gone:
                steps.append(NetlinkOp("nomaster", l.name, (l.master,)))
        elif l.kind and l.name not in gone and w and w.master != l.master and l.master:
            steps.append(NetlinkOp("nomaster", l.name, (l.master,)))
        if w is None and l.kind is None and l.up and l.master == new_master:
            pass  # a NIC that leaves the scope keeps its admin state
        elif w is not None and not w.up and l.up and l.master == new_master:
            steps.append(NetlinkOp("link-down", l.name))
    # 4. links to create or adjust, bottom layer first
    for layer in ("bond", "bridge", "vlan"):
        for w in (l for l in want.links if l.kind == layer):
            c = cur.link(w.name)
            if w.name in created:
                steps.append(NetlinkOp("link-add", w.name, (w.kind, w.attrs)))
            elif c is not None:
                changed = tuple((k, v) for k, v in w.attrs if c.attr(k) != v)
                if changed:
                    if c.up and w.kind == "bond":
                        steps.append(NetlinkOp("link-down", w.name))
                    steps.append(NetlinkOp("link-attrs", w.name, (changed,)))
            for port in (l for l in want.links if l.master == w.name):
                pc = cur.link(port.name)
                if port.name in created or port.name in gone or pc is None or pc.master != w.name:
                    if port.kind and pc is not None and port.name not in created and port.name not in gone and pc.up:
                        steps.append(NetlinkOp("link-down", port.name))
                    steps.append(NetlinkOp("master", port.name, (w.name,)))
    # 5. bridge VLANs (ports and the bridge itself)
    for w in want.links:
        c = cur.link(w.name)
        if w.vlans is not None and (w.name in created or c is None or c.vlans != w.vlans or _port_changed(cur, want,
                                                                                                          w)):
            steps.append(NetlinkOp("vlans", w.name, (w.vlans, w.kind == "bridge")))
    # 6. MTU: growing bottom-up, shrinking top-down
    mtu_steps = []
    for w in want.links:
        c = cur.link(w.name)
        if w.mtu is not None and (w.name in created or c is None or c.mtu != w.mtu):
            grow = c is None or c.mtu is None or w.mtu > c.mtu
            mtu_steps.append(((_LAYER[w.kind] if grow else -_LAYER[w.kind]), NetlinkOp("mtu", w.name, (w.mtu,))))
    steps += [s for _, s in sorted(mtu_steps, key=lambda t: t[0])]
    # 7. up, bottom layer first
    for w in sorted(want.links, key=lambda l: _LAYER[l.kind]):
        c = cur.link(w.name)
        if w.up and (w.name in created or c is None or not c.up or _was_downed(steps, w.name)):
            steps.append(NetlinkOp("link-up", w.name))
    # 8. addresses, routes, DHCP
    for dev, cidr in want.addresses:
        if (dev, cidr) not in cur.addresses or dev in gone or _readdress(steps, dev):
            steps.append(NetlinkOp("addr-add", dev, (cidr,)))
    for r in want.routes:
        if r not in cur.routes or r.dev in gone or _readdress(steps, r.dev):
            steps.append(NetlinkOp("route-add", r.dev, (r.dst, r.gateway)))
    for dev in want.dhcp:
        if dev in created or not _has_default(cur, dev) or not any(a[0] == dev for a in cur.addresses):
            steps.append(NetlinkOp("dhcp", dev))
    return steps


def _port_changed(cur: HostState, want: HostState, w: Link) -> bool:
    c = cur.link(w.name)
    return c is not None and c.master != w.master


def _was_downed(steps: list[NetlinkOp], dev: str) -> bool:
    return any(s.op in ("link-down", "master", "nomaster") and s.dev == dev for s in steps)


def _readdress(steps: list[NetlinkOp], dev: str) -> bool:
    return any(s.op in ("link-add", "master") and s.dev == dev for s in steps)


def _has_default(state: HostState, dev: str) -> bool:
    return any(r.dst == "default" and r.dev == dev for r in state.routes)


def differences(actual: HostState, target: Target) -> list[str]:
    """What still differs between the host and the target (empty: verified)."""
    cur = target.current(actual)
    want = target.state
    out: list[str] = []
    for w in want.links:
        c = cur.link(w.name)
        if c is None:
            out.append(f"{w.name} is missing")
            continue
        if w.kind and c.kind != w.kind:
            out.append(f"{w.name} is a {c.kind or 'plain link'}, not a {w.kind}")
        if c.up != w.up:
            out.append(f"{w.name} is {'up' if c.up else 'down'}")
        if w.mtu is not None and c.mtu != w.mtu:
            out.append(f"{w.name} has mtu {c.mtu}, not {w.mtu}")
        if c.master != w.master:
            out.append(f"{w.name} has master {c.master or 'none'}, not {w.master or 'none'}")
        for k, v in w.attrs:
            if c.attr(k) != v:
                out.append(f"{w.name} has {k} {c.attr(k)}, not {v}")
        if w.vlans is not None and c.vlans != w.vlans:
            out.append(f"{w.name} has bridge VLANs {list(c.vlans or ())}, not {list(w.vlans)}")
    for c in cur.links:
        if want.link(c.name) is None:
            if c.kind:
                out.append(f"{c.name} should not exist")
            elif c.master:
                out.append(f"{c.name} is still enslaved to {c.master}")
    static_devs = {d for d, _ in cur.addresses} - set(want.dhcp)
    if {a for a in cur.addresses if a[0] in static_devs} != set(want.addresses):
        out.append(f"addresses are {list(cur.addresses)}, not {list(want.addresses)}")
    wanted_routes = set(want.routes)
    have_routes = {r for r in cur.routes if r.dev not in want.dhcp}
    if have_routes != wanted_routes:
        out.append(f"routes are {[_route_text(r) for r in sorted(have_routes, key=str)]}, not "
                   f"{[_route_text(r) for r in want.routes]}")
    for dev in want.dhcp:
        if not any(a[0] == dev for a in cur.addresses):
            out.append(f"{dev} got no address from DHCP")
        elif not _has_default(cur, dev):
            out.append(f"DHCP on {dev} gave no default route")
    return out


def _route_text(r) -> str:
    return f"{r.dst} via {r.gateway} dev {r.dev}" if r.gateway else f"{r.dst} dev {r.dev}"


