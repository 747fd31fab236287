"""Issue 15: the cluster-wide default VLAN NIC (``vlan.scope: cluster``), resolved on every
node from the cluster's own view of its NICs, written as objects Harvester's webhooks admit
(judged by the network controller's own webhooks, tests/oracles.py), idempotent, covering a
node that joins later; against the simulated API server over HTTP, v1.1+ and v1.0."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import pytest

from tests import oracles
from tests.conftest import run_cli, write
from tui.kube.simulated_api import SimulatedApi
from tui.model.kube_objects import vlanstatus_name
from tui.model.load import load_text
from tui.model.nic_views import FACTS_ANNOTATION, views_from_linkmonitors
from tui.model.schema import profile_schema
from tui.model.uplink_plan import NicView, NodeView, plan_uplinks

INV = "tests/fixtures/inventories/four-nics.json"  # this node's kernel: only management resolves on it

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
LATE = ("node-4", [{"name": "eno1", "master": "mgmt-bo"}, {"name": "ens1f1", **ICE}])

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
LEGACY = (PROFILE.replace("harvester: v1.6", "harvester: v1.0").replace("  cluster_network: data\n", "")
          .replace("  mtu: 9000\n", ""))


# ---- the simulated cluster, seeded -----------------------------------------------------------------
def _mgmt_index(node_no: int) -> int:
    return 100 + node_no


def seed(api: SimulatedApi, nodes: dict) -> None:
    """What each node's agent (LinkMonitor nic / NodeNetwork) and runner (NIC facts) reported."""
    with api.state.lock:
        api.nodes = {node: [n["name"] for n in nics if n.get("state") != "down"] for node, nics in nodes.items()}
        for node, nics in nodes.items():
            facts = {n["name"]: {k: n[k] for k in ("driver", "speed") if k in n} for n in nics}
            api.node_meta[node] = {"annotations": {FACTS_ANNOTATION: json.dumps(facts)}}
        if api.dialect == "v1.0":
            old = {k[2]: o for k, o in api.state.objects.items() if k[0] == "nodenetworks"}
            for name in old:
                del api.state.objects[("nodenetworks", None, name)]
            for node, nics in nodes.items():  # the spec as the cluster has it (an earlier apply's NIC) stays
                spec = (old.get(f"{node}-vlan") or {}).get("spec") or {"nodeName": node, "type": "vlan"}
                api._store("nodenetworks", None, {
                    "apiVersion": "network.harvesterhci.io/v1beta1", "kind": "NodeNetwork",
                    "metadata": {"name": f"{node}-vlan", "labels": {"network.harvesterhci.io/nodename": node}},
                    "spec": spec,
                    "status": {"nics": [{"name": n["name"], "index": i + 2, "type": "device",
                                         "state": n.get("state", "up"),
                                         "usedByManagementNetwork": n.get("master") == "mgmt-bo",
                                         **({"masterIndex": 1} if n.get("master") else {})}
                                        for i, n in enumerate(nics)]}})
            return
        status, mgmt = {}, {}
        for j, (node, nics) in enumerate(nodes.items()):
            status[node] = [{"name": n["name"], "index": i + 2, "type": "device", "mac": f"52:54:00:00:{j:02x}:{i:02x}",
                             "state": n.get("state", "up"), "masterIndex": _mgmt_index(j) if n.get("master") else 0}
                            for i, n in enumerate(nics)]
            mgmt[node] = [{"name": "mgmt-bo", "index": _mgmt_index(j), "type": "bond", "state": "up"}]
        for name, links in (("nic", status), ("mgmt", mgmt)):
            api._store("linkmonitors", None, {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "LinkMonitor",
                                              "metadata": {"name": name}, "spec": {}, "status": {"linkStatus": links}})


@pytest.fixture(params=["v1.1+", "v1.0"])
def api(request):
    server = SimulatedApi(dialect=request.param, version="v1.6.1" if request.param != "v1.0" else "v1.0.3").start()
    seed(server, NODES)
    yield server
    server.down()


def cli(api, tmp_path, command, *args, profile=None):
    profile = profile or (LEGACY if api.dialect == "v1.0" else PROFILE)
    kc = write(tmp_path, "kc", api.kubeconfig())
    extra = [write(tmp_path, "p.yaml", profile), "--inventory", INV] if command in ("plan", "apply") else []
    return run_cli("cluster", command, *extra, *args, "--kubeconfig", kc)


def writes(api):
    return [(m, p) for m, p in api.state.requests if m in ("POST", "PUT", "PATCH", "DELETE") and "dryRun" not in p]


def table(out: str) -> dict[str, list[str]]:
    """The per-node table's rows by node: [nics, status, why]."""
    rows = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if parts and parts[0].startswith("node-"):
            rows[parts[0]] = parts[1:]
    return rows


def stored(api, names_by_plural) -> list[dict]:
    out = []
    for plural, names in names_by_plural:
        for name in names:
            obj = api.get(plural, name)
            assert obj is not None, (plural, name)
            out.append(obj)
    return out


def without_controller_writes(obj: dict) -> dict:
    """A stored object as we wrote it: no status, and not the uplink-MTU annotation that
    Harvester's manager (simulated) adds to a ClusterNetwork once its VlanConfigs are in."""
    out = {k: v for k, v in obj.items() if k != "status"}
    meta = dict(out.get("metadata") or {})
    notes = {k: v for k, v in (meta.get("annotations") or {}).items() if k != "network.harvesterhci.io/uplink-mtu"}
    meta["annotations"] = notes
    out["metadata"] = meta
    return out


def judge(api, objects: list[dict], existing: list[dict] = ()) -> list[dict]:
    """The network controller's own webhooks over what we wrote (v1.1+)."""
    nodes = [{"name": n, "labels": {"kubernetes.io/hostname": n}, "annotations": {}} for n in api.nodes]
    strip = [without_controller_writes(o) for o in objects]
    return oracles.webhooks({"agent": True, "nodes": nodes, "existing": list(existing), "objects": strip})


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


# ---- the simulated cluster, through the CLI ------------------------------------------------------------
def test_plan_lists_every_node_and_the_unresolved_before_any_write(api, tmp_path):
    r = cli(api, tmp_path, "plan")
    assert r.code == 0, r.err
    rows = table(r.out)
    assert rows["node-0"][:2] == ["ens1f1", "default-nic" if api.dialect == "v1.0" else "create"]
    assert rows["node-1"][:2] == ["ens2f1", "update" if api.dialect == "v1.0" else "create"]
    assert "same driver/speed (ice, 25000 Mb/s)" in rows["node-1"][2]
    assert rows["node-2"][:2] == ["-", "unresolved"] and "NICs: eno1 (in " in rows["node-2"][2]
    assert rows["node-3"][:2] == ["-", "unresolved"]
    assert "warning: vlan.interfaces: node node-3 gets no uplink" in r.err and "eno2 (ice, 25000 Mb/s, down)" in r.err
    assert not writes(api)
    doc = json.loads(cli(api, tmp_path, "plan", "--json").out)
    assert [(n["node"], n["nics"], n["status"]) for n in doc["nodes"]] == [
        ("node-0", ["ens1f1"], "ok"), ("node-1", ["ens2f1"], "ok"),
        ("node-2", [], "unresolved"), ("node-3", [], "unresolved")]
    assert doc["nodes"][3]["nic_list"] == ["eno1 (in " + ("harvester-mgmt)" if api.dialect == "v1.0" else "mgmt-bo)"),
                                           "eno2 (ice, 25000 Mb/s, down)"]
    r = cli(api, tmp_path, "apply")
    assert r.code == 0, r.err
    first_write = min(i for i, line in enumerate(r.err.splitlines()) if line.endswith(": create"))
    listed = max(i for i, line in enumerate(r.err.splitlines()) if "gets no uplink" in line)
    assert listed < first_write


def agent_reports(api, node: str, status: str, message: str = "") -> None:
    """The v1.0 agent's verdict on a node's NodeNetwork (condition Ready)."""
    with api.state.lock:
        nn = api.state.objects[("nodenetworks", None, f"{node}-vlan")]
        nn["status"]["conditions"] = [{"type": "Ready", "status": status, "message": message}]


def test_apply_writes_what_the_webhooks_admit_and_a_re_apply_sends_nothing(api, tmp_path):
    if api.dialect == "v1.0":
        for node in ("node-0", "node-1"):
            agent_reports(api, node, "True")
    r = cli(api, tmp_path, "apply", "--wait", "10")
    if api.dialect == "v1.0":
        assert r.code == 0, r.err
        rows = table(r.out)
        assert rows["node-0"][1] == "ready" and rows["node-1"][1] == "ready" and rows["node-2"][1] == "unresolved"
        cn = api.get("clusternetworks", "vlan")
        assert cn["enable"] is True and cn["config"] == {"defaultPhysicalNIC": "ens1f1"}
        assert api.get("nodenetworks", "node-1-vlan")["spec"]["nic"] == "ens2f1"  # the node that differs
        for node in ("node-0", "node-2", "node-3"):  # the default (the v1.0 manager fills it in) or nothing
            assert "nic" not in api.get("nodenetworks", f"{node}-vlan")["spec"]
    else:
        assert r.code == 0, r.err
        assert [(m, p.rsplit("/", 1)[-1]) for m, p in writes(api)] == [
            ("POST", "clusternetworks"), ("POST", "vlanconfigs"), ("POST", "vlanconfigs"),
            ("POST", "network-attachment-definitions")]
        vcs = stored(api, [("clusternetworks", ["data"]), ("vlanconfigs", ["data-node-0", "data-node-1"])])
        assert [vc["spec"]["uplink"]["nics"] for vc in vcs[1:]] == [["ens1f1"], ["ens2f1"]]
        assert {vc["spec"]["uplink"]["linkAttributes"]["mtu"] for vc in vcs[1:]} == {9000}
        verdicts = judge(api, vcs)
        assert [(v["name"], v["allowed"]) for v in verdicts] == [
            ("data", True), ("data-node-0", True), ("data-node-1", True)], verdicts
        rows = table(r.out)
        assert rows["node-0"][1] == "ready" and rows["node-1"][1] == "ready" and rows["node-2"][1] == "unresolved"
        assert "node-0: ready" in r.err and api.get("vlanstatuses", vlanstatus_name("data", "node-1"))
        assert r.err.count("clusternetwork/data: ready") == 1  # one ClusterNetwork, reported once
    before = len(writes(api))
    r = cli(api, tmp_path, "apply")
    assert r.code == 0 and "0 of" in r.err, r.err
    assert len(writes(api)) == before  # re-apply sends nothing
    changes = [x for x in cli(api, tmp_path, "plan").out.splitlines() if x and x[:5] not in ("NODE ", "node-")]
    assert changes and all(x.startswith("unchanged") for x in changes)


def test_a_node_that_joins_later_is_covered_by_the_next_apply(api, tmp_path):
    assert cli(api, tmp_path, "apply").code == 0
    first = len(writes(api))
    seed(api, {**NODES, LATE[0]: LATE[1]})
    r = cli(api, tmp_path, "apply")
    assert r.code == 0, r.err
    new = writes(api)[first:]
    if api.dialect == "v1.0":
        assert new == []  # on the default NIC: the v1.0 manager sets the new NodeNetwork itself
        assert table(cli(api, tmp_path, "plan").out)["node-4"][:2] == ["ens1f1", "default-nic"]
    else:
        assert new == [("POST", "/apis/network.harvesterhci.io/v1beta1/vlanconfigs")]
        vc = api.get("vlanconfigs", "data-node-4")
        assert vc["spec"]["nodeSelector"] == {"kubernetes.io/hostname": "node-4"}
        assert vc["spec"]["uplink"]["nics"] == ["ens1f1"]
        before = stored(api, [("clusternetworks", ["data"]), ("vlanconfigs", ["data-node-0", "data-node-1"])])
        verdicts = judge(api, [vc], existing=before)
        assert verdicts[0]["allowed"], verdicts


def test_n_nodes_applying_the_same_profile_do_not_fight(tmp_path):
    """Three runners at once (any node; their own kernels differ and do not matter): the
    same objects, each written once; afterwards every plan is unchanged."""
    from tui.kube.writes import apply, plan
    from tui.kube.cluster import Cluster
    from tui.kube.profile_apply import plan_for
    from tui.model.inventory import Inventory, Nic

    api = SimulatedApi(latency=0.01).start()
    try:
        seed(api, NODES)
        kc = write(tmp_path, "kc", api.kubeconfig())
        profile = load_text(PROFILE).profile
        inventories = [Inventory((Nic("eno1"), Nic(f"ens{i}f1", driver="x", speed=10))) for i in range(3)]
        results, errors = [], []

        def runner(inv):
            try:
                cluster = Cluster.connect(kc)
                objs, problems, _ = plan_for(cluster, profile, inv)
                assert not [p for p in problems if p.is_error], problems
                results.append([o.body for o in objs])
                apply(cluster, objs)
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=runner, args=(inv,)) for inv in inventories]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert results[0] == results[1] == results[2]
        # each object landed once and was never rewritten (a lost create race re-reads and finds it unchanged)
        for plural, name in [("vlanconfigs", "data-node-0"), ("vlanconfigs", "data-node-1")]:
            assert api.get(plural, name)["metadata"]["generation"] == 1, (plural, name)
        assert api.get("network-attachment-definitions", "vlan200", "default")["metadata"]["generation"] == 1
        assert not [p for m, p in writes(api) if m in ("PATCH", "PUT")]
        assert api.get("vlanconfigs", "data-node-1")["spec"]["uplink"]["nics"] == ["ens2f1"]
        cluster = Cluster.connect(kc)
        assert {c.action for c in plan(cluster, plan_for(cluster, profile, None)[0])} == {"unchanged"}
    finally:
        api.down()


def test_nics_shows_each_node(api, tmp_path):
    r = cli(api, tmp_path, "nics")
    assert r.code == 0, r.err
    line = next(x for x in r.out.splitlines() if x.startswith("node-1 "))
    assert "ens2f1 (ice, 25000 Mb/s)" in line and "eno1 (in " in line
    doc = json.loads(cli(api, tmp_path, "nics", "--json").out)
    assert [n["name"] for n in doc["per_node"]["node-3"]] == ["eno1", "eno2"]
    assert doc["per_node"]["node-0"][2]["driver"] == "ice"


def test_a_node_publishes_its_nic_facts_once(tmp_path):
    from tui.kube.cluster import Cluster
    from tui.model.inventory import Inventory, Nic
    from tui.model.nic_views import facts_annotation

    api = SimulatedApi().start()
    try:
        cluster = Cluster.connect(write(tmp_path, "kc", api.kubeconfig()))
        inv = Inventory((Nic("ens1f1", driver="ice", speed=25000, pci="0000:3b:00.1"), Nic("bond0", physical=False)))
        assert cluster.publish_nic_facts("harvester-node-0", facts_annotation(inv)) is True
        assert cluster.publish_nic_facts("harvester-node-0", facts_annotation(inv)) is False  # unchanged: no write
        view = next(v for v in cluster.node_views(False) if v.name == "harvester-node-0")
        nic = next(n for n in view.nics if n.name == "ens1f1")
        assert (nic.driver, nic.speed, nic.pci) == ("ice", 25000, "0000:3b:00.1")
        assert [m for m, _ in writes(api)] == ["PATCH"]
    finally:
        api.down()


def test_the_unattended_runner_applies_a_cluster_scope_profile_from_any_node(tmp_path, monkeypatch):
    """``run --demo``: the simulated node and three-node cluster; the runner publishes its
    node's NIC facts, then covers every node of the cluster, not just its own."""
    from pathlib import Path

    monkeypatch.setenv("HARVESTER_NETSETUP_RUN_DIR", str(tmp_path / "run"))
    text = (Path("profiles") / "vlan-uplink-vm-networks.yaml").read_text()
    text = (text.replace("hostname: node1", "hostname: harvester-node-2")
            .replace("    - name: ens1f0\n    - name: ens1f1\n", "    - name: ens1f0\n")
            .replace("  cluster_network: data\n", "  cluster_network: data\n  scope: cluster\n"))
    profile = write(tmp_path, "p.yaml", text)
    report = tmp_path / "report.json"
    r = run_cli("--demo", "run", "--profile", profile, "--report", str(report),
                "--config-out", str(tmp_path / "h.config"), "--wait", "10")
    assert r.code == 0, r.err
    step = json.loads(report.read_text())["steps"][-1]
    assert step["name"] == "cluster" and step["facts_published"] == "harvester-node-2"
    assert step["uplinks"] == {f"harvester-node-{i}": ["ens1f0"] for i in range(3)}
    assert step["nodes"] == {"harvester-node-0": True, "clusternetwork/data": True,
                             "harvester-node-1": True, "harvester-node-2": True}


def test_v1_0_takes_one_nic_per_node():
    plan = plan_uplinks(vlan("interfaces: [{name: ens1f1}, {name: ens1f0}]"), views(NODES), legacy=True)
    assert [p.line() for p in plan.problems if p.is_error] == [
        "error: vlan.interfaces: Harvester v1.0 takes one VLAN NIC per node (NodeNetwork spec.nic); give one selector"]
    assert plan_uplinks(vlan("interfaces: [{name: ens1f1}]"), views(NODES), legacy=True).cluster_network == "vlan"


async def test_the_wizard_uplink_step_offers_the_whole_cluster_and_shows_the_table(tmp_path, monkeypatch):
    from tests.wizard_driver import choose, demo_app, fill, goto, pick_nics, settle, start

    monkeypatch.setenv("HARVESTER_NETSETUP_RUN_DIR", str(tmp_path / "run"))
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)  # reconfigure this node: it starts from the node's own values
        app.session.draft.set("node.hostname", "harvester-node-0")
        await goto(pilot, app, "uplink")
        await pick_nics(pilot, app, ["ens1f1"])
        await fill(pilot, app, "f-vlan-cluster_network", "data")
        await settle(pilot, app, 0.3)
        assert str(app.screen.query_one("#uplink-table").render()).strip() == ""  # this node only: no table
        await choose(pilot, app, "f-vlan-scope", "cluster")
        await settle(pilot, app, 0.5)
        shown = str(app.screen.query_one("#uplink-table").render())
        rows = table(shown.replace("harvester-", ""))
        assert rows["node-0"][:2] == ["ens1f1", "ok"] and rows["node-1"][:2] == ["ens1f1", "ok"]
        assert rows["node-2"][:2] == ["-", "unresolved"] and "NICs: eno1, eno2, ens1f0" in rows["node-2"][2]
        assert app.session.draft.get("vlan.scope") == "cluster"


def test_readiness_is_reported_per_node_and_a_failed_node_fails_the_apply(api, tmp_path):
    if api.dialect == "v1.0":
        agent_reports(api, "node-0", "True")
        agent_reports(api, "node-1", "False", "Setup VLAN network failed, please try another network interface")
    else:
        api.nodes["node-1"] = [n for n in api.nodes["node-1"] if n != "ens2f1"]  # the agent will not find it
    r = cli(api, tmp_path, "apply", "--wait", "10")
    assert r.code == 1 and "error: not every node is ready" in r.err
    rows = table(r.out)
    assert rows["node-0"][1] == "ready"
    line = next(x for x in r.out.splitlines() if x.startswith("node-1 "))
    why = "Setup VLAN network failed" if api.dialect == "v1.0" else "get link ens2f1 failed"
    assert f"NOT ready: {why}" in line
