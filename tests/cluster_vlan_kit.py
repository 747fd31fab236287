"""The cluster of the ``vlan.scope: cluster`` tests (tests/test_cluster_vlan.py,
tests/test_cluster_vlan_plan.py): each node's NICs as the cluster reports them, and the profile."""


ICE = {"driver": "ice", "speed": 25000}


# node -> NICs as each node's agent reports them (and, for driver/speed, as each node's runner published)
NODES = {
    "node-0": [{"name": "eno1", "master": "mgmt-bo"}, {"name": "ens1f0", "driver": "igb", "speed": 1000},
               {"name": "ens1f1", **ICE}],                                            # has the default NIC
    "node-1": [{"name": "eno1", "master": "mgmt-bo"}, {"name": "ens2f0", "driver": "igb", "speed": 1000},
               {"name": "ens2f1", **ICE}],                                            # it, under another name
    "node-2": [{"name": "eno1", "master": "mgmt-bo"}, {"name": "eno2", "driver": "igb", "speed": 1000}],  # lacks it
    "node-3": [{"name": "eno1", "master": "mgmt-bo"}, {"name": "eno2", "state": "down", **ICE}],  # nothing usable
}


PROFILE = """version: 1
harvester: v1.6
node: {dns: [10.0.0.53]}
management: {interfaces: [{name: eno1}], ipv4: {method: dhcp}}
vlan:
  scope: cluster
  cluster_network: data
  interfaces: [{name: ens1f1}]
  mtu: 9000
networks:
  - {name: vlan200, vlan_id: 200}
"""
