"""A node's NICs as recorded by ``harvester-netsetup inventory --json``.

The same JSON is accepted everywhere as ``--inventory FILE`` so that a node can be recorded
once and its profiles resolved and rendered offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.model import problems as P
    from tui.model.reader import Reader


@dataclass(frozen=True)
class Nic:
    name: str
    mac: str | None = None  # current MAC
    perm_mac: str | None = None  # IFLA_PERM_ADDRESS (bonding rewrites the current MAC)
    operstate: str = "unknown"
    carrier: bool | None = None
    speed: int | None = None  # Mb/s
    duplex: str | None = None
    mtu: int | None = None
    driver: str | None = None
    pci: str | None = None
    vendor: str | None = None
    model: str | None = None
    master: str | None = None
    ipv4: tuple[str, ...] = ()
    default_route: bool = False
    ssh_session: bool = False
    physical: bool = True
    kind: str | None = None  # link kind for virtual links (bond, bridge, vlan, veth …)

    @property
    def hw_addr(self) -> str | None:
        """The MAC that identifies the NIC: the permanent one when known."""
        return self.perm_mac or self.mac


@dataclass(frozen=True)
class Inventory:
    nics: tuple[Nic, ...] = ()
    hostname: str | None = None
    source: str = "live"

    def by_name(self, name: str) -> Nic | None:
        return next((n for n in self.nics if n.name == name), None)

    def by_mac(self, mac: str) -> Nic | None:
        mac = mac.lower()
        for nic in self.nics:
            if nic.perm_mac == mac:
                return nic
        return next((n for n in self.nics if n.mac == mac and not n.perm_mac), None)

    def physical(self) -> list[Nic]:
        return sorted((n for n in self.nics if n.physical), key=lambda n: natural_key(n.name))

    def as_dict(self) -> dict:
        out = {"hostname": self.hostname, "nics": []}
        for nic in self.nics:
            d = {k: getattr(nic, k) for k in NIC_KEYS}
            d["ipv4"] = list(nic.ipv4)
            out["nics"].append(d)
        return out


NIC_KEYS = tuple(Nic.__dataclass_fields__)


def natural_key(name: str):
    """ens2 < ens10: digits compare as numbers."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", name)]


def inventory_from_data(data, source: str = "file") -> tuple[Inventory | None, list[P.Problem]]:
    """Plain JSON data → Inventory, with path-addressed problems (paths start 'inventory')."""
    # imported here: reading this host's inventory (tui.net.inventory) needs none of them
    from tui.model import formats as F
    from tui.model import problems as P
    from tui.model.reader import Reader

    r = Reader()
    top = r.mapping(data, "inventory", ("hostname", "nics", "source", "generated_by"))
    if top is None:
        if not r.problems:
            r.error("inventory", "an inventory is a mapping with a 'nics' list")
        return None, r.problems
    nics = []
    for i, item in enumerate(r.sequence(top, "nics", "inventory") or ()):
        path = f"inventory.nics[{i}]"
        m = r.mapping(item, path, NIC_KEYS)
        if m is None:
            continue
        name = r.string(m, "name", path, F.ifname)
        if name is None:
            if "name" not in m:
                r.error(P.join(path, "name"), "required")
            continue
        mac = r.string(m, "mac", path, F.mac)
        perm = r.string(m, "perm_mac", path, F.mac)
        nics.append(
            Nic(
                name=name,
                mac=F.normalize_mac(mac) if mac else None,
                perm_mac=F.normalize_mac(perm) if perm else None,
                operstate=r.string(m, "operstate", path) or "unknown",
                carrier=r.boolean(m, "carrier", path),
                speed=_speed(r, m, path),
                duplex=r.string(m, "duplex", path),
                mtu=r.integer(m, "mtu", path, 0, 65536),
                driver=r.string(m, "driver", path),
                pci=r.string(m, "pci", path),
                vendor=r.string(m, "vendor", path),
                model=r.string(m, "model", path),
                master=r.string(m, "master", path),
                ipv4=r.strings(m, "ipv4", path),
                default_route=bool(r.boolean(m, "default_route", path)),
                ssh_session=bool(r.boolean(m, "ssh_session", path)),
                physical=r.boolean(m, "physical", path) is not False,
                kind=r.string(m, "kind", path),
            )
        )
    names = [n.name for n in nics]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        r.error("inventory.nics", f"NIC '{dup}' is listed more than once")
    return Inventory(tuple(nics), hostname=r.string(top, "hostname", "inventory"), source=source), r.problems


def _speed(r: Reader, m: dict, path: str) -> int | None:
    value = m.get("speed")
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value < 0):
        return None  # the kernel reports -1 / unknown for links without carrier
    return r.integer(m, "speed", path, 0, 10_000_000)
