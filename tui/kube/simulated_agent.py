"""What the simulated API server's cluster holds before anyone writes (the Harvester version
setting, the mgmt cluster network and the NICs Harvester's link monitor sees; on v1.0 the
`vlan` cluster network and each node's NodeNetwork), and what Harvester's agent answers a
VlanConfig with: one VlanStatus per node it selects. Demo and tests only."""

from __future__ import annotations

import time

from tui.model.kube_objects import vlanstatus_name

NETWORK_API = "network.harvesterhci.io/v1beta1"


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def seed_objects(dialect: str, version: str, nodes: dict) -> list[tuple[str, dict]]:
    """(plural, object) of what the cluster holds from the start, in the order they are stored."""
    out = [("settings", {"apiVersion": "harvesterhci.io/v1beta1", "kind": "Setting",
                         "metadata": {"name": "server-version"}, "value": version, "default": ""})]
    if dialect == "v1.0":
        out.append(("clusternetworks", {"apiVersion": NETWORK_API, "kind": "ClusterNetwork",
                                        "metadata": {"name": "vlan"}, "enable": False, "config": {}}))
        for node, nics in nodes.items():
            out.append(("nodenetworks", {
                "apiVersion": NETWORK_API, "kind": "NodeNetwork",
                "metadata": {"name": f"{node}-vlan", "labels": {"network.harvesterhci.io/nodename": node}},
                "spec": {"nodeName": node, "type": "vlan"},
                "status": {"nics": [{"name": n, "index": i + 2, "masterIndex": 0, "type": "device",
                                     "state": "up"} for i, n in enumerate(nics)]}}))
        return out
    out.append(("clusternetworks", {"apiVersion": NETWORK_API, "kind": "ClusterNetwork",
                                    "metadata": {"name": "mgmt"},
                                    "status": {"conditions": [{"type": "ready", "status": "True",
                                                               "lastUpdateTime": now()}]}}))
    out.append(("linkmonitors", {
        "apiVersion": NETWORK_API, "kind": "LinkMonitor", "metadata": {"name": "nic"},
        "spec": {"targetLinkRule": {"typeRule": "device"}},
        "status": {"linkStatus": {node: [{"name": n, "index": i + 2, "type": "device",
                                          "mac": f"52:54:00:00:{j:02x}:{i:02x}",
                                          "state": "up", "masterIndex": 0} for i, n in enumerate(nics)]
                                  for j, (node, nics) in enumerate(nodes.items())}}}))
    return out


def vlan_statuses(vc: dict, nodes: dict) -> list[dict]:
    """The VlanStatus the agent writes for each node the VlanConfig ``vc`` selects: ready unless
    one of its uplink NICs is missing on that node."""
    spec = vc.get("spec", {})
    cn, selector = spec.get("clusterNetwork"), spec.get("nodeSelector") or {}
    out = []
    for node, nics in nodes.items():
        if selector and selector.get("kubernetes.io/hostname") not in (None, node):
            continue
        missing = [n for n in spec.get("uplink", {}).get("nics", []) if n not in nics]
        cond = {"type": "ready", "status": "False" if missing else "True",
                "message": f"get link {missing[0]} failed: Link not found" if missing else "",
                "lastUpdateTime": now()}
        out.append({
            "apiVersion": NETWORK_API, "kind": "VlanStatus",
            "metadata": {"name": vlanstatus_name(cn, node),
                         "labels": {"network.harvesterhci.io/clusternetwork": cn,
                                    "network.harvesterhci.io/vlanconfig": vc["metadata"]["name"],
                                    "network.harvesterhci.io/node": node}},
            "status": {"clusterNetwork": cn, "vlanConfig": vc["metadata"]["name"], "linkMonitor": cn,
                       "node": node,
                       "conditions": [cond]}})
    return out
