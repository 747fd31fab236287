"""Conformance of the cluster side with Harvester's own code (issue 10 §4–§5).

Every cluster object the tool writes is judged by the network controller's real admission
webhooks (``bin/webhooks``, see tests/oracles.py): created, then re-applied over what the
mutators stored — admitted, nothing we wrote changed by a mutator, and a second apply sends
nothing. The simulated API server admits through the same oracle when it is present (its own
conformance, §5, is tests/test_conformance_simulated_api.py; shared helpers: tests/webhook_kit.py)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from tests import oracles
from tests.conftest import ROOT, run_cli, write, writes
from tests.webhook_kit import MGMT, NODES, cli, existing_vlanconfig, oracle_nodes, profile, sent_by_us, start_api


# ---- every profile and golden case: admitted, stable, a second apply sends nothing --------------

def _profile_texts():
    paths = sorted((ROOT / "profiles").glob("*.yaml")) + sorted((ROOT / "tests/golden/cases").glob("*/profile.yaml"))
    return [(str(p.relative_to(ROOT)), p.read_text()) for p in paths]


def _not_judged(text: str) -> str | None:
    """Why a profile has nothing for the webhooks to judge, or None."""
    if re.search(r"^harvester: v1\.0", text, re.M):
        return "v1.0: the network controller had no webhooks"
    if not _objects(text):
        return "no cluster side"
    return None


def _cases():
    out = [pytest.param(text, id=name) for name, text in _profile_texts() if _not_judged(text) is None]
    extra = [  # the shapes the profiles above do not cover
        profile(mgmt_mtu=9000, networks=["{name: m100, vlan_id: 100}", "{name: flat}"]),
        profile(cn="data", vlan_mtu=9000, networks=["{name: a, vlan_id: 10, route: {mode: auto}}",
                                                    "{name: b, namespace: infra, vlan_id: 11, route: {mode: manual, "
                                                    "cidr: 10.0.11.0/24, gateway: 10.0.11.1}}", "{name: c}"]),
        profile(host="harvester-node-1", cn="data", networks=["{name: a, vlan_id: 10}"]),
    ]
    return out + [pytest.param(t, id=f"shape-{i}") for i, t in enumerate(extra)]


def test_the_profiles_not_judged_are_v1_0_or_have_no_cluster_side():
    """The parametrisations below leave out (rather than skip) what has nothing to judge; this
    says which and why, so a profile gaining a cluster side cannot drop out unnoticed."""
    reasons = {name: _not_judged(text) for name, text in _profile_texts()}
    assert sum(r is None for r in reasons.values()) >= 3, reasons
    for name, reason in reasons.items():
        text = dict(_profile_texts())[name]
        if reason and reason.startswith("v1.0"):
            assert re.search(r"^harvester: v1\.0", text, re.M)
        elif reason:
            assert _objects(text) == []


def _objects(text: str):
    from tui.model.load import load_text
    from tui.render.cluster_objects import cluster_objects

    loaded = load_text(text)
    assert loaded.profile is not None, loaded.problems
    return cluster_objects(loaded.profile, ("ens1f0",))


@pytest.mark.parametrize("text", _cases())
def test_every_object_is_admitted_unchanged_by_the_real_webhooks(text):
    objs = _objects(text)
    assert objs
    bodies = [o.body for o in objs]
    created = oracles.webhooks({"agent": True, "nodes": oracle_nodes(), "existing": [MGMT], "objects": bodies})
    for body, r in zip(bodies, created):
        assert r["allowed"], (r["kind"], r["name"], r.get("message"))
        assert not sent_by_us(r, body), (r["name"], r["patched"])
    stored = [r["object"] for r in created if r.get("object")]
    for obj in stored:  # the manager then records the uplink MTU on the cluster network (v1.6+)
        mtus = {b["spec"]["uplink"]["linkAttributes"].get("mtu") for b in bodies if b["kind"] == "VlanConfig"
                and b["spec"]["clusterNetwork"] == obj["metadata"]["name"]}
        if obj["kind"] == "ClusterNetwork" and mtus - {None}:
            annotations = obj["metadata"].setdefault("annotations", {})
            annotations["network.harvesterhci.io/uplink-mtu"] = str(max(mtus - {None}))
    again = oracles.webhooks({"agent": True, "nodes": oracle_nodes(), "existing": [MGMT] + stored, "objects": bodies})
    for body, r in zip(bodies, again):  # a full re-apply (kubectl-style) over what the mutators stored
        assert r["operation"] == "UPDATE" or not r["wired"]
        assert r["allowed"], (r["kind"], r["name"], r.get("message"))
        assert not sent_by_us(r, body), (r["name"], r["patched"])


@pytest.mark.parametrize("text", _cases())
def test_apply_through_the_real_webhooks_then_a_second_apply_sends_nothing(webhook_api, tmp_path, text):
    from tui.kube.writes import apply, plan
    from tui.kube.cluster import Cluster

    objs = _objects(text)
    assert objs
    cluster = Cluster.connect(write(tmp_path, "kc", webhook_api.kubeconfig()))
    assert all(c.action == "create" for c in apply(cluster, objs))
    sent = len(writes(webhook_api))
    assert all(c.action == "unchanged" for c in apply(cluster, objs))
    assert len(writes(webhook_api)) == sent, writes(webhook_api)[sent:]
    assert all(c.action == "unchanged" for c in plan(cluster, objs))


# ---- §4 facts ------------------------------------------------------------------------------------

MGMT_9000 = profile(mgmt_mtu=9000, networks=["{name: m100, vlan_id: 100}"])


def test_a_mgmt_nad_does_not_fight_the_mtu_mutator(webhook_api, tmp_path):
    assert cli(webhook_api, tmp_path, "apply", MGMT_9000).code == 0
    stored = json.loads(webhook_api.get("network-attachment-definitions", "m100", "default")["spec"]["config"])
    assert stored.get("mtu") in (None, 1500)  # nad.Mutator.patchMTU: the mgmt cluster network's MTU, not 9000
    sent = len(writes(webhook_api))
    r = cli(webhook_api, tmp_path, "apply", MGMT_9000)
    assert r.code == 0, r.err  # main sent mtu 9000 again: "nad MTU 9000 does not match cluster network MTU 1500"
    assert len(writes(webhook_api)) == sent


def test_plan_says_vm_networks_on_mgmt_get_the_cluster_networks_mtu(webhook_api, tmp_path):
    r = cli(webhook_api, tmp_path, "plan", MGMT_9000)
    assert r.code == 0, r.err
    assert "networks (default/m100)" in r.err and "MTU 1500" in r.err and "uplink-mtu" in r.err
    mgmt = webhook_api.state.objects[("clusternetworks", None, "mgmt")]
    mgmt["metadata"]["annotations"] = {"network.harvesterhci.io/uplink-mtu": "9000"}
    assert "uplink-mtu" not in cli(webhook_api, tmp_path, "plan", MGMT_9000).err


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_vlanconfig_mtu_is_one_per_cluster_network_on_any_nodes(webhook_api, tmp_path, command):
    existing_vlanconfig(webhook_api, tmp_path, "harvester-node-0", 9000)
    sent = len(writes(webhook_api))
    other_node = profile(host="harvester-node-1", cn="data", vlan_mtu=1500)  # shares no node with the first
    r = cli(webhook_api, tmp_path, command, other_node)
    assert r.code == 1
    assert "cluster network data already has MTU 9000" in r.err
    assert len(writes(webhook_api)) == sent  # caught before any write


def test_the_webhook_agrees_vlanconfig_mtu_must_match_across_nodes(webhooks_bin):
    def vc(name, node, mtu):
        return {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "VlanConfig", "metadata": {"name": name},
                "spec": {"clusterNetwork": "data", "nodeSelector": {"kubernetes.io/hostname": node},
                         "uplink": {"nics": ["ens1f0"], "linkAttributes": {"mtu": mtu},
                                    "bondOptions": {"mode": "active-backup"}}}}
    cn = {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "ClusterNetwork", "metadata": {"name": "data"}}
    out = oracles.webhooks({"agent": True, "nodes": oracle_nodes(), "existing": [MGMT],
                            "objects": [cn, vc("a", NODES[0], 9000), vc("b", NODES[1], 1500)]})
    assert [r["allowed"] for r in out] == [True, True, False]


STORAGE_NAD = {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
               "metadata": {"name": "storagenetwork-x", "namespace": "harvester-system",
                            "labels": {"storage-network.settings.harvesterhci.io/exclusivevlan": "true",
                                       "network.harvesterhci.io/clusternetwork": "mgmt",
                                       "network.harvesterhci.io/type": "L2VlanNetwork",
                                       "network.harvesterhci.io/vlan-id": "100"},
                            "annotations": {"storage-network.settings.harvesterhci.io": "true"}},
               "spec": {"config": '{"cniVersion":"0.3.1","name":"storagenetwork-x","type":"bridge","bridge":"mgmt-br",'
                                  '"promiscMode":true,"vlan":100,"ipam":{}}'}}


@pytest.mark.parametrize("version,refused", [("v1.9.0", True), ("v1.8.1", False)])
def test_a_vlan_reserved_by_an_exclusive_storage_network_is_refused_from_v1_9(webhooks_bin, tmp_path, version, refused):
    api = start_api(version=version, webhooks=webhooks_bin if refused else None)  # the oracle is v1.9's
    try:
        api.seed(STORAGE_NAD)
        text = profile(release=version.rsplit(".", 1)[0], networks=["{name: vm100, vlan_id: 100}"])
        r = cli(api, tmp_path, "plan", text)
        if refused:
            assert r.code == 1
            assert "VLAN 100 is reserved exclusively for the storage network" in r.err
            assert not writes(api)
        else:
            assert r.code == 0, r.err
    finally:
        api.down()


def test_the_webhook_refuses_an_exclusive_storage_vlan(webhooks_bin):
    nad = json.loads(json.dumps(STORAGE_NAD))
    nad["metadata"] = {"name": "vm100", "namespace": "default", "labels": {}}
    out = oracles.webhooks({"nodes": oracle_nodes(), "existing": [MGMT, STORAGE_NAD], "objects": [nad]})
    assert not out[0]["allowed"] and "exclusively reserved for storage network" in out[0]["message"]


ROUTED = profile(cn="data", networks=["{name: a, vlan_id: 10, route: {mode: auto}}",
                                      "{name: b, vlan_id: 11, route: {mode: manual, cidr: 10.0.11.0/24, "
                                      "gateway: 10.0.11.1}}"])


def test_a_re_apply_leaves_what_harvester_wrote_alone(webhook_api, tmp_path):
    assert cli(webhook_api, tmp_path, "apply", ROUTED).code == 0
    nad = webhook_api.state.objects[("network-attachment-definitions", "default", "a")]
    learned = {"mode": "auto", "serverIPAddr": "", "cidr": "10.0.10.0/24", "gateway": "10.0.10.1",
               "connectivity": "true"}
    nad["metadata"]["annotations"]["network.harvesterhci.io/route"] = json.dumps(learned, separators=(",", ":"))
    nad["metadata"]["labels"]["network.harvesterhci.io/ready"] = "true"
    nad["metadata"]["annotations"]["field.cattle.io/description"] = "set in the UI"
    vc = webhook_api.state.objects[("vlanconfigs", None, "data")]
    vc["metadata"].setdefault("annotations", {})["network.harvesterhci.io/matched-nodes"] = '["harvester-node-0"]'
    sent = len(writes(webhook_api))
    r = cli(webhook_api, tmp_path, "plan", ROUTED)
    assert all(line.startswith("unchanged") for line in r.out.splitlines()), r.out
    r = cli(webhook_api, tmp_path, "apply", ROUTED)
    assert r.code == 0 and len(writes(webhook_api)) == sent
    after = webhook_api.get("network-attachment-definitions", "a", "default")["metadata"]
    assert json.loads(after["annotations"]["network.harvesterhci.io/route"]) == learned
    # what we own still wins: a changed DHCP server is sent, the learned values stay
    changed = ROUTED.replace("route: {mode: auto}", "route: {mode: auto, dhcp_server: 10.0.10.2}")
    r = cli(webhook_api, tmp_path, "apply", changed)
    assert r.code == 0 and len(writes(webhook_api)) == sent + 1
    route = json.loads(webhook_api.get("network-attachment-definitions", "a", "default")["metadata"]["annotations"]
                       ["network.harvesterhci.io/route"])
    assert route["serverIPAddr"] == "10.0.10.2" and route["cidr"] == "10.0.10.0/24"


SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")  # k8s IsDNS1123Subdomain


@pytest.mark.parametrize("host", ["h" * 253, "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61, "node-1"])
def test_generated_names_are_valid_and_bounded(host):
    from tui.model.load import load_text
    from tui.render.cluster_objects import cluster_objects

    loaded = load_text(profile(host="node-1", cn="datanetwork1", networks=["{name: a, vlan_id: 10}"]))
    assert loaded.profile is not None, loaded.problems
    # validation keeps a profile's own hostname <= 64, but node names read from the cluster (the
    # per-node VlanConfigs of vlan.scope: cluster) may be any DNS subdomain: the renderer bounds
    # every name whatever it is given
    p = dataclasses.replace(loaded.profile, node=dataclasses.replace(loaded.profile.node, hostname=host))
    names = [o.name for o in cluster_objects(p, ("ens1f0",))]
    again = [o.name for o in cluster_objects(p, ("ens1f0",))]
    assert names == again  # stable: a re-apply finds the object it wrote
    for name in names:
        assert len(name) <= 253 and SUBDOMAIN.match(name), name
    assert len(set(names)) == len(names)


def test_a_hostname_longer_than_a_label_value_is_refused_with_a_vlan_uplink(webhook_api, tmp_path):
    long = profile(host="h" * 64, cn="data")
    r = run_cli("validate", write(tmp_path, "p.yaml", long))
    assert r.code == 1 and "error: node.hostname:" in r.err and "at most 63" in r.err
    assert run_cli("validate", write(tmp_path, "p.yaml", profile(host="h" * 64))).code == 0  # no VlanConfig: fine
    r = cli(webhook_api, tmp_path, "apply", profile(host="h" * 63, cn="datanetwork1"))
    assert r.code == 0, r.err


def test_a_network_made_untagged_loses_its_vlan_but_keeps_what_harvester_added(webhook_api, tmp_path):
    tagged = profile(cn="data", vlan_mtu=9000, networks=["{name: a, vlan_id: 10}"])
    assert cli(webhook_api, tmp_path, "apply", tagged).code == 0
    nad = webhook_api.state.objects[("network-attachment-definitions", "default", "a")]
    cfg = json.loads(nad["spec"]["config"])
    nad["spec"]["config"] = json.dumps({**cfg, "addedBySomeoneElse": True})
    r = cli(webhook_api, tmp_path, "apply", tagged.replace("{name: a, vlan_id: 10}", "{name: a}"))
    assert r.code == 0, r.err
    after = json.loads(webhook_api.get("network-attachment-definitions", "a", "default")["spec"]["config"])
    assert "vlan" not in after and after["addedBySomeoneElse"] is True and after["mtu"] == 9000


def test_the_wizard_review_checks_the_cluster_state_before_any_write(webhook_api, tmp_path):
    from tui.kube.cluster import Cluster
    from tui.model.load import load_text
    from tui.net.simulated import SimulatedHost
    from tui.wizard.draft import Draft
    from tui.wizard.session import Session

    existing_vlanconfig(webhook_api, tmp_path, "harvester-node-0", 9000)
    sent = len(writes(webhook_api))
    kc = write(tmp_path, "kc", webhook_api.kubeconfig())
    text = profile(host="harvester-node-1", cn="data", vlan_mtu=1500, networks=["{name: a, vlan_id: 10}"])
    session = Session(SimulatedHost.demo(0), str(tmp_path / "out"), Draft.from_profile(load_text(text)),
                      simulated=True, connect_cluster=lambda: Cluster.connect(kc))
    lines = [p.line() for p in session.cluster_problems()]
    assert any("cluster network data already has MTU 9000" in line for line in lines), lines
    assert len(writes(webhook_api)) == sent
    assert not session.apply_cluster(report=lambda text: None)  # the apply stops on the same check
    assert len(writes(webhook_api)) == sent


@pytest.mark.parametrize("version,refused", [("v1.5.2", True), ("v1.6.1", False), ("v1.9.0", False)])
def test_mtu_0_and_1500_are_equal_only_from_v1_6(tmp_path, version, refused):
    # network-controller-harvester pkg/webhook/vlanconfig: before v1.6 validateMTU compares exactly (no oracle of
    # those releases here: the v1.9 webhooks judge the v1.6+ rule in the tests above)
    api = start_api(version=version, webhooks=None)
    try:
        release = version.rsplit(".", 1)[0]
        first = profile(release=release, host="harvester-node-0", cn="data", vlan_mtu=1500)
        assert cli(api, tmp_path, "apply", first).code == 0
        r = cli(api, tmp_path, "plan", profile(release=release, host="harvester-node-1", cn="data"))  # MTU 0
        assert (r.code == 1 and "already has MTU 1500" in r.err) if refused else r.code == 0, r.err
    finally:
        api.down()
