"""The real host: netlink for state, sysfs for the inventory's details, raw ICMP, DHCP."""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.model.netstate import HostState
    from tui.model.inventory import Inventory
    from tui.model.plan import NetlinkOp


class Refused(LookupError):
    """The host cannot do what was asked; nothing was changed."""


class RealHost:
    """The journal, lock and revert timer of the real host live in the run directory
    (/run/harvester-netsetup, or $HARVESTER_NETSETUP_RUN_DIR)."""

    simulated = False

    def __init__(self):
        from tui.net.journal import Journal, run_dir

        self._netlink = None
        self.journal = Journal(run_dir())

    def arm_timer(self, token: str) -> tuple[int, int | None]:
        from tui.net.revert_timer import start_timer

        return start_timer(self.journal, token)

    @property
    def netlink(self):
        """pyroute2's socket, opened on first use: reading the inventory does not need it."""
        if self._netlink is None:
            from tui.net.netlink import NetlinkHost

            self._netlink = NetlinkHost()
        return self._netlink

    def inventory(self, include_virtual: bool = False) -> Inventory:
        from tui.net.inventory import read_inventory

        return read_inventory(include_virtual)

    def snapshot(self) -> HostState:
        from tui.net.host_state import read_state

        return read_state()

    def run(self, step: NetlinkOp) -> None:
        self.netlink.run(step)

    def missing_features(self, kinds: set[str]) -> list[str]:
        from tui.net.netlink import missing_kernel_features

        return missing_kernel_features(frozenset(kinds)) if kinds else []

    def reachable(self, ip: str, timeout: float = 1.0) -> bool:
        from tui.net.reach import ping

        return ping(ip, timeout)

    def probe_dhcp(self, ifname: str, vlan: int | None = None, timeout: float = 6.0) -> list:
        import socket

        from tui.net.dhcp import probe
        from tui.net.tagged import temporary_vlan

        if vlan is None:
            try:
                socket.if_nametoindex(ifname)
            except OSError:  # pyroute2 would only print it and report "no offer"
                raise Refused(f"{ifname} does not exist") from None
            return probe(ifname, timeout)
        from pyroute2.netlink.exceptions import NetlinkError

        try:
            with temporary_vlan(self.netlink, ifname, vlan) as sub:
                return probe(sub, timeout)
        except NetlinkError as exc:
            if exc.code in (errno.EOPNOTSUPP,):
                raise Refused(f"this kernel lacks 802.1Q VLANs (8021q): cannot probe VLAN {vlan}; "
                              "nothing was changed") from None
            raise Refused(f"cannot add a VLAN {vlan} sub-interface on {ifname}: {os.strerror(exc.code)}; "
                          "nothing was changed") from None

    def close(self) -> None:
        if self._netlink is not None:
            self._netlink.close()
