"""The Kubernetes objects a profile's cluster side becomes — pure.

v1.1+ (the CRDs in tui/kube/crds; harvester-ui-extension's NAD model): ClusterNetwork, VlanConfig (linkAttributes
always present), NADs with the config JSON exactly as the Harvester UI writes it, the labels
clusternetwork/type/vlan-id and the route annotation, Settings as compact JSON strings.
v1.0 (harvester-network-controller v0.2.x): ClusterNetwork ``vlan`` (enable, config.defaultPhysicalNIC), a NodeNetwork
NIC override for the profile's node, NADs on ``harvester-br0``.
Objects come in dependency order: ClusterNetwork, VlanConfig/NodeNetwork, NADs, Settings.
"""

from __future__ import annotations

import json

from tui.model.ifnames import LEGACY_VLAN_BRIDGE, bridge_name
from tui.model.kube_objects import Obj, bounded_name
from tui.model.profile import Network, Profile, VlanUplink

NET_GROUP, NAD_GROUP, SETTING_GROUP = "network.harvesterhci.io", "k8s.cni.cncf.io", "harvesterhci.io"
LABEL = "network.harvesterhci.io/"


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def _obj(group, version, plural, kind, name, namespace=None, labels=None, annotations=None, **fields) -> Obj:
    meta: dict = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    return Obj(group, version, plural, kind, name, namespace,
               {"apiVersion": f"{group}/{version}", "kind": kind, "metadata": meta, **fields})


def nad_config(name: str, bridge: str, vlan_id: int | None, mtu: int | None) -> str:
    cfg: dict = {"cniVersion": "0.3.1", "name": name, "type": "bridge", "bridge": bridge, "promiscMode": True}
    if vlan_id is not None:
        cfg["vlan"] = vlan_id
    cfg["ipam"] = {}
    if mtu:
        cfg["mtu"] = mtu
    return compact(cfg)


def route_annotation(net: Network) -> str:
    r = net.route
    if r is not None and r.mode == "manual":
        return compact({"mode": "manual", "serverIPAddr": "", "cidr": r.cidr or "", "gateway": r.gateway or ""})
    return compact({"mode": "auto", "serverIPAddr": (r.dhcp_server if r else None) or "", "cidr": "", "gateway": ""})


def vlanconfig(v: VlanUplink, name: str, host: str | None, nic_names, vlanconfig_fields: frozenset[str] | None) -> Obj:
    """One VlanConfig of the ``vlan`` section: for node ``host`` (None: every node)."""
    bond = {"mode": v.bond.mode, "miimon": v.bond.miimon}
    for key, value in v.bond.options:
        if vlanconfig_fields and key in vlanconfig_fields:
            bond[key] = value
    spec: dict = {"clusterNetwork": v.cluster_network}
    if host:
        spec["nodeSelector"] = {"kubernetes.io/hostname": host}
    spec["uplink"] = {"nics": list(nic_names), "linkAttributes": {"mtu": v.mtu} if v.mtu else {}, "bondOptions": bond}
    return _obj(NET_GROUP, "v1beta1", "vlanconfigs", "VlanConfig", name, spec=spec)


def cluster_objects(profile: Profile, nic_names: tuple[str, ...] = (), vlanconfig_fields: frozenset[str] | None = None,
                    vlan_objects: list[Obj] | None = None) -> list[Obj]:
    """``nic_names``: the uplink NICs resolved on this node; ``vlanconfig_fields``: the
    ``spec.uplink.bondOptions`` keys the cluster's CRD has (newer fields only where present);
    ``vlan_objects``: the ``vlan`` section's objects when planned per node of the cluster
    (``scope: cluster``, tui/render/cluster_vlan.py), in place of this node's."""
    if profile.release.legacy:
        return _legacy(profile, nic_names, vlan_objects)
    out: list[Obj] = []
    # the NAD MTU is the cluster network's: ours for the VLAN one; on mgmt nad.Mutator.patchMTU
    # sets it from the mgmt cluster network (network-controller-harvester pkg/webhook/nad), so it is not ours
    mtus: dict[str, int | None] = {}
    if profile.vlan:
        v = profile.vlan
        cn = v.cluster_network
        mtus[cn] = v.mtu or None
        if vlan_objects is not None:
            out += vlan_objects
        else:
            out.append(cluster_network(cn))
            host = profile.node.hostname
            out.append(vlanconfig(v, bounded_name(cn, host) if host else cn, host, nic_names, vlanconfig_fields))
    for net in profile.networks:
        cn = profile.network_cluster(net)
        labels = {LABEL + "clusternetwork": cn,
                  LABEL + "type": "L2VlanNetwork" if net.vlan_id is not None else "UntaggedNetwork"}
        if net.vlan_id is not None:
            labels[LABEL + "vlan-id"] = str(net.vlan_id)
        out.append(_obj(NAD_GROUP, "v1", "network-attachment-definitions", "NetworkAttachmentDefinition", net.name,
                        net.namespace,
                        labels, {LABEL + "route": route_annotation(net)},
                        spec={"config": nad_config(net.name, bridge_name(cn), net.vlan_id, mtus.get(cn))}))
    out += _settings(profile)
    return out


def cluster_network(cn: str) -> Obj:
    return _obj(NET_GROUP, "v1beta1", "clusternetworks", "ClusterNetwork", cn)


def legacy_vlan_network(nic: str) -> Obj:
    return _obj(NET_GROUP, "v1beta1", "clusternetworks", "ClusterNetwork", "vlan", enable=True, description="",
                config={"defaultPhysicalNIC": nic})


def node_network(host: str, nic: str) -> Obj:
    return _obj(NET_GROUP, "v1beta1", "nodenetworks", "NodeNetwork", bounded_name(host, "vlan"),
                labels={LABEL + "nodename": host}, spec={"nodeName": host, "type": "vlan", "nic": nic})


def _legacy(profile: Profile, nic_names: tuple[str, ...], vlan_objects: list[Obj] | None = None) -> list[Obj]:
    out: list[Obj] = []
    if profile.vlan and vlan_objects is not None:
        out += vlan_objects
    elif profile.vlan and nic_names:
        out.append(legacy_vlan_network(nic_names[0]))
        if profile.node.hostname:
            out.append(node_network(profile.node.hostname, nic_names[0]))
    for net in profile.networks:
        out.append(_obj(NAD_GROUP, "v1", "network-attachment-definitions", "NetworkAttachmentDefinition", net.name,
                        net.namespace,
                        {LABEL + "type": "L2VlanNetwork"}, None,
                        spec={"config": nad_config(net.name, LEGACY_VLAN_BRIDGE, net.vlan_id, None)}))
    return out + _settings(profile)


def _settings(profile: Profile) -> list[Obj]:
    if profile.cluster is None:
        return []
    return [_obj(SETTING_GROUP, "v1beta1", "settings", "Setting", name, value=value) for name,
            value in profile.cluster.settings]
