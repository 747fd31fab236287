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

IFF_UP = 0x1
RTPROT_KERNEL = 2
MAIN_TABLE = 254
PVID, UNTAGGED = 0x2, 0x4
BRIDGE_FLAGS_SELF = 0x2
SYSFS = "/sys/class/net"


class StepFailed(Exception):
    def __init__(self, step: Step, reason: str):
        super().__init__(f"{step.describe()}: {reason}")
        self.step = step
        self.reason = reason


def _linkinfo(msg) -> tuple[str | None, object]:
    info = msg.get_attr("IFLA_LINKINFO")
    if info is None:
        return None, None
    return info.get_attr("IFLA_INFO_KIND"), info.get_attr("IFLA_INFO_DATA")


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

    # ---- reading -------------------------------------------------------------------------
    def snapshot(self) -> HostState:
        msgs = list(self.ipr.get_links())
        names = {m["index"]: m.get_attr("IFLA_IFNAME") for m in msgs}
        vlans = self._bridge_vlans(names)
        links = []
        for m in msgs:
            name = names[m["index"]]
            if name == "lo":
                continue
            kind, data = _linkinfo(m)
            attrs: dict[str, object] = {}
            if kind == "bond":
                attrs["mode"] = _bond_option(name, "mode")
                attrs["miimon"] = _bond_option(name, "miimon")
                for key in self.bond_keys:
                    attrs[key] = _bond_option(name, key)
            elif kind == "bridge" and data is not None:
                attrs = {
                    "vlan_filtering": data.get_attr("IFLA_BR_VLAN_FILTERING"),
                    "stp_state": data.get_attr("IFLA_BR_STP_STATE"),
                    "forward_delay": data.get_attr("IFLA_BR_FORWARD_DELAY"),
                    "default_pvid": data.get_attr("IFLA_BR_VLAN_DEFAULT_PVID"),
                }
            elif kind == "vlan" and data is not None:
                attrs = {"parent": names.get(m.get_attr("IFLA_LINK")), "id": data.get_attr("IFLA_VLAN_ID")}
            links.append(Link(
                name, kind if kind in ("bond", "bridge", "vlan") else None, bool(m["flags"] & IFF_UP),
                m.get_attr("IFLA_MTU"), names.get(m.get_attr("IFLA_MASTER") or 0),
                tuple(sorted((k, str(v)) for k, v in attrs.items() if v is not None)), vlans.get(name),
            ))
        addresses = tuple(
            (names[a["index"]], f"{a.get_attr('IFA_ADDRESS')}/{a['prefixlen']}")
            for a in self.ipr.get_addr(family=socket.AF_INET) if a["index"] in names and names[a["index"]] != "lo"
        )
        routes = []
        for r in self.ipr.get_routes(family=socket.AF_INET, table=MAIN_TABLE):
            if r["proto"] == RTPROT_KERNEL or r.get_attr("RTA_TABLE") not in (None, MAIN_TABLE) or r["type"] != 1:
                continue
            dst = "default" if r["dst_len"] == 0 else f"{r.get_attr('RTA_DST')}/{r['dst_len']}"
            dev = names.get(r.get_attr("RTA_OIF"))
            if dev:
                routes.append(Route(dst, r.get_attr("RTA_GATEWAY"), dev))
        return HostState(tuple(links), addresses, tuple(routes)).normalized()

    def _bridge_vlans(self, names: dict[int, str]) -> dict[str, tuple]:
        out: dict[str, list] = {}
        try:
            dump = self.ipr.get_vlans()
        except NetlinkError:
            return {}
        for msg in dump:
            spec = msg.get_attr("IFLA_AF_SPEC")
            if spec is None:
                continue
            entries = [a[1] for a in spec["attrs"] if a[0] == "IFLA_BRIDGE_VLAN_INFO"]
            name = names.get(msg["index"])
            if name is None or not entries:
                continue
            out.setdefault(name, []).extend(
                (e["vid"], bool(e["flags"] & PVID), bool(e["flags"] & UNTAGGED)) for e in entries
            )
        return {k: tuple(sorted(set(v))) for k, v in out.items()}

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
        names = {idx: dev}
        have = set(self._bridge_vlans(names).get(dev, ()))
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
    msg = host.ipr.get_links(host.index(dev))[0]
    return _linkinfo(msg)[0]


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
