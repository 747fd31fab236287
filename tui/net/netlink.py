"""The real host's changes: links, bridge VLANs, addresses and routes over netlink (pyroute2);
bond options through sysfs, where the kernel parses their names itself. Reading is
tui.net.host_state."""

from __future__ import annotations

import os

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from tui.model.bond import mode_number
from tui.model.plan import NetlinkOp
from tui.net.host_state import PVID, SYSFS, UNTAGGED, bridge_vlans
from tui.net.rtnl_dump import RtnlDump

BRIDGE_FLAGS_SELF = 0x2


class StepFailed(Exception):
    def __init__(self, step: NetlinkOp, reason: str):
        super().__init__(f"{step.describe()}: {reason}")
        self.step = step
        self.reason = reason


class NetlinkHost:
    """Changes over netlink, one step at a time. One instance per process; not thread-safe."""

    def __init__(self):
        self.ipr = IPRoute()

    def close(self) -> None:
        self.ipr.close()

    # ---- changing ------------------------------------------------------------------------
    def index(self, name: str) -> int:
        found = self.ipr.link_lookup(ifname=name)
        if not found:
            raise LookupError(f"{name} does not exist")
        return found[0]

    def run(self, step: NetlinkOp) -> None:
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
            self.ipr.link("add", ifname=dev, kind="bond", bond_mode=mode_number(a.pop("mode")),
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
            have = set(bridge_vlans(rtnl, {idx: dev}).get(dev, ()))
        extra = {"vlan_flags": BRIDGE_FLAGS_SELF} if is_bridge else {}
        for vid, _pvid, _untagged in sorted(have - set(wanted)):
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


def missing_kernel_features(kinds=frozenset({"bond", "bridge", "vlan"})) -> list[str]:
    """Which of the link kinds a plan creates or configures (bond, VLAN-filtering bridge,
    vlan) this kernel lacks: tried on throw-away links, before anything changes."""
    missing = []
    with IPRoute() as ipr:
        probes = (("bond", "bonding", {}), ("bridge", "bridge VLAN filtering", {"br_vlan_filtering": 1}))
        for kind, what, extra in probes:
            if kind not in kinds and not (kind == "bridge" and "vlan" in kinds):
                continue
            name = f"hns-probe{os.getpid() % 10000}"
            try:
                ipr.link("add", ifname=name, kind=kind, **extra)
            except NetlinkError:
                missing.append(what)
                continue
            if kind == "bridge" and "vlan" in kinds:
                try:
                    vid_name = f"hns-v{os.getpid() % 10000}"
                    ipr.link("add", ifname=vid_name, kind="vlan", link=ipr.link_lookup(ifname=name)[0], vlan_id=2)
                    ipr.link("del", ifname=vid_name)
                except NetlinkError:
                    missing.append("802.1Q VLANs (8021q)")
            ipr.link("del", ifname=name)
    return missing
