"""Every node's NICs as the cluster reports them — pure: the caller passes the objects.

v1.1+ (the LinkMonitor CRD, tui/kube/crds; network-controller-harvester pkg/apis): LinkMonitor
``nic`` ``status.linkStatus[node]`` (devices: name, MAC, state, masterIndex), written by each
node's agent; the LinkMonitors ``mgmt`` and ``<cn>`` (nameRule ``<cn>(-br|-bo)``) give the
indexes of ``mgmt-bo`` and ``<cn>-bo``, which name a NIC's master. v1.0 (harvester-network-controller
v0.2.x): NodeNetwork ``<node>-vlan`` ``status.nics`` (usedByManagementNetwork /
usedByVlanNetwork) and ``spec.nic``.

Neither carries driver, speed, vendor or PCI address. ``harvester-netsetup run`` records
them on its own Node as the annotation ``FACTS_ANNOTATION`` (JSON: NIC name → {driver,
speed, vendor, pci}); where a node has it, its NICs carry those facts too.
"""

from __future__ import annotations

import json

from tui.model.ifnames import LEGACY_MGMT_BOND, LEGACY_VLAN_BRIDGE
from tui.model.inventory import Inventory, natural_key
from tui.model.uplink_plan import NicView, NodeView

FACTS_ANNOTATION = "harvester-netsetup/nic-facts"
WITNESS_LABEL = "node-role.harvesterhci.io/witness"
HOSTNAME_LABEL = "kubernetes.io/hostname"


def facts_annotation(inventory: Inventory) -> str:
    """What a node publishes about its physical NICs (compact, keys in a fixed order)."""
    facts = {}
    for nic in inventory.physical():
        entry = {k: getattr(nic, k) for k in ("driver", "speed", "vendor", "pci") if getattr(nic, k) is not None}
        facts[nic.name] = entry
    return json.dumps(facts, separators=(",", ":"), sort_keys=True)


def _node_facts(node: dict) -> dict:
    raw = ((node.get("metadata") or {}).get("annotations") or {}).get(FACTS_ANNOTATION)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _fact(facts: dict, name: str, key: str, kind):
    value = (facts.get(name) or {}).get(key) if isinstance(facts.get(name), dict) else None
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def _view(name: str, node: dict | None, nics: list[NicView], current: str | None = None) -> NodeView:
    labels = ((node or {}).get("metadata") or {}).get("labels") or {}
    facts = _node_facts(node or {})
    nics = [NicView(n.name, n.mac, n.state, n.master, _fact(facts, n.name, "driver", str),
                    _fact(facts, n.name, "speed", int), _fact(facts, n.name, "vendor", str),
                    _fact(facts, n.name, "pci", str)) for n in nics]
    host = labels.get(HOSTNAME_LABEL)
    return NodeView(name, tuple(sorted(nics, key=lambda n: natural_key(n.name))), WITNESS_LABEL in labels,
                    host if host and host != name else None, current)


def _indexes(lm: dict | None) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for node, links in (((lm or {}).get("status") or {}).get("linkStatus") or {}).items():
        out[node] = {link["index"]: link["name"] for link in links or () if isinstance(link.get("index"), int)}
    return out


def views_from_linkmonitors(nic_lm: dict | None, others: list[dict | None], nodes: list[dict]) -> list[NodeView]:
    """``others``: the LinkMonitors naming bonds (``mgmt``, ``<cn>``)."""
    by_node = {n["metadata"]["name"]: n for n in nodes}
    masters: dict[str, dict[int, str]] = {}
    for lm in others:
        for node, idx in _indexes(lm).items():
            masters.setdefault(node, {}).update(idx)
    out = []
    for node, links in sorted((((nic_lm or {}).get("status") or {}).get("linkStatus") or {}).items()):
        nics = []
        for link in links or ():
            if link.get("type", "device") != "device" or not link.get("name"):
                continue
            mi = link.get("masterIndex") or 0
            master = (masters.get(node, {}).get(mi) or f"link #{mi}") if mi else None
            mac = (link.get("mac") or "").lower() or None
            nics.append(NicView(link["name"], mac, link.get("state") or "unknown", master))
        out.append(_view(node, by_node.get(node), nics))
    return out


def views_from_nodenetworks(nodenetworks: list[dict], nodes: list[dict]) -> list[NodeView]:
    by_node = {n["metadata"]["name"]: n for n in nodes}
    out = []
    for nn in nodenetworks:
        spec, status = nn.get("spec") or {}, nn.get("status") or {}
        node = spec.get("nodeName")
        if not node:
            continue
        macs = {k: (v or {}).get("mac") for k, v in (status.get("networkLinkStatus") or {}).items()}
        nics = []
        for n in status.get("nics") or ():
            if n.get("type", "device") != "device" or not n.get("name"):
                continue
            master = (LEGACY_VLAN_BRIDGE if n.get("usedByVlanNetwork")
                      else LEGACY_MGMT_BOND if n.get("usedByManagementNetwork")
                      else f"link #{n['masterIndex']}" if n.get("masterIndex") else None)
            mac = (macs.get(n["name"]) or "").lower() or None
            nics.append(NicView(n["name"], mac, n.get("state") or "unknown", master))
        out.append(_view(node, by_node.get(node), nics, spec.get("nic") or None))
    return sorted(out, key=lambda v: natural_key(v.name))
