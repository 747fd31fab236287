"""The cluster-wide default VLAN uplink, resolved per node — pure (issue 15).

Input: the profile's ``vlan`` section with ``scope: cluster`` and the cluster's own view of
every node's NICs (v1.1+: LinkMonitor ``nic`` status written by the node agents; v1.0:
NodeNetwork status), never this node's kernel. Output: per node the uplink NICs, why they
were chosen, or why nothing resolves (with the node's NICs), and the problems that must stop
an apply before any write.

Per selector and node:
- ``{name}`` / ``{mac}`` — the default NIC: that NIC where the node has it, usable;
  elsewhere a usable NIC with the same driver and speed the default has on the nodes where
  it is present (when the cluster's view carries them, see ``NicView``);
- ``{match}`` — the first usable NIC in natural name order satisfying every key.
Exact picks (name, MAC) are made before fallbacks and matches, as for one node
(``tui.model.selectors``). A NIC is usable when it is a device not enslaved elsewhere
(its master is none or this cluster network's own bond ``<cn>-bo``, so re-planning after an
apply picks the same NICs) and not down. Witness nodes are skipped (Harvester v1.4+ never
matches them). The result depends only on the view: every node planning the same profile
gets the same NICs, the same objects, the same names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tui.model import problems as P
from tui.model.ifnames import LEGACY_VLAN_BRIDGE, bond_name
from tui.model.inventory import natural_key
from tui.model.profile import MacSelector, MatchSelector, NameSelector, VlanUplink
from tui.model.selectors import matches


@dataclass(frozen=True)
class NicView:
    """One NIC of one node as the cluster sees it. LinkMonitor and NodeNetwork carry name,
    MAC, state and master only; driver/speed/vendor/pci are None unless a source gives them."""

    name: str
    mac: str | None = None
    state: str = "up"  # up | down | unknown
    master: str | None = None  # None: free; "<cn>-bo", "mgmt-bo", "harvester-br0", "link #N"
    driver: str | None = None
    speed: int | None = None  # Mb/s
    vendor: str | None = None
    pci: str | None = None

    def describe(self) -> str:
        notes = [x for x in (self.driver, f"{self.speed} Mb/s" if self.speed else None) if x]
        if self.master:
            notes.append(f"in {self.master}")
        if self.state == "down":
            notes.append("down")
        return self.name + (f" ({', '.join(notes)})" if notes else "")


@dataclass(frozen=True)
class NodeView:
    name: str
    nics: tuple[NicView, ...]
    witness: bool = False
    hostname: str | None = None  # the kubernetes.io/hostname label, when it differs from the name
    current_nic: str | None = None  # v1.0: NodeNetwork spec.nic as the cluster has it


@dataclass(frozen=True)
class NodeUplink:
    node: str
    nics: tuple[str, ...]  # chosen, in selector order; empty when unresolved or skipped
    why: str
    status: str  # ok | unresolved | skipped
    available: tuple[str, ...] = ()  # the node's NICs as described to the operator


@dataclass(frozen=True)
class UplinkPlan:
    cluster_network: str
    default: tuple[str, ...]  # the default NIC names (the name/MAC selectors' NICs)
    nodes: tuple[NodeUplink, ...]
    problems: tuple[P.Problem, ...]
    legacy: bool = False  # v1.0: ClusterNetwork vlan's default NIC + NodeNetwork overrides

    @property
    def resolved(self) -> tuple[NodeUplink, ...]:
        return tuple(n for n in self.nodes if n.status == "ok")


def _usable(nic: NicView, own_bond: str) -> bool:
    return nic.master in (None, own_bond) and nic.state != "down"


def _facts(nic: NicView) -> tuple[str, int] | None:
    return (nic.driver, nic.speed) if nic.driver and nic.speed else None


def _exact(sel, node: NodeView) -> NicView | None:
    """``{name, mac}``: the MAC pins the NIC on the node that has that MAC (name and MAC must
    agree there); every other node has other MACs, so there the name decides."""
    pinned = isinstance(sel, NameSelector) and sel.mac is not None and any(n.mac == sel.mac for n in node.nics)
    for nic in node.nics:
        if isinstance(sel, NameSelector) and nic.name == sel.name and (not pinned or nic.mac == sel.mac):
            return nic
        if isinstance(sel, MacSelector) and nic.mac == sel.mac:
            return nic
    return None


def plan_uplinks(vlan: VlanUplink, views: list[NodeView], legacy: bool = False) -> UplinkPlan:
    cn = "vlan" if legacy else vlan.cluster_network
    own = LEGACY_VLAN_BRIDGE if legacy else bond_name(cn)
    sels = vlan.interfaces
    views = sorted(views, key=lambda v: natural_key(v.name))
    problems: list[P.Problem] = []
    if legacy and len(sels) != 1:
        problems.append(P.error("vlan.interfaces",
                                "Harvester v1.0 takes one VLAN NIC per node (NodeNetwork spec.nic); give one selector"))
    # the default NIC of each exact selector: its name and its (driver, speed) where present
    default_names: dict[int, str] = {}
    reference: dict[int, tuple[str, int] | None] = {}
    known: list[str] = []
    for i, sel in enumerate(sels):
        if isinstance(sel, MatchSelector):
            continue
        found = [n for v in views for n in [_exact(sel, v)] if n is not None]
        names = Counter(n.name for n in found)
        if isinstance(sel, NameSelector) or names:
            default_names[i] = (sel.name if isinstance(sel, NameSelector)
                                else min(names, key=lambda k: (-names[k], natural_key(k))))
            known.append(default_names[i])
        else:
            default_names[i] = f"MAC {sel.mac}"
        facts = {f for f in map(_facts, found) if f}
        reference[i] = next(iter(facts)) if len(facts) == 1 else None
    out: list[NodeUplink] = []
    for view in views:
        described = tuple(n.describe() for n in sorted(view.nics, key=lambda n: natural_key(n.name)))
        if view.witness:
            why = "witness node: Harvester never puts VM networks there"
            out.append(NodeUplink(view.name, (), why, "skipped", described))
            continue
        out.append(_resolve_node(view, sels, default_names, reference, own, described))
    for n in out:  # listed before any write; the other nodes are still covered (as Harvester leaves unmatched nodes)
        if n.status == "unresolved":
            problems.append(P.warning("vlan.interfaces", f"node {n.node} gets no uplink: {n.why}; its NICs: "
                                      f"{', '.join(n.available) or 'none'}"))
    if not any(n.status == "ok" for n in out) and views and not problems:
        problems.append(P.error("vlan.interfaces", "no node of the cluster gets an uplink"))
    if not views:
        problems.append(P.error("vlan", "the cluster reports no node's NICs yet "
                                        "(LinkMonitor nic / NodeNetwork status empty)"))
    return UplinkPlan(cn, tuple(known), tuple(out), tuple(problems), legacy)


def _resolve_node(view: NodeView, sels, default_names, reference, own: str, described) -> NodeUplink:
    ordered = sorted(view.nics, key=lambda n: natural_key(n.name))
    usable = [n for n in ordered if _usable(n, own)]
    picked: dict[int, tuple[str, str]] = {}  # selector index -> (nic, why)
    failed: dict[int, str] = {}
    gone: dict[int, str] = {}  # selector index -> why its default NIC is not taken here
    taken: set[str] = set()
    for i, sel in enumerate(sels):  # pass 1: the default NICs where present
        if isinstance(sel, MatchSelector):
            continue
        nic = _exact(sel, view)
        if nic is None:
            continue
        if not _usable(nic, own) or nic.name in taken:
            gone[i] = f"{nic.describe()} not usable"  # fall back as if absent
        else:
            picked[i] = (nic.name, "default")
            taken.add(nic.name)
    no_facts = not any(_facts(n) for n in usable)
    for i, sel in enumerate(sels):  # pass 2: fallbacks and matches
        if i in picked or i in failed:
            continue
        free = [n for n in usable if n.name not in taken]
        if isinstance(sel, MatchSelector):
            hit = next((n for n in free if matches(n, sel.match)), None)
            why = sel.describe()
            miss = f"{sel.describe()}: no usable NIC matches"
            needs_facts = any(getattr(sel.match, k) is not None for k in ("driver", "min_speed", "vendor", "pci"))
            if hit is None and no_facts and needs_facts:
                miss += " (the cluster's view of this node carries no driver/speed/vendor/PCI)"
        else:
            ref = reference.get(i)
            name = default_names[i]
            absent = gone.get(i) or f"{name} absent"
            hit = next((n for n in free if ref and _facts(n) == ref), None)
            why = f"{absent}; same driver/speed ({ref[0]}, {ref[1]} Mb/s)" if ref else ""
            if ref is None:
                miss = f"{absent} and the cluster's view gives no driver/speed of {name} to find its equal"
            else:
                miss = f"{absent} and no usable NIC has its driver/speed ({ref[0]}, {ref[1]} Mb/s)"
        if hit is None:
            failed[i] = miss
        else:
            picked[i] = (hit.name, why)
            taken.add(hit.name)
    if failed or not sels:
        why = "; ".join(failed[i] for i in sorted(failed)) or "no selector"
        return NodeUplink(view.name, (), why, "unresolved", described)
    nics = tuple(picked[i][0] for i in range(len(sels)))
    whys = list(dict.fromkeys(picked[i][1] for i in range(len(sels))))
    return NodeUplink(view.name, nics, "; ".join(whys), "ok", described)


def legacy_default(plan: UplinkPlan) -> str | None:
    """v1.0: the ClusterNetwork ``vlan`` default NIC — the default NIC's name, else the NIC
    chosen on the most nodes (ties: natural name order)."""
    if plan.default:
        return plan.default[0]
    counts = Counter(n.nics[0] for n in plan.resolved)
    return min(counts, key=lambda k: (-counts[k], natural_key(k))) if counts else None
