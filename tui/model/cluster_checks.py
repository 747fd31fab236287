"""Checks against what the cluster already has, run before anything is sent — pure: the caller
passes the cluster's objects. The webhooks (network-controller-harvester
pkg/webhook/{clusternetwork,vlanconfig,nad}) would refuse some of these only at the write, some
never (the agent fails later):

- a NIC used by two cluster networks on one node, or by mgmt-bo;
- two VlanConfigs of one cluster network matching the same node;
- differing MTUs among all VlanConfigs of one cluster network, on any nodes (0 and 1500 are
  equal from v1.6, different before; ``vlanconfig.Validator.validateMTU``);
- a VM network on a cluster network without an uplink;
- from v1.9 a VLAN reserved by an exclusive storage network (``nad.Validator``);
- a VM network on mgmt gets the mgmt cluster network's MTU (``nad.Mutator.patchMTU``), which
  may differ from the management MTU (a warning).
Also the NIC presence across nodes that the VLAN NIC picker shows ("eth1 (66.67 %)")."""

from __future__ import annotations

import json

from tui.model import problems as P
from tui.model.ifnames import MGMT, MGMT_BOND
from tui.model.kube_objects import Obj
from tui.model.releases import parse_release

LABEL = "network.harvesterhci.io/"
EXCLUSIVE_VLAN = "storage-network.settings.harvesterhci.io/exclusivevlan"
EXCLUSIVE_VLAN_FROM_MINOR = 9  # nad.Validator refuses a storage network's exclusive VLAN from v1.9
UPLINK_MTU = LABEL + "uplink-mtu"
MTU_0_IS_1500_FROM_MINOR = 6  # vlanconfig.Validator: exact integer compare before v1.6


def matched_nodes(selector: dict | None, nodes: list[dict]) -> set[str]:
    out = set()
    for n in nodes:
        labels = n.get("metadata", {}).get("labels") or {}
        if all(labels.get(k) == v for k, v in (selector or {}).items()):
            out.add(n["metadata"]["name"])
    return out


def _mtu(value) -> int:
    return 1500 if not value else int(value)


def check_against_cluster(objs: list[Obj], existing_vcs: list[dict], nodes: list[dict],
                          mgmt_nics: dict[str, set[str]], release: str | None = None) -> list[P.Problem]:
    """``mgmt_nics``: node -> NICs in its mgmt-bo (from the profile for this node); ``release``:
    the cluster's or the profile's (before v1.6 the MTU compare is exact: 0 is not 1500)."""
    rel = parse_release(release or "")
    mtu = (lambda v: int(v or 0)) if rel is not None and rel.minor < MTU_0_IS_1500_FROM_MINOR else _mtu
    problems: list[P.Problem] = []
    wanted_vcs = [o for o in objs if o.plural == "vlanconfigs"]
    ours = {o.name for o in wanted_vcs}
    others = [vc for vc in existing_vcs if vc["metadata"]["name"] not in ours]
    uplinked = ({MGMT} | {o.body["spec"]["clusterNetwork"] for o in wanted_vcs}
                | {vc["spec"].get("clusterNetwork") for vc in existing_vcs})
    for o in wanted_vcs:
        spec = o.body["spec"]
        cn, nics = spec["clusterNetwork"], set(spec["uplink"]["nics"])
        where = f"vlan (VlanConfig {o.name})"
        mine = matched_nodes(spec.get("nodeSelector"), nodes)
        for vc in others:  # on any nodes: validateMTU compares every VlanConfig of the cluster network
            theirs_mtu = mtu(((vc["spec"].get("uplink") or {}).get("linkAttributes") or {}).get("mtu"))
            mine_mtu = mtu(spec["uplink"]["linkAttributes"].get("mtu"))
            if vc["spec"].get("clusterNetwork") == cn and theirs_mtu != mine_mtu:
                problems.append(P.error("vlan.mtu", f"cluster network {cn} already has MTU {theirs_mtu} (VlanConfig "
                                                    f"{vc['metadata']['name']}); one MTU per cluster network"))
        for vc in others:
            theirs = matched_nodes(vc["spec"].get("nodeSelector"), nodes) & mine
            if not theirs:
                continue
            their_cn = vc["spec"].get("clusterNetwork")
            if their_cn == cn:
                problems.append(P.error("vlan",
                                        f"{where} and VlanConfig {vc['metadata']['name']} of cluster network {cn} "
                                        f"both match node(s) {', '.join(sorted(theirs))}; one VlanConfig per cluster "
                                        "network and node"))
            shared = nics & set(vc["spec"].get("uplink", {}).get("nics") or [])
            if shared and their_cn != cn:
                problems.append(P.error("vlan.interfaces",
                                        f"{', '.join(sorted(shared))} already serve cluster network {their_cn} "
                                        f"(VlanConfig {vc['metadata']['name']}) on {', '.join(sorted(theirs))}; a NIC "
                                        "can be in one place only"))
        if not mine:
            problems.append(P.warning("vlan",
                                      f"VlanConfig {o.name} matches no node of the cluster (selector "
                                      f"{spec.get('nodeSelector')})"))
        for node in sorted(mine):
            clash = nics & mgmt_nics.get(node, set())
            if clash:
                problems.append(P.error("vlan.interfaces", f"{', '.join(sorted(clash))} on {node} is in {MGMT_BOND}; "
                                                           "the VLAN uplink needs other NICs"))
    for o in objs:
        if o.plural == "network-attachment-definitions":
            cn = o.body["metadata"]["labels"].get("network.harvesterhci.io/clusternetwork")
            if cn and cn not in uplinked:
                problems.append(P.error(f"networks ({o.namespace}/{o.name})",
                                        f"cluster network {cn} has no uplink (no VlanConfig) in this profile or the "
                                        "cluster"))
    return problems


def _nad_config(body: dict) -> dict:
    try:
        cfg = json.loads((body.get("spec") or {}).get("config") or "{}")
    except ValueError:
        return {}
    return cfg if isinstance(cfg, dict) else {}


def _vlans(cfg: dict) -> set[int]:
    out = {cfg["vlan"]} if isinstance(cfg.get("vlan"), int) and cfg["vlan"] > 0 else set()
    for item in cfg.get("vlanTrunk") or []:
        if isinstance(item, dict):
            if isinstance(item.get("id"), int):
                out.add(item["id"])
            if isinstance(item.get("minID"), int) and isinstance(item.get("maxID"), int):
                out |= set(range(item["minID"], item["maxID"] + 1))
    return out


def state_needed(objs: list[Obj], release: str | None) -> tuple[bool, bool]:
    """Whether check_nads_against_cluster needs (the cluster's NADs, its cluster networks)."""
    nads = [o for o in objs if o.plural == "network-attachment-definitions"]
    rel = parse_release(release or "")
    exclusive = bool(nads) and rel is not None and rel.minor >= EXCLUSIVE_VLAN_FROM_MINOR
    on_mgmt = any((o.body["metadata"].get("labels") or {}).get(LABEL + "clusternetwork") == "mgmt" for o in nads)
    return exclusive, on_mgmt


def check_nads_against_cluster(objs: list[Obj], nads: list[dict], clusternetworks: list[dict], release: str | None,
                               mgmt_mtu: int | None) -> list[P.Problem]:
    """The VM networks against the cluster's NADs and cluster networks. ``release``: the
    cluster's (its server-version setting) or else the profile's; ``mgmt_mtu``: management.mtu."""
    problems: list[P.Problem] = []
    rel = parse_release(release or "")
    exclusive: dict[int, str] = {}
    if rel is not None and rel.minor >= EXCLUSIVE_VLAN_FROM_MINOR:
        for nad in nads:
            meta = nad.get("metadata") or {}
            if (meta.get("labels") or {}).get(EXCLUSIVE_VLAN) == "true":
                for vid in _vlans(_nad_config(nad)):
                    exclusive.setdefault(vid, f"{meta.get('namespace')}/{meta.get('name')}")
    mgmt = next((c for c in clusternetworks if c.get("metadata", {}).get("name") == "mgmt"), None)
    annotated = ((mgmt or {}).get("metadata", {}).get("annotations") or {}).get(UPLINK_MTU)
    cn_mtu = int(annotated) if annotated and annotated.isdigit() and int(annotated) else 1500
    for o in objs:
        if o.plural != "network-attachment-definitions":
            continue
        where = f"networks ({o.namespace}/{o.name})"
        cfg = _nad_config(o.body)
        for vid in sorted(_vlans(cfg) & set(exclusive)):
            problems.append(P.error(where, f"VLAN {vid} is reserved exclusively for the storage network "
                                           f"(NAD {exclusive[vid]}); Harvester refuses it for a VM network"))
        cn = (o.body["metadata"].get("labels") or {}).get(LABEL + "clusternetwork")
        if cn == "mgmt" and mgmt is not None and _mtu(mgmt_mtu) != cn_mtu:
            problems.append(P.warning(where, f"a VM network on mgmt gets the cluster network's MTU {cn_mtu}, not the "
                                             f"management MTU {_mtu(mgmt_mtu)}; to change it, annotate ClusterNetwork "
                                             f"mgmt with {UPLINK_MTU}: \"{_mtu(mgmt_mtu)}\""))
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
