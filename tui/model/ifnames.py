"""Harvester's interface names, spelled once (network-controller-harvester pkg/utils/bridge.go: a cluster
network ``<cn>`` gets the bond ``<cn>-bo`` and the bridge ``<cn>-br``; v1.0 uses
``harvester-mgmt`` and ``harvester-br0``)."""

from __future__ import annotations

MGMT = "mgmt"  # the built-in management cluster network (v1.1+)
BOND_SUFFIX = "-bo"
BRIDGE_SUFFIX = "-br"
IFNAMSIZ = 15  # the kernel's longest interface name


def bond_name(cluster_network: str) -> str:
    return cluster_network + BOND_SUFFIX


def bridge_name(cluster_network: str) -> str:
    return cluster_network + BRIDGE_SUFFIX


MGMT_BOND = bond_name(MGMT)
MGMT_BRIDGE = bridge_name(MGMT)
MAX_CN_LEN = IFNAMSIZ - len(BRIDGE_SUFFIX)  # the bridge name must fit
LEGACY_MGMT_BOND = "harvester-mgmt"  # v1.0: the management bond carries the IP itself
LEGACY_VLAN_BRIDGE = "harvester-br0"  # v1.0: the one VLAN bridge
