"""The ``vlan`` section in cluster scope as objects Harvester admits, and the per-node table
the operator sees — pure (issue 15).

v1.1+: the ClusterNetwork, then one VlanConfig per resolved node, named ``<cn>-<node>``
with the node selector ``kubernetes.io/hostname`` — so no node is selected twice for one
cluster network (the webhook's overlap rule), every VlanConfig carries the section's one
MTU, and the names and bodies depend only on the cluster's view (N nodes applying the same
profile write the same objects; a re-apply writes nothing). A node that joins later gets its
VlanConfig at the next apply; nothing is ever deleted.
v1.0: the ClusterNetwork ``vlan`` with the default NIC, and a NodeNetwork ``<node>-vlan``
for each node whose NIC differs from the default or whose NodeNetwork already names
another NIC (the v1.0 manager fills in only empty ones).
"""

from __future__ import annotations

from tui.model.kube_objects import bounded_name
from tui.model.profile import Profile
from tui.model.uplink_plan import NodeView, UplinkPlan, legacy_default
from tui.render.cluster_objects import Obj, cluster_network, legacy_vlan_network, node_network, vlanconfig


def vlan_objects(profile: Profile, plan: UplinkPlan, views: list[NodeView],
                 bond_fields: frozenset[str] | None) -> list[Obj]:
    by_name = {v.name: v for v in views}
    if profile.release.legacy:
        default = legacy_default(plan)
        if default is None:
            return []
        out = [legacy_vlan_network(default)]
        for n in plan.resolved:
            current = by_name[n.node].current_nic if n.node in by_name else None
            if n.nics[0] != default or (current and current != n.nics[0]):
                out.append(node_network(n.node, n.nics[0]))
        return out
    v = profile.vlan
    out = [cluster_network(v.cluster_network)]
    for n in plan.resolved:
        host = (by_name[n.node].hostname if n.node in by_name else None) or n.node
        out.append(vlanconfig(v, bounded_name(v.cluster_network, n.node), host, n.nics, bond_fields))
    return out


def node_table(plan: UplinkPlan, status: dict[str, str] | None = None) -> list[str]:
    """The per-node table: node, NICs chosen, why, status (``status`` overrides per node:
    the planned write, or the readiness after an apply)."""
    rows = [("NODE", "NICS", "WHY", "STATUS")]
    for n in plan.nodes:
        state = (status or {}).get(n.node) or n.status
        why = n.why if n.status != "unresolved" else f"{n.why}; NICs: {', '.join(n.available) or 'none'}"
        rows.append((n.node, ",".join(n.nics) or "-", why, state))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    return [f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[3]:<{w[3]}}  {r[2]}".rstrip() for r in rows]


def node_nics_table(views: list[NodeView]) -> list[str]:
    """``cluster nics``' per-node view: each node's NICs as the cluster sees them."""
    width = max((len(v.name) for v in views), default=4)
    out = []
    for v in views:
        nics = ", ".join(n.describe() for n in v.nics) or "none reported"
        out.append(f"{v.name:<{width}}  {nics}" + ("  [witness]" if v.witness else ""))
    return out
