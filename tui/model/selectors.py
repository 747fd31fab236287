"""Resolving interface selectors (``{name}``, ``{mac}``, ``{match}``) to NICs.

Rules (docs/profile.md): a selector picks exactly one physical NIC; ``match`` keys are ANDed and
the first NIC in natural name order that is not already picked wins. To keep the result
independent of the order selectors are written in, name and MAC selectors (management
first, then vlan) are resolved before any match selector.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from tui.model import problems as P
from tui.model.inventory import Inventory, Nic
from tui.model.profile import MacSelector, MatchSelector, NameSelector, Profile


@dataclass(frozen=True)
class ResolvedNic:
    """A selected NIC as the renderers need it: name and MAC, either may be unknown offline."""

    name: str | None
    mac: str | None
    nic: Nic | None = None


@dataclass(frozen=True)
class Resolution:
    management: tuple[ResolvedNic, ...]
    vlan: tuple[ResolvedNic, ...]
    problems: tuple[P.Problem, ...]


def matches(nic: Nic, m) -> bool:
    """Whether ``nic`` meets every condition of the match selector ``m``: ``nic`` is any NIC with
    a name, driver, speed, PCI address and vendor (this node's ``Nic``, a cluster node's
    ``uplink_plan.NicView``)."""
    if m.driver is not None and nic.driver != m.driver:
        return False
    if m.min_speed is not None and (nic.speed is None or nic.speed < m.min_speed):
        return False
    if m.pci is not None and not fnmatchcase(nic.pci or "", m.pci):
        return False
    if m.vendor is not None and not fnmatchcase((nic.vendor or "").lower(), m.vendor.lower()):
        return False
    if m.name is not None and not fnmatchcase(nic.name, m.name):
        return False
    return True


def resolve(profile: Profile, inventory: Inventory | None) -> Resolution:
    groups = []
    if profile.management:
        groups.append(("management.interfaces", profile.management.interfaces))
    if profile.vlan and not profile.vlan.cluster_scope:  # cluster scope: per node, tui.model.uplink_plan
        groups.append(("vlan.interfaces", profile.vlan.interfaces))
    problems: list[P.Problem] = []
    picked: dict[str, str] = {}  # key (nic name or mac) -> path of the selector that took it
    out: dict[str, dict[int, ResolvedNic]] = {path: {} for path, _ in groups}

    def take(path: str, i: int, resolved: ResolvedNic) -> None:
        here = P.join(path, i)
        keys = [k for k in (resolved.name, resolved.mac) if k]
        for key in keys:
            if key in picked:
                problems.append(P.error(here,
                                        f"NIC {key} is already selected by {picked[key]}; a NIC can be in one place "
                                        "only"))
                return
        for key in keys:
            picked[key] = here
        out[path][i] = resolved

    for path, sels in groups:  # pass 1: name and MAC
        for i, sel in enumerate(sels):
            if isinstance(sel, NameSelector):
                nic = inventory.by_name(sel.name) if inventory else None
                if inventory and nic is None:
                    problems.append(P.error(P.join(path, i),
                                            f"no NIC named '{sel.name}' on this node (NICs: {_names(inventory)})"))
                    continue
                if nic and sel.mac and nic.hw_addr != sel.mac:
                    problems.append(P.error(P.join(path,
                                                   i),
                                                   f"NIC '{sel.name}' has MAC {nic.hw_addr}, not {sel.mac} (renamed "
                                                   "or replaced?)"))
                    continue
                if nic and not nic.physical:
                    problems.append(P.error(P.join(path, i),
                                            f"'{sel.name}' is a {nic.kind or 'virtual'} link, not a physical NIC"))
                    continue
                take(path, i, ResolvedNic(sel.name, nic.hw_addr if nic else sel.mac, nic))
            elif isinstance(sel, MacSelector):
                nic = inventory.by_mac(sel.mac) if inventory else None
                if inventory and nic is None:
                    problems.append(P.error(P.join(path, i), f"no NIC has MAC {sel.mac} on this node"))
                    continue
                if nic and not nic.physical:
                    problems.append(P.error(P.join(path,
                                                   i),
                                                   f"MAC {sel.mac} belongs to '{nic.name}', a {nic.kind or 'virtual'} "
                                                   "link, not a physical NIC"))
                    continue
                take(path, i, ResolvedNic(nic.name if nic else None, sel.mac, nic))
    for path, sels in groups:  # pass 2: match
        for i, sel in enumerate(sels):
            if not isinstance(sel, MatchSelector):
                continue
            here = P.join(path, i)
            if inventory is None:
                problems.append(P.error(here,
                                        "a match selector needs the node's NIC inventory: run on the node or pass "
                                        "--inventory FILE"))
                continue
            found = [n for n in inventory.physical() if matches(n, sel.match)]
            free = [n for n in found if n.name not in picked and (n.hw_addr or "") not in picked]
            if not free:
                why = "no NIC matches" if not found else ("every matching NIC is already selected "
                                                          f"({', '.join(n.name for n in found)})")
                problems.append(P.error(here, f"{sel.describe()}: {why}"))
                continue
            nic = free[0]
            take(path, i, ResolvedNic(nic.name, nic.hw_addr, nic))

    def ordered(path: str) -> tuple[ResolvedNic, ...]:
        return tuple(out.get(path, {})[i] for i in sorted(out.get(path, {})))

    return Resolution(ordered("management.interfaces"), ordered("vlan.interfaces"), tuple(problems))


def _names(inventory: Inventory) -> str:
    return ", ".join(n.name for n in inventory.physical()) or "none"
