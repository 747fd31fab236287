"""Issue 15, per-node resolution (pure): the cluster-wide default VLAN NIC (``vlan.scope:
cluster``) resolved on each node from the cluster's own view of its NICs (never this node's
kernel) — the default, its equal by driver/speed, a match, or listed as unresolved — and the
``scope`` key in the loader and the JSON Schema. Through the simulated cluster and the CLI:
tests/test_cluster_vlan.py."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.cluster_vlan_kit import NODES, PROFILE
from tui.model.load import load_text
from tui.model.nic_views import views_from_linkmonitors
from tui.model.schema import profile_schema
from tui.model.uplink_plan import NicView, NodeView, plan_uplinks


# ---- per-node resolution (pure) --------------------------------------------------------------------------
def views(nodes: dict) -> list[NodeView]:
    return [NodeView(node, tuple(NicView(n["name"], None, n.get("state", "up"), n.get("master"), n.get("driver"),
                                         n.get("speed")) for n in nics)) for node, nics in nodes.items()]


def vlan(text: str):
    loaded = load_text(PROFILE.replace("interfaces: [{name: ens1f1}]", text))
    assert not [p for p in loaded.problems if p.is_error], loaded.problems
    return loaded.profile.vlan


@pytest.mark.parametrize("selectors, expected", [
    ("interfaces: [{name: ens1f1}]",
     {"node-0": ("ens1f1", "default"), "node-1": ("ens2f1", "ens1f1 absent; same driver/speed (ice, 25000 Mb/s)"),
      "node-2": ("", "ens1f1 absent and no usable NIC has its driver/speed"),
      "node-3": ("", "ens1f1 absent and no usable")}),
    ("interfaces: [{match: {driver: ice, min_speed: 25000}}]",
     {"node-0": ("ens1f1", "match driver=ice, min_speed=25000"), "node-1": ("ens2f1", "match driver=ice"),
      "node-2": ("", "no usable NIC matches"), "node-3": ("", "no usable NIC matches")}),
    ("interfaces: [{match: {min_speed: 1000}}]",  # first usable in natural order; eno1 (mgmt-bo) and down NICs never
     {"node-0": ("ens1f0", "match"), "node-1": ("ens2f0", "match"), "node-2": ("eno2", "match"),
      "node-3": ("", "no usable")}),
    ("interfaces: [{name: ens1f1}, {match: {driver: igb}}]",
     {"node-0": ("ens1f1,ens1f0", "default; match driver=igb"),
      "node-1": ("ens2f1,ens2f0", "absent; same driver/speed"),
      "node-2": ("", "ens1f1 absent"), "node-3": ("", "ens1f1 absent")}),
    ("interfaces: [{name: ens1f1, mac: \"52:54:00:00:00:02\"}]",  # the MAC pins node-0's; the name decides elsewhere
     {"node-0": ("ens1f1", "default"), "node-1": ("ens2f1", "same driver/speed"), "node-2": ("", "ens1f1 absent"),
      "node-3": ("", "ens1f1 absent")}),
    # name and MAC disagree on node-0: not the default there
    ("interfaces: [{name: ens1f0, mac: \"52:54:00:00:00:02\"}]",
     {"node-0": ("", "ens1f0 absent and the cluster's view gives no driver/speed of ens1f0"),
      "node-1": ("", "ens1f0 absent"),
      "node-2": ("", "ens1f0 absent"), "node-3": ("", "ens1f0 absent")}),
    ("interfaces: [{mac: \"52:54:00:00:00:02\"}]",  # node-0's ens1f1: its name and facts are the default elsewhere
     {"node-0": ("ens1f1", "default"), "node-1": ("ens2f1", "same driver/speed"), "node-2": ("", "absent"),
      "node-3": ("", "ens1f1 absent and no usable")}),
])
def test_each_node_gets_the_default_or_its_equal_or_is_listed(selectors, expected):
    vs = views(NODES)
    if "mac:" in selectors:
        def mac(node, nic):
            return "52:54:00:00:00:02" if (node, nic) == ("node-0", "ens1f1") else None

        vs = [NodeView(v.name, tuple(replace(n, mac=mac(v.name, n.name)) for n in v.nics)) for v in vs]
    plan = plan_uplinks(vlan(selectors), vs)
    got = {n.node: n for n in plan.nodes}
    for node, (nics, why) in expected.items():
        assert ",".join(got[node].nics) == nics, (node, got[node])
        assert why in got[node].why, (node, got[node].why)
        assert got[node].status == ("ok" if nics else "unresolved")
    unresolved = [p for p in plan.problems if "gets no uplink" in p.message]
    assert {p.message.split()[1] for p in unresolved} == {n for n, (nics, _) in expected.items() if not nics}
    assert all(not p.is_error for p in unresolved)  # listed; the other nodes are still covered
    assert "its NICs: eno1 (in mgmt-bo), eno2 (ice, 25000 Mb/s, down)" in " ".join(p.message for p in plan.problems)


def test_the_view_never_comes_from_this_nodes_kernel_and_no_driver_means_no_guess():
    bare = [NodeView("a", (NicView("ens1f1"),)), NodeView("b", (NicView("ens2f1"),))]  # LinkMonitor alone: no facts
    plan = plan_uplinks(vlan("interfaces: [{name: ens1f1}]"), bare)
    assert [n.nics for n in plan.nodes] == [("ens1f1",), ()]
    assert "gives no driver/speed of ens1f1" in plan.nodes[1].why
    plan = plan_uplinks(vlan("interfaces: [{match: {driver: ice}}]"), bare)
    assert "carries no driver/speed/vendor/PCI" in plan.nodes[0].why
    assert not plan_uplinks(vlan("interfaces: [{name: ens1f1}]"), []).nodes
    witness = [NodeView("w", (NicView("ens1f1"),), witness=True)]
    assert plan_uplinks(vlan("interfaces: [{name: ens1f1}]"), witness).nodes[0].status == "skipped"


def test_after_an_apply_the_nics_in_the_own_bond_are_picked_again():
    """LinkMonitor after the agent bonded ens1f1 into data-bo: the same plan (no flapping)."""
    nic = {"status": {"linkStatus": {"node-0": [{"name": "eno1", "index": 2, "type": "device", "masterIndex": 9},
                                                {"name": "ens1f0", "index": 3, "type": "device", "masterIndex": 0},
                                                {"name": "ens1f1", "index": 4, "type": "device", "masterIndex": 11}]}}}
    mgmt = {"status": {"linkStatus": {"node-0": [{"name": "mgmt-bo", "index": 9}]}}}
    data = {"status": {"linkStatus": {"node-0": [{"name": "data-br", "index": 10}, {"name": "data-bo", "index": 11}]}}}
    vs = views_from_linkmonitors(nic, [mgmt, data], [{"metadata": {"name": "node-0"}}])
    assert [(n.name, n.master) for n in vs[0].nics] == [("eno1", "mgmt-bo"), ("ens1f0", None), ("ens1f1", "data-bo")]
    assert plan_uplinks(vlan("interfaces: [{name: ens1f1}]"), vs).nodes[0].nics == ("ens1f1",)
    two = vlan("interfaces: [{match: {name: 'ens1f*'}}, {match: {name: 'e*'}}]")
    assert plan_uplinks(two, vs).nodes[0].nics == ("ens1f0", "ens1f1")
    other = replace(vlan("interfaces: [{name: ens1f1}]"), cluster_network="other")
    assert plan_uplinks(other, vs).nodes[0].status == "unresolved"  # in another cluster network's bond: not usable


@pytest.mark.parametrize("text, error", [
    ("scope: cluster", None),
    ("scope: node", None),
    ("scope: everywhere", "vlan.scope: 'everywhere' is not one of node, cluster"),
])
def test_scope_loads_and_the_schema_knows_it(text, error):
    import jsonschema

    doc = PROFILE.replace("scope: cluster", text)
    loaded = load_text(doc)
    lines = [p.line() for p in loaded.problems if p.is_error]
    assert (error in " ".join(lines)) if error else not lines, lines
    import yaml

    valid = not list(jsonschema.Draft202012Validator(profile_schema()).iter_errors(yaml.safe_load(doc)))
    assert valid == (error is None)
    if error is None:
        from tui.model.dump import dump_profile

        assert load_text(json.dumps(dump_profile(loaded.profile))).profile == loaded.profile


def test_v1_0_takes_one_nic_per_node():
    plan = plan_uplinks(vlan("interfaces: [{name: ens1f1}, {name: ens1f0}]"), views(NODES), legacy=True)
    assert [p.line() for p in plan.problems if p.is_error] == [
        "error: vlan.interfaces: Harvester v1.0 takes one VLAN NIC per node (NodeNetwork spec.nic); give one selector"]
    assert plan_uplinks(vlan("interfaces: [{name: ens1f1}]"), views(NODES), legacy=True).cluster_network == "vlan"
