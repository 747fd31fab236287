"""The real host: reads and changes links, bridge VLANs, addresses and routes over netlink
(pyroute2); bond options through sysfs, where the kernel parses their names itself."""

from __future__ import annotations

import os
import socket

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from tui.model.bond import BOND_MODES, OPTION_MODES
from tui.model.hoststate import HostState, Link, Route
from tui.model.plan import Step
from tui.net.rtnl_dump import RtnlDump

IFF_UP = 0x1
RTPROT_KERNEL = 2
RTN_UNICAST = 1
MAIN_TABLE = 254
PVID, UNTAGGED = 0x2, 0x4
BRIDGE_FLAGS_SELF = 0x2
SYSFS = "/sys/class/net"


class StepFailed(Exception):
    def __init__(self, step: Step, reason: str):
        super().__init__(f"{step.describe()}: {reason}")
        self.step = step
        self.reason = reason


def _bond_option(dev: str, key: str) -> str | None:
    try:
        with open(f"{SYSFS}/{dev}/bonding/{key}") as fh:
            value = fh.read().strip()
    except OSError:
        return None
    # sysfs prints "802.3ad 4", "fast 1", "layer3+4 1": the name is the first word
    return value.split(" ")[0] if value else ""


class NetlinkHost:
    """Host state over netlink. One instance per process; not thread-safe."""

    def __init__(self, bond_keys: tuple[str, ...] = tuple(OPTION_MODES)):
        self.ipr = IPRoute()
        self.bond_keys = bond_keys  # bond options read besides mode and miimon (sysfs)

    def close(self) -> None:
        self.ipr.close()

    # ---- reading (tui.net.rtnl_dump: pyroute2 decodes every attribute, slowly) ------------
    def snapshot(self) -> HostState:
        with RtnlDump() as rtnl:
            msgs = rtnl.links()
            names = {m.index: m.name for m in msgs}
            vlans = self._bridge_vlans(rtnl, names)
            addrs = rtnl.ipv4_addresses()
            all_routes = rtnl.ipv4_routes()
        links = []
        for m in msgs:
            if m.name == "lo":
                continue
            attrs: dict[str, object] = {}
            if m.kind == "bond":
                attrs["mode"] = _bond_option(m.name, "mode")
                attrs["miimon"] = _bond_option(m.name, "miimon")
                for key in self.bond_keys:
                    attrs[key] = _bond_option(m.name, key)
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
            dev = names.get(r["oif"])
            if dev:
                routes.append(Route(r["dst"], r["gateway"], dev))
        return HostState(tuple(links), addresses, tuple(routes)).normalized()

    @staticmethod
    def _bridge_vlans(rtnl: RtnlDump, names: dict[int, str]) -> dict[str, tuple]:
        try:
            dump = rtnl.bridge_vlans()
        except OSError:  # no bridge support at all
            return {}
        out = {}
        for index, entries in dump.items():
            if index in names:
                out[names[index]] = tuple(sorted({(vid, bool(f & PVID), bool(f & UNTAGGED)) for vid, f in entries}))
        return out

    # ---- changing ------------------------------------------------------------------------
    def index(self, name: str) -> int:
        found = self.ipr.link_lookup(ifname=name)
        if not found:
            raise LookupError(f"{name} does not exist")
        return found[0]

    def run(self, step: Step) -> None:
        try:
            getattr(self, "_" + step.op.replace("-", "_"))(step.dev, *step.args)
        except (NetlinkError, OSError, LookupError, ValueError) as exc:
            reason = exc.args[1] if isinstance(exc, NetlinkError) and len(exc.args) > 1 else str(exc)
            raise StepFailed(step, reason) from exc

    def _route_del(self, dev, dst, gateway):
        self.ipr.route("del", dst="0.0.0.0/0" if dst == "default" else dst, gateway=gateway, oif=self.index(dev))

    def _route_add(self, dev, dst, gateway):
        self.ipr.route("add", dst="0.0.0.0/0" if dst == "default" else dst, gateway=gateway, oif=self.index(dev))

    def _addr_del(self, dev, cidr):
        ip, plen = cidr.split("/")
        self.ipr.addr("del", index=self.index(dev), address=ip, prefixlen=int(plen))

    def _addr_add(self, dev, cidr):
        ip, plen = cidr.split("/")
        self.ipr.addr("add", index=self.index(dev), address=ip, prefixlen=int(plen))

    def _link_del(self, dev):
        self.ipr.link("del", index=self.index(dev))

    def _link_down(self, dev):
        self.ipr.link("set", index=self.index(dev), state="down")

    def _link_up(self, dev):
        self.ipr.link("set", index=self.index(dev), state="up")

    def _nomaster(self, dev, _old):
        self.ipr.link("set", index=self.index(dev), master=0)

    def _master(self, dev, master):
        self.ipr.link("set", index=self.index(dev), master=self.index(master))

    def _mtu(self, dev, mtu):
        self.ipr.link("set", index=self.index(dev), mtu=int(mtu))

    def _link_add(self, dev, kind, attrs):
        a = dict(attrs)
        if kind == "bond":
            self.ipr.link("add", ifname=dev, kind="bond", bond_mode=BOND_MODES.index(a.pop("mode")),
                          bond_miimon=int(a.pop("miimon", 100)))
            self._bond_options(dev, a)
        elif kind == "bridge":
            self.ipr.link("add", ifname=dev, kind="bridge", **_bridge_kwargs(a))
        elif kind == "vlan":
            self.ipr.link("add", ifname=dev, kind="vlan", link=self.index(a["parent"]), vlan_id=int(a["id"]))
        else:
            raise ValueError(f"cannot create a link of kind {kind}")

    def _link_attrs(self, dev, attrs):
        kind = _kind_of(self, dev)
        if kind == "bridge":
            self.ipr.link("set", index=self.index(dev), kind="bridge", **_bridge_kwargs(dict(attrs)))
        else:
            self._bond_options(dev, dict(attrs))

    def _bond_options(self, dev, options: dict) -> None:
        for key, value in options.items():
            path = f"{SYSFS}/{dev}/bonding/{key}"
            try:
                with open(path, "w") as fh:
                    fh.write(str(value))
            except OSError as exc:
                raise ValueError(f"bond option {key}={value} refused by the kernel ({exc.strerror})") from exc

    def _vlans(self, dev, wanted, is_bridge):
        idx = self.index(dev)
        with RtnlDump() as rtnl:
            have = set(self._bridge_vlans(rtnl, {idx: dev}).get(dev, ()))
        extra = {"vlan_flags": BRIDGE_FLAGS_SELF} if is_bridge else {}
        for vid, pvid, untagged in sorted(have - set(wanted)):
            if not any(w[0] == vid for w in wanted):
                self.ipr.vlan_filter("del", index=idx, vlan_info={"vid": vid}, **extra)
        for vid, pvid, untagged in wanted:
            flags = (PVID if pvid else 0) | (UNTAGGED if untagged else 0)
            self.ipr.vlan_filter("add", index=idx, vlan_info={"vid": vid, "flags": flags}, **extra)

    def _dhcp(self, dev):
        from tui.net.dhcp import lease

        lease(dev)


def _bridge_kwargs(a: dict) -> dict:
    keys = {"vlan_filtering": "br_vlan_filtering", "stp_state": "br_stp_state",
            "forward_delay": "br_forward_delay", "default_pvid": "br_vlan_default_pvid"}
    return {keys[k]: int(v) for k, v in a.items() if k in keys}


def _kind_of(host: NetlinkHost, dev: str) -> str | None:
    with RtnlDump() as rtnl:
        return next((m.kind for m in rtnl.links() if m.name == dev), None)


def missing_kernel_features() -> list[str]:
    """Kernel features the topology needs that this kernel lacks (before anything changes)."""
    missing = []
    with IPRoute() as ipr:
        for kind, what, extra in (("bond", "bonding", {}), ("bridge", "bridge VLAN filtering", {"br_vlan_filtering": 1})):
            name = f"hns-probe{os.getpid() % 10000}"
            try:
                ipr.link("add", ifname=name, kind=kind, **extra)
            except NetlinkError:
                missing.append(what)
                continue
            if kind == "bridge":
                try:
                    vid_name = f"hns-v{os.getpid() % 10000}"
                    ipr.link("add", ifname=vid_name, kind="vlan", link=ipr.link_lookup(ifname=name)[0], vlan_id=2)
                    ipr.link("del", ifname=vid_name)
                except NetlinkError:
                    missing.append("802.1Q VLANs (8021q)")
            ipr.link("del", ifname=name)
    return missing
