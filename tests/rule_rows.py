"""The valid base profile of the validation rule tables (tests/test_validation_rules.py,
tests/test_validation_inventory.py) and how a row changes it: dotted path -> value; a value
of DELETE removes the key."""

import copy

import yaml


DELETE = object()


BASE = yaml.safe_load("""
version: 1
harvester: v1.6
node: {hostname: node1, dns: [10.0.0.53], ntp: [0.suse.pool.ntp.org]}
management:
  interfaces: [{name: ens5}, {name: ens6}]
  bond: {mode: active-backup, miimon: 100}
  ipv4: {method: static, address: 10.0.0.11/24, gateway: 10.0.0.1}
vlan:
  cluster_network: data
  interfaces: [{name: ens7}]
  bond: {mode: active-backup}
networks:
  - {name: net200, vlan_id: 200, route: {mode: auto}}
install:
  mode: create
  token: secret
  vip: 10.0.0.99
  device: /dev/sda
  iso_url: http://10.0.0.10/h.iso
  password: pw
cluster:
  settings: {ntp-servers: {ntpServers: [0.suse.pool.ntp.org]}}
""")


E, W = "error", "warning"


def apply(changes: dict) -> dict:
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        keys = dotted.split(".")
        node = data
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        if value is DELETE:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return data
