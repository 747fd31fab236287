"""A simulated node for ``--demo`` and for trying the wizard without root: four NICs (two 25G,
two 1G; eno1 carries "your SSH session"), DHCP offers, a gateway that answers. Steps change
an in-memory `HostState` the way the kernel would, so plan, apply, verify and rollback run
their real code against it."""

from __future__ import annotations

import time
from dataclasses import replace

from tui.model.netstate import HostState, Link, KernelRoute, with_link
from tui.model.inventory import Inventory, Nic
from tui.model.plan import NetlinkOp
from tui.net.dhcp import Offer

DEMO_NICS = (
    Nic("eno1", "3c:ec:ef:10:00:01", "3c:ec:ef:10:00:01", "up", True, 1000, "full", 1500, "igb", "0000:02:00.0",
        "Intel Corporation", "I350 Gigabit Network Connection", None, ("10.0.0.11/24",), True, True),
    Nic("eno2", "3c:ec:ef:10:00:02", "3c:ec:ef:10:00:02", "down", False, None, None, 1500, "igb", "0000:02:00.1",
        "Intel Corporation", "I350 Gigabit Network Connection"),
    Nic("ens1f0", "b8:ca:3a:6a:64:7d", "b8:ca:3a:6a:64:7d", "up", True, 25000, "full", 1500, "ice", "0000:3b:00.0",
        "Intel Corporation", "Ethernet Controller E810-XXV for SFP"),
    Nic("ens1f1", "b8:ca:3a:6a:64:7e", "b8:ca:3a:6a:64:7e", "up", True, 25000, "full", 1500, "ice", "0000:3b:00.1",
        "Intel Corporation", "Ethernet Controller E810-XXV for SFP"),
)
DEMO_OFFERS = {
    None: Offer("", "10.0.0.2", "10.0.0.57", 24, "10.0.0.1", ("10.0.0.53",), 86400),
    100: Offer("", "10.0.100.2", "10.0.100.57", 24, "10.0.100.1", ("10.0.0.53",), 86400),
    200: Offer("", "10.0.200.2", "10.0.200.31", 24, "10.0.200.1", ("10.0.0.53",), 3600),
}


class SimulatedHost:
    """Its journal and lock live in a private temporary directory made for this process and
    removed by close(); it has no revert timer (the wizard counts down itself). So the demo
    never reads or writes the real journal, never starts a real timer, never opens netlink."""

    simulated = True

    def __init__(self, nics: tuple[Nic, ...], state: HostState, delay: float = 0.0):
        self.nics = nics
        self.state = state
        self.delay = delay  # seconds per step, so progress is visible in the demo
        self._journal = None

    @property
    def journal(self):
        if self._journal is None:
            import tempfile

            from tui.net.journal import Journal

            self._journal = Journal(tempfile.mkdtemp(prefix="hns-demo-journal-"))
        return self._journal

    def arm_timer(self, token: str) -> None:
        return None

    @classmethod
    def demo(cls, delay: float = 0.15) -> "SimulatedHost":
        links = tuple(Link(n.name, None, n.operstate == "up", n.mtu) for n in DEMO_NICS)
        routes = (KernelRoute("default", "10.0.0.1", "eno1"),)
        state = HostState(links, (("eno1", "10.0.0.11/24"),), routes).normalized()
        return cls(DEMO_NICS, state, delay)

    def inventory(self, include_virtual: bool = False) -> Inventory:
        nics = []
        for nic in self.nics:
            link = self.state.link(nic.name)
            ipv4 = tuple(c for d, c in self.state.addresses if d == nic.name)
            nics.append(replace(nic, master=link.master if link else None, ipv4=ipv4,
                                default_route=any(r.dev == nic.name and r.dst == "default" for r in self.state.routes),
                                ssh_session=nic.ssh_session and "10.0.0.11/24" in ipv4))
        if include_virtual:
            for link in self.state.links:
                if link.kind:
                    ipv4 = tuple(c for d, c in self.state.addresses if d == link.name)
                    nics.append(Nic(link.name, None, None, "up" if link.up else "down", mtu=link.mtu,
                                    master=link.master, ipv4=ipv4, physical=False, kind=link.kind))
        return Inventory(tuple(nics), "demo-node", "simulated")

    def snapshot(self) -> HostState:
        return self.state

    def missing_features(self, kinds: set[str]) -> list[str]:
        return []  # the demo node's kernel has bonding, 8021q and VLAN filtering

    def reachable(self, ip: str, timeout: float = 1.0) -> bool:
        return any(r.gateway == ip for r in self.state.routes)

    def probe_dhcp(self, ifname: str, vlan: int | None = None, timeout: float = 6.0) -> list[Offer]:
        time.sleep(min(self.delay * 6, timeout))
        offer = DEMO_OFFERS.get(vlan)
        return [replace(offer, interface=ifname if vlan is None else f"{ifname}.{vlan}")] if offer else []

    def close(self) -> None:
        if self._journal is not None:
            import shutil

            shutil.rmtree(self._journal.dir, ignore_errors=True)
            self._journal = None

    def run(self, step: NetlinkOp) -> None:
        time.sleep(self.delay)
        s, a = self.state, step.args
        link = s.link(step.dev)
        if step.op != "link-add" and link is None:
            raise LookupError(f"{step.describe()}: {step.dev} does not exist")
        match step.op:
            case "route-del":
                s = replace(s, routes=tuple(r for r in s.routes if r != KernelRoute(a[0], a[1], step.dev)))
            case "route-add":
                s = replace(s, routes=s.routes + (KernelRoute(a[0], a[1], step.dev),))
            case "addr-del":
                s = replace(s, addresses=tuple(x for x in s.addresses if x != (step.dev, a[0])),
                            routes=tuple(r for r in s.routes if r.dev != step.dev))
            case "addr-add":
                s = replace(s, addresses=s.addresses + ((step.dev, a[0]),))
            case "link-del":
                s = _without(s, step.dev)
            case "link-down" | "link-up":
                s = with_link(s, replace(link, up=step.op == "link-up"))
            case "nomaster":
                s = with_link(s, replace(link, master=None, vlans=None))
            case "master":
                vlans = ((1, True, True),) if s.link(a[0]).kind == "bridge" else None
                s = with_link(s, replace(link, master=a[0], vlans=vlans))
            case "mtu":
                s = with_link(s, replace(link, mtu=a[0]))
            case "link-add":
                vlans = ((1, True, True),) if a[0] == "bridge" else None
                s = with_link(s, Link(step.dev, a[0], False, 1500, None, a[1], vlans))
            case "link-attrs":
                s = with_link(s, replace(link, attrs=tuple(sorted({**dict(link.attrs), **dict(a[0])}.items()))))
            case "vlans":
                s = with_link(s, replace(link, vlans=a[0]))
            case "dhcp":
                vid = int(step.dev.split(".")[1]) if "." in step.dev else None
                offer = DEMO_OFFERS.get(vid) or DEMO_OFFERS[None]
                s = replace(s, addresses=s.addresses + ((step.dev, f"{offer.ip}/{offer.prefix}"),),
                            routes=s.routes + (KernelRoute("default", offer.router, step.dev),))
            case _:
                raise ValueError(f"unknown step {step.op}")
        self.state = s.normalized()


def _without(s: HostState, dev: str) -> HostState:
    links = tuple(
        replace(l, master=None, vlans=None) if l.master == dev else l
        for l in s.links if l.name != dev and not (l.kind == "vlan" and l.attr("parent") == dev)
    )
    gone = {l.name for l in s.links} - {l.name for l in links}
    return HostState(links, tuple(a for a in s.addresses if a[0] not in gone),
                     tuple(r for r in s.routes if r.dev not in gone), s.dhcp)



