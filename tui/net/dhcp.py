"""DHCP on the host through pyroute2: a DISCOVER-only probe that never takes a lease, and the
client that leases the management address during a live apply."""

from __future__ import annotations

from tui.model.formats import netmask_prefix

import asyncio
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Offer:
    interface: str
    server: str | None
    ip: str
    prefix: int | None
    router: str | None
    dns: tuple[str, ...]
    lease_time: int | None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["dns"] = list(self.dns)
        return d


class DhcpFailed(Exception):
    pass


def _offer(ifname: str, msg) -> Offer:
    opts = msg.dhcp["options"]
    routers = opts.get("router") or []
    return Offer(
        ifname, opts.get("server_id"), msg.dhcp["yiaddr"], netmask_prefix(opts.get("subnet_mask")),
        routers[0] if routers else None, tuple(opts.get("name_server") or ()), opts.get("lease_time"),
    )


def probe(ifname: str, timeout: float = 6.0) -> list[Offer]:
    """Send DISCOVERs on ``ifname`` for ``timeout`` seconds; every OFFER, no REQUEST ever."""
    from pyroute2.dhcp.enums.dhcp import MessageType
    from pyroute2.dhcp.server_detector import DHCPServerDetector

    async def run() -> list[Offer]:
        detector = DHCPServerDetector(ifname, duration=timeout, interval=min(2.0, timeout / 2))
        offers = []
        async for iface, msg in detector.detect_servers():
            if msg.message_type == MessageType.OFFER:
                offers.append(_offer(iface, msg))
        return offers

    offers = asyncio.run(run())
    unique = {(o.server, o.ip): o for o in offers}
    return sorted(unique.values(), key=lambda o: (o.server or "", o.ip))


def _option(lease, name: str):
    """A lease option, or None when the server did not send it (pyroute2 raises then)."""
    try:
        return getattr(lease, name)
    except (LookupError, IndexError):
        return None


def lease(ifname: str, timeout: float = 20.0) -> Offer:
    """Lease an address on ``ifname`` and configure it with the default route; bounded."""
    from pyroute2.dhcp import fsm, hooks
    from pyroute2.dhcp.client import AsyncDHCPClient, ClientConfig
    from pyroute2.dhcp.leases import JSONStdoutLease

    class QuietLease(JSONStdoutLease):
        def dump(self) -> None:  # the lease is reported by us, not printed
            pass

    async def run() -> Offer:
        cfg = ClientConfig(interface=ifname, lease_type=QuietLease, hooks=(hooks.configure_ip, hooks.add_default_gw),
                           release=False, handle_signals=False, write_pidfile=False)
        async with AsyncDHCPClient(cfg) as client:
            await client.bootstrap()
            try:
                await client.wait_for_state(fsm.State.BOUND, timeout=timeout)
            except asyncio.TimeoutError as exc:
                raise DhcpFailed(f"no DHCP lease on {ifname} within {timeout:.0f} s") from exc
            got = client.lease
            router = _option(got, "default_gateway")
            if not router:
                raise DhcpFailed(f"the DHCP lease on {ifname} ({got.ip}) has no router: no default route")
            return Offer(ifname, _option(got, "server_id"), got.ip, got.prefixlen, router,
                         tuple(_option(got, "name_servers") or ()), _option(got, "lease_time"))

    return asyncio.run(run())
