"""The host side: everything that reads or changes this machine's network.

`Host` is the small interface the rest of the tool uses; `open_host()` picks the real one
(netlink) or the simulated demo node once, at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tui.net.errors import HostUnsupported  # noqa: F401  (the commands catch it as tui.net.HostUnsupported)

if TYPE_CHECKING:  # kept out of the import path: `inventory` starts fast
    from tui.model.netstate import HostState
    from tui.model.inventory import Inventory
    from tui.model.plan import NetlinkOp
    from tui.net.journal import Journal


class Host(Protocol):
    simulated: bool
    journal: "Journal"  # where this host's journal, lock and log live

    def arm_timer(self, token: str) -> tuple[int, int | None] | None: ...
    def inventory(self, include_virtual: bool = False) -> Inventory: ...
    def snapshot(self) -> HostState: ...
    def run(self, step: NetlinkOp) -> None: ...
    def missing_features(self, kinds: set[str]) -> list[str]: ...
    def reachable(self, ip: str, timeout: float = 1.0) -> bool: ...
    def probe_dhcp(self, ifname: str, vlan: int | None = None, timeout: float = 6.0) -> list: ...
    def close(self) -> None: ...


def open_host(simulated: bool = False) -> Host:
    """The real host, or the simulated demo node: this is the one place that chooses, and the
    journal, lock, log and revert timer come with the choice."""
    if simulated:
        from tui.net.simulated import SimulatedHost

        return SimulatedHost.demo()
    from tui.net.real import RealHost

    return RealHost()
