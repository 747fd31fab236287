"""The profile is defined once: the field table in tui/model/profile.py. The loader, the dump
and the JSON Schema are derived from it, so every field of the table is read, written and
described, and a field added to the table only is read, written and described too."""

from __future__ import annotations

from dataclasses import dataclass

import jsonschema
import pytest
import yaml

import tui.model.load as load_module
import tui.model.schema as schema_module
from tui.model.dump import dump_profile
from tui.model.field_scalars import Integer, Text
from tui.model.field_sections import Section, Sections, Selectors
from tui.model.fields import IF_TRUTHY, default_of, spec, specs
from tui.model.load import load_data, load_text
from tui.model.profile import SECTION_KEYS, Node, Profile
from tui.model.schema import profile_schema

# One value for every field of the table, none of them the default (version has only one).
EVERY_FIELD = yaml.safe_load(r"""
version: 1
harvester: v1.6
node: {hostname: node1, dns: [10.0.0.53], ntp: [pool.ntp.org]}
management:
  interfaces:
    - {name: ens5, mac: "52:54:00:00:00:01"}
    - {mac: "52:54:00:00:00:02"}
    - {match: {driver: ixgbe, min_speed: 10000, pci: "0000:01:*", vendor: "0x8086", name: "ens*"}}
  bond: {mode: 802.3ad, miimon: 50, options: {lacp_rate: fast}}
  vlan_id: 10
  mtu: 9000
  ipv4: {method: static, address: 10.0.0.5/24, gateway: 10.0.0.1}
vlan:
  cluster_network: data
  interfaces: [{name: ens7}]
  bond: {mode: balance-tlb, miimon: 200, options: {xmit_hash_policy: layer3+4}}
  mtu: 1500
  scope: cluster
networks:
  - name: vm-net
    namespace: vms
    cluster_network: data
    vlan_id: 20
    route: {mode: manual, dhcp_server: 10.0.20.2, cidr: 10.0.20.0/24, gateway: 10.0.20.1}
install:
  mode: join
  server_url: https://10.0.0.100:443
  token: tok
  vip: 10.0.0.100
  vip_mode: dhcp
  vip_hw_addr: "52:54:00:00:00:09"
  role: worker
  device: /dev/sda
  iso_url: http://10.0.0.2/harvester.iso
  password: pw
  ssh_authorized_keys: ["github:someone"]
  skipchecks: false
  extra: {os: {modules: [kvm]}}
cluster:
  kubeconfig: /etc/rancher/rke2/rke2.yaml
  settings: {ntp-servers: '{"ntpServers":["0.pool.ntp.org"]}'}
""")


def _table(cls, path: str, doc, loaded, dumped, schema):
    """(path, field, spec, the sample, the loaded value, the dumped value, the schema property) for
    every field of ``cls`` and, recursively, of its sections."""
    for f, s in specs(cls):
        here = f"{path}.{f.name}" if path else f.name
        row = (here, f, s, doc.get(f.name, KeyError), getattr(loaded, f.name), dumped.get(f.name, KeyError),
               schema["properties"].get(f.name, KeyError))
        yield row
        if f.name not in doc or f.name not in dumped or f.name not in schema["properties"]:
            continue
        kind, prop = s.kind, schema["properties"][f.name]
        if isinstance(kind, Section):
            yield from _table(kind.cls, here, doc[f.name], getattr(loaded, f.name), dumped[f.name], prop)
        elif isinstance(kind, Sections):
            for i, item in enumerate(doc[f.name]):
                yield from _table(kind.cls, f"{here}[{i}]", item, getattr(loaded, f.name)[i], dumped[f.name][i],
                                  prop["items"])
        elif isinstance(kind, Selectors):
            for i, item in enumerate(doc[f.name]):
                if "match" in item:
                    yield from _table(kind.match, f"{here}[{i}].match", item["match"],
                                      getattr(loaded, f.name)[i].match, dumped[f.name][i]["match"],
                                      prop["items"]["oneOf"][2]["properties"]["match"])


LOADED = load_data(EVERY_FIELD)
ROWS = list(_table(Profile, "", EVERY_FIELD, LOADED.profile, dump_profile(LOADED.profile),
                   profile_schema()))


def test_the_sample_loads_cleanly_and_passes_the_schema():
    assert LOADED.problems == ()
    jsonschema.validate(EVERY_FIELD, profile_schema())
    # every section was walked (bond twice: management's and vlan's)
    assert len(ROWS) == sum(len(keys) for keys in SECTION_KEYS.values()) + len(SECTION_KEYS["bond"])


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_every_field_of_the_table_is_loaded_dumped_and_in_the_schema(row):
    path, f, s, sample, loaded, dumped, prop = row
    assert sample is not KeyError, f"{path}: the table has it, EVERY_FIELD does not: add a value"
    assert prop is not KeyError, f"{path}: not in the schema"
    assert dumped == sample, f"{path}: the dump does not give back what was loaded"
    if f.name != "version":
        assert loaded != default_of(f), f"{path}: the loader did not read it"
    if not isinstance(s.kind, (Section, Sections)):
        assert s.help and prop.get("description") == s.help, f"{path}: help text missing or not in the schema"


# -- a field added to the table only -------------------------------------------------------------


@dataclass(frozen=True)
class NodeWithMore(Node):
    motd: str | None = spec(Text("dns_name"), None, dump=IF_TRUTHY, help="message of the day host")
    cores: int | None = spec(Integer(1, 64, " cores"), None, help="CPU cores", required="required: how many cores")


@dataclass(frozen=True)
class ProfileWithMore(Profile):
    node: NodeWithMore = spec(Section(NodeWithMore, optional=False), factory=NodeWithMore, dump=IF_TRUTHY)


@pytest.fixture
def more(monkeypatch):
    """The model with two fields more in `node`, declared in the table only (load, dump and schema untouched)."""
    monkeypatch.setattr(load_module, "Profile", ProfileWithMore)
    monkeypatch.setattr(schema_module, "Profile", ProfileWithMore)


def test_a_field_added_to_the_table_only_is_loaded_dumped_and_in_the_schema(more):
    text = "version: 1\nnode: {hostname: n1, motd: motd.example.com, cores: 8}\n"
    loaded = load_text(text)
    assert loaded.problems == ()
    assert (loaded.profile.node.motd, loaded.profile.node.cores) == ("motd.example.com", 8)
    assert dump_profile(loaded.profile)["node"] == {"hostname": "n1", "motd": "motd.example.com", "cores": 8}
    node = profile_schema()["properties"]["node"]
    assert node["properties"]["motd"] == {"type": "string", "description": "message of the day host"}
    assert node["properties"]["cores"] == {"type": "integer", "minimum": 1, "maximum": 64, "description": "CPU cores"}
    assert node["required"] == ["cores"]
    jsonschema.validate(yaml.safe_load(text), profile_schema())


@pytest.mark.parametrize("text, line, schema_refuses", [
    ("node: {hostname: n1, cores: 65}", "error: node.cores: 65 is out of range 1–64 cores", True),
    ("node: {hostname: n1, cores: x}", "error: node.cores: must be a whole number, not a string", True),
    ("node: {hostname: n1}", "error: node.cores: required: how many cores", True),
    ("node: {cores: 2, motdd: a.example}", "error: node.motdd: unknown key 'motdd'; did you mean 'motd'?", True),
    ("node: {cores: 2, motd: 'not a host'}", "error: node.motd: ", False),  # the format: the loader's alone
])
def test_a_field_added_to_the_table_only_is_checked_with_path_addressed_messages(more, text, line, schema_refuses):
    lines = [p.line() for p in load_text("version: 1\n" + text + "\n").problems]
    assert any(x.startswith(line) for x in lines), lines
    errors = list(jsonschema.Draft202012Validator(profile_schema()).iter_errors(yaml.safe_load("version: 1\n" + text)))
    assert bool(errors) == schema_refuses
