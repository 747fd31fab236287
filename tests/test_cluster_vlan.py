"""Issue 15: the cluster-wide default VLAN NIC (``vlan.scope: cluster``), resolved on every
node from the cluster's own view of its NICs, written as objects Harvester's webhooks admit
(judged by the network controller's own webhooks, tests/oracles.py), idempotent, covering a
node that joins later; against the simulated API server over HTTP, v1.1+ and v1.0."""

from __future__ import annotations

import json
import threading

import pytest

from tests import oracles
from tests.cluster_vlan_kit import ICE, NODES, PROFILE
from tests.conftest import run_cli, write, writes
from tui.kube.simulated_api import SimulatedApi
from tui.model.kube_objects import vlanstatus_name
from tui.model.load import load_text
from tui.model.nic_views import FACTS_ANNOTATION


INV = "tests/fixtures/inventories/four-nics.json"  # this node's kernel: only management resolves on it


LATE = ("node-4", [{"name": "eno1", "master": "mgmt-bo"}, {"name": "ens1f1", **ICE}])


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
