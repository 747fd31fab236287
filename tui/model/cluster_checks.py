"""Checks the Harvester webhooks miss (harvester-network-api.md §3.2), run against what the
cluster already has before anything is sent — pure: the caller passes the cluster's objects.

- a NIC used by two cluster networks on one node, or by mgmt-bo;
- two VlanConfigs of one cluster network matching the same node;
- differing MTUs within one cluster network (0 and 1500 are equal);
- a VM network on a cluster network without an uplink.
Also the NIC presence across nodes that the VLAN NIC picker shows ("eth1 (66.67 %)")."""

from __future__ import annotations

from tui.model import problems as P
from tui.render.cluster_objects import Obj


def matched_nodes(selector: dict | None, nodes: list[dict]) -> set[str]:
    out = set()
    for n in nodes:
        labels = n.get("metadata", {}).get("labels") or {}
        if all(labels.get(k) == v for k, v in (selector or {}).items()):
            out.add(n["metadata"]["name"])
    return out


def _mtu(value) -> int:
    return 1500 if not value else int(value)


def check_against_cluster(objs: list[Obj], existing_vcs: list[dict], nodes: list[dict], mgmt_nics: dict[str, set[str]]) -> list[P.Problem]:
    """``mgmt_nics``: node -> NICs in its mgmt-bo (from the profile for this node)."""
    problems: list[P.Problem] = []
    wanted_vcs = [o for o in objs if o.plural == "vlanconfigs"]
    ours = {o.name for o in wanted_vcs}
    others = [vc for vc in existing_vcs if vc["metadata"]["name"] not in ours]
    uplinked = {"mgmt"} | {o.body["spec"]["clusterNetwork"] for o in wanted_vcs} | {vc["spec"].get("clusterNetwork") for vc in existing_vcs}
    for o in wanted_vcs:
        spec = o.body["spec"]
        cn, nics = spec["clusterNetwork"], set(spec["uplink"]["nics"])
        where = f"vlan (VlanConfig {o.name})"
        mine = matched_nodes(spec.get("nodeSelector"), nodes)
        for vc in others:
            theirs = matched_nodes(vc["spec"].get("nodeSelector"), nodes) & mine
            if not theirs:
                continue
            their_cn = vc["spec"].get("clusterNetwork")
            if their_cn == cn:
                problems.append(P.error("vlan", f"{where} and VlanConfig {vc['metadata']['name']} of cluster network {cn} both match node(s) {', '.join(sorted(theirs))}; one VlanConfig per cluster network and node"))
            shared = nics & set(vc["spec"].get("uplink", {}).get("nics") or [])
            if shared and their_cn != cn:
                problems.append(P.error("vlan.interfaces", f"{', '.join(sorted(shared))} already serve cluster network {their_cn} (VlanConfig {vc['metadata']['name']}) on {', '.join(sorted(theirs))}; a NIC can be in one place only"))
            if their_cn == cn and _mtu(vc["spec"].get("uplink", {}).get("linkAttributes", {}).get("mtu")) != _mtu(spec["uplink"]["linkAttributes"].get("mtu")):
                problems.append(P.error("vlan.mtu", f"cluster network {cn} already has MTU {_mtu(vc['spec']['uplink'].get('linkAttributes', {}).get('mtu'))} (VlanConfig {vc['metadata']['name']}); one MTU per cluster network"))
        if not mine:
            problems.append(P.warning("vlan", f"VlanConfig {o.name} matches no node of the cluster (selector {spec.get('nodeSelector')})"))
        for node in sorted(mine):
            clash = nics & mgmt_nics.get(node, set())
            if clash:
                problems.append(P.error("vlan.interfaces", f"{', '.join(sorted(clash))} on {node} is in mgmt-bo; the VLAN uplink needs other NICs"))
    for o in objs:
        if o.plural == "network-attachment-definitions":
            cn = o.body["metadata"]["labels"].get("network.harvesterhci.io/clusternetwork")
            if cn and cn not in uplinked:
                problems.append(P.error(f"networks ({o.namespace}/{o.name})", f"cluster network {cn} has no uplink (no VlanConfig) in this profile or the cluster"))
    return problems


def nic_presence(per_node: dict[str, list[dict]]) -> list[tuple[str, int, int, float]]:
    """(nic, nodes having it free, nodes, percent) from LinkMonitor ``nic`` linkStatus or
    NodeNetwork status.nics; NICs already enslaved do not count."""
    total = len(per_node)
    counts: dict[str, int] = {}
    for nics in per_node.values():
        for nic in {n["name"] for n in nics if not n.get("masterIndex") or n.get("usedByVlanNetwork")}:
            counts[nic] = counts.get(nic, 0) + 1
    return sorted(((n, c, total, round(100.0 * c / total, 2) if total else 0.0) for n, c in counts.items()),
                  key=lambda t: (-t[1], t[0]))
