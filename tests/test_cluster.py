"""The cluster side over real HTTP: the kubernetes client against the simulated API server
(real CRD schemas, resourceVersion, dryRun, merge-patch), through the CLI."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli, write, writes
from tui.kube.simulated_api import SimulatedApi
from tui.model.kube_objects import vlanstatus_name
from tui.model.load import load_text
from tui.render.cluster_objects import cluster_objects

INV = "tests/fixtures/inventories/four-nics.json"
PROFILE = """version: 1
harvester: v1.6
node: {dns: [10.0.0.53]}
management: {interfaces: [{name: eno1}], ipv4: {method: dhcp}}
vlan:
  cluster_network: data
  interfaces: [{name: ens1f0}]
  bond: {mode: active-backup, miimon: 100}
  mtu: 9000
networks:
  - {name: vlan200, vlan_id: 200, route: {mode: auto, dhcp_server: 10.0.200.2}}
  - {name: storage, namespace: infra, vlan_id: 300, route: {mode: manual, cidr: 10.0.30.0/24, gateway: 10.0.30.1}}
  - {name: flat}
cluster:
  settings:
    ntp-servers: {ntpServers: [0.suse.pool.ntp.org]}
"""


@pytest.fixture()
def api():
    server = SimulatedApi().start()
    yield server
    server.down()


@pytest.fixture()
def kube(api, tmp_path):
    kc = write(tmp_path, "kubeconfig", api.kubeconfig())

    def run(*args, profile=PROFILE):
        path = write(tmp_path, "p.yaml", profile)
        extra = ["--inventory", INV] if args[0] in ("plan", "apply") else []
        argv = ["cluster",
                args[0]] + ([path] if args[0] in ("plan", "apply") else []) + list(args[1:]) + ["--kubeconfig",
                                                                                                kc] + extra
        return run_cli(*argv)

    return run


def test_objects_are_what_the_harvester_ui_writes():
    objs = {o.ref: o.body for o in cluster_objects(load_text(PROFILE).profile, ("ens1f0",))}
    assert list(objs) == ["clusternetworks/data", "vlanconfigs/data", "network-attachment-definitions/default/vlan200",
                          "network-attachment-definitions/infra/storage", "network-attachment-definitions/default/flat",
                          "settings/ntp-servers"]
    assert objs["vlanconfigs/data"]["spec"] == {"clusterNetwork": "data", "uplink": {
        "nics": ["ens1f0"], "linkAttributes": {"mtu": 9000}, "bondOptions": {"mode": "active-backup", "miimon": 100}}}
    nad = objs["network-attachment-definitions/default/vlan200"]
    assert nad["spec"]["config"] == ('{"cniVersion":"0.3.1","name":"vlan200","type":"bridge","bridge":"data-br",'
                                     '"promiscMode":true,"vlan":200,"ipam":{},"mtu":9000}')
    assert nad["metadata"]["labels"] == {"network.harvesterhci.io/clusternetwork": "data",
                                         "network.harvesterhci.io/type": "L2VlanNetwork",
                                         "network.harvesterhci.io/vlan-id": "200"}
    assert nad["metadata"]["annotations"]["network.harvesterhci.io/route"] == (
        '{"mode":"auto","serverIPAddr":"10.0.200.2","cidr":"","gateway":""}')
    storage = objs["network-attachment-definitions/infra/storage"]
    manual = storage["metadata"]["annotations"]["network.harvesterhci.io/route"]
    assert manual == '{"mode":"manual","serverIPAddr":"","cidr":"10.0.30.0/24","gateway":"10.0.30.1"}'
    flat = objs["network-attachment-definitions/default/flat"]
    assert '"vlan"' not in flat["spec"]["config"]
    assert flat["metadata"]["labels"]["network.harvesterhci.io/type"] == "UntaggedNetwork"
    assert objs["settings/ntp-servers"]["value"] == '{"ntpServers":["0.suse.pool.ntp.org"]}'


def test_plan_apply_wait_and_a_second_apply_changes_nothing(api, kube):
    r = kube("plan")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == "create    clusternetworks/data"
    assert not writes(api)  # plan is dry-run only
    # each create checked by the server, but for those on the new cluster network (nothing to check against)
    assert sum("dryRun=All" in p for _, p in api.state.requests) == 2
    r = kube("apply", "--wait", "10")
    assert r.code == 0, r.err
    assert "6 of 6 objects changed" in r.err
    for node in ("harvester-node-0", "harvester-node-1", "harvester-node-2"):
        assert f"{node}: ready" in r.err
    vc = api.get("vlanconfigs", "data")
    assert vc["spec"]["uplink"]["linkAttributes"] == {"mtu": 9000, "txQLen": -1}  # the CRD default applied
    assert api.get("network-attachment-definitions", "storage", "infra")["spec"]["config"].endswith('"mtu":9000}')
    before = len(writes(api))
    r = kube("apply")
    assert r.code == 0 and "0 of 6 objects changed" in r.err
    assert len(writes(api)) == before
    assert all(line.startswith("unchanged") for line in kube("plan").out.splitlines())


def test_a_changed_profile_is_merge_patched(api, kube):
    assert kube("apply").code == 0
    r = kube("plan", profile=PROFILE.replace("vlan_id: 200", "vlan_id: 210"))
    assert "update    network-attachment-definitions/default/vlan200" in r.out and "spec.config" in r.out
    r = kube("apply", profile=PROFILE.replace("vlan_id: 200", "vlan_id: 210"))
    assert r.code == 0 and "1 of 6 objects changed" in r.err
    assert ("PATCH",
            "/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions/vlan200") in writes(api)
    assert api.get("network-attachment-definitions", "vlan200",
                   "default")["metadata"]["labels"]["network.harvesterhci.io/vlan-id"] == "210"


def test_conflicts_are_retried_by_re_reading(api, kube):
    assert kube("apply").code == 0
    api.conflict("network-attachment-definitions", "vlan200", 2)
    r = kube("apply", profile=PROFILE.replace("vlan_id: 200", "vlan_id: 220"))
    assert r.code == 0, r.err
    assert r.err.count("conflict, re-reading") == 2


def test_webhook_rejection_names_the_object_and_field(api, kube):
    api.reject("vlanconfigs", "data", 400, "the MTU is different from network config other",
               "spec.uplink.linkAttributes.mtu")
    r = kube("apply")
    assert r.code == 1
    assert "vlanconfigs/data: rejected (400)" in r.err and "spec.uplink.linkAttributes.mtu" in r.err
    assert "Traceback" not in r.err
    assert api.get("clusternetworks", "data") is not None  # created before, in dependency order
    assert api.get("network-attachment-definitions", "vlan200", "default") is None  # nothing after it


MANY = PROFILE.replace("networks:\n", "networks:\n" + "".join(f"  - {{name: n{i}, vlan_id: {i}}}\n" for i in range(10,
                                                                                                                   40)))


def test_many_vm_networks_are_written_concurrently_one_request_each(tmp_path):
    slow = SimulatedApi(latency=0.02).start()  # an API server with webhooks takes a while per write
    try:
        kc = write(tmp_path, "kc", slow.kubeconfig())
        r = run_cli("cluster", "apply", write(tmp_path, "p.yaml", MANY), "--kubeconfig", kc, "--inventory", INV)
        assert r.code == 0, r.err
        assert [m for m, _ in writes(slow)] == ["POST"] * 36  # one write per object, none repeated
        assert all(slow.get("network-attachment-definitions", f"n{i}", "default") for i in range(10, 40))
        assert 1 < slow.state.max_in_flight <= 8  # NADs several at a time, bounded
        reported = [line.split(":")[0] for line in r.err.splitlines() if line.endswith(": create")]
        assert reported[:2] == ["clusternetworks/data", "vlanconfigs/data"] and reported[-1] == "settings/ntp-servers"
        nads = [x for x in reported if x.startswith("network-attachment-definitions/")]
        assert nads == [f"network-attachment-definitions/{o}" for o in
                        [f"default/n{i}" for i in range(10, 40)] + ["default/vlan200", "infra/storage", "default/flat"]]
    finally:
        slow.down()


def test_a_rejected_nad_among_many_stops_the_apply_and_reports_what_was_written(api, kube):
    api.reject("network-attachment-definitions", "n20", 400, "vlan id is in use by another network")
    r = kube("apply", profile=MANY)
    assert r.code == 1 and "network-attachment-definitions/default/n20: rejected (400)" in r.err
    assert "Traceback" not in r.err
    created = [line.split(": ")[0] for line in r.err.splitlines() if line.endswith(": create")]
    for ref in created:  # every write reported is on the server
        _, ns, name = ref.split("/") if ref.count("/") == 2 else (None, None, ref.split("/")[1])
        plural = ref.split("/")[0]
        assert api.get(plural, name, ns) is not None, ref
    assert "network-attachment-definitions/default/n19" in created  # all before it, in order
    assert api.get("settings", "ntp-servers") is None  # the kinds after NADs never started


def test_the_fake_enforces_the_real_crd_schema(api, tmp_path):
    from tui.kube.writes import apply
    from tui.kube.cluster import Cluster, ClusterError
    from tui.render.cluster_objects import Obj

    cluster = Cluster.connect(write(tmp_path, "kc", api.kubeconfig()))
    bad = Obj("network.harvesterhci.io", "v1beta1", "vlanconfigs", "VlanConfig", "bad", None,
              {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "VlanConfig", "metadata": {"name": "bad"},
               "spec": {"clusterNetwork": "data", "uplink": {"nics": ["x"], "bondOptions": {"mode": "fast",
                                                                                            "miimon": -5}}}})
    with pytest.raises(ClusterError) as err:
        apply(cluster, [bad])
    text = str(err.value)
    assert "rejected (422)" in text
    assert "spec.uplink.bondOptions.mode" in text and "spec.uplink.bondOptions.miimon" in text


def test_checks_the_webhooks_miss_run_before_anything_is_sent(api, kube):
    other = PROFILE.replace("cluster_network: data", "cluster_network: other").replace("mtu: 9000", "mtu: 1500")
    assert kube("apply", profile=other.split("networks:")[0]).code == 0
    sent = len(writes(api))
    r = kube("apply")
    assert r.code == 1
    assert "ens1f0 already serve cluster network other" in r.err
    assert len(writes(api)) == sent


def test_same_cluster_network_two_vlanconfigs_and_mtu(api, kube):
    assert kube("apply", profile=PROFILE.split("networks:")[0]).code == 0
    node = PROFILE.replace("node: {dns", "node: {hostname: harvester-node-1, dns").replace("mtu: 9000", "mtu: 1500")
    r = kube("plan", profile=node.split("networks:")[0])
    assert r.code == 1
    assert "both match node(s) harvester-node-1" in r.err and "already has MTU 9000" in r.err


def test_wait_reports_each_node(api, kube):
    r = kube("apply", "--wait", "10", profile=PROFILE.replace("name: ens1f0}]", "name: ens1f1}]"))
    assert r.code == 1
    assert "harvester-node-0: ready" in r.err and "harvester-node-2: NOT ready (get link ens1f1 failed" in r.err
    assert api.get("vlanstatuses", vlanstatus_name("data",
                                                   "harvester-node-2"))["status"]["conditions"][0]["status"] == "False"


def test_nic_presence(api, kube):
    r = kube("nics", "--json")
    doc = json.loads(r.out)
    assert {n["name"]: n["percent"] for n in doc["nics"]}["ens1f1"] == 66.67
    assert "ens1f1 (66.67 %)" in kube("nics").out


def test_unreachable_and_unauthorized_are_clear(api, kube, tmp_path):
    kc = write(tmp_path, "bad", api.kubeconfig(token="bad-token"))
    r = run_cli("cluster", "nics", "--kubeconfig", kc)
    assert r.code == 1 and "unauthorized" in r.err
    api.down()
    r = kube("plan")
    assert r.code == 1 and "cannot reach the cluster at http://127.0.0.1" in r.err and "Traceback" not in r.err


def test_release_mismatch_warns(api, kube):
    r = kube("plan", profile=PROFILE.replace("harvester: v1.6", "harvester: v1.8"))
    assert r.code == 0 and "the profile targets v1.8 but the cluster runs v1.6.1" in r.err


def test_v1_0_dialect(tmp_path):
    api = SimulatedApi(dialect="v1.0", version="v1.0.3").start()
    try:
        kc = write(tmp_path, "kc", api.kubeconfig())
        legacy = ("version: 1\nharvester: v1.0\nnode: {hostname: harvester-node-1, dns: [10.0.0.53]}\n"
                  "management: {interfaces: [{name: eno1}], ipv4: {method: dhcp}}\n"
                  "vlan: {interfaces: [{name: ens1f0}]}\nnetworks: [{name: vlan200, vlan_id: 200}]\n")
        r = run_cli("cluster", "apply", write(tmp_path, "p.yaml", legacy), "--kubeconfig", kc, "--inventory", INV)
        assert r.code == 0, r.err
        cn = api.get("clusternetworks", "vlan")
        assert cn["enable"] is True and cn["config"] == {"defaultPhysicalNIC": "ens1f0"}
        assert api.get("nodenetworks", "harvester-node-1-vlan")["spec"]["nic"] == "ens1f0"
        assert '"bridge":"harvester-br0"' in api.get("network-attachment-definitions", "vlan200",
                                                     "default")["spec"]["config"]
        doc = json.loads(run_cli("cluster", "nics", "--json", "--kubeconfig", kc).out)
        assert {n["name"] for n in doc["nics"]} == {"eno1", "eno2", "ens1f0", "ens1f1"}
    finally:
        api.down()


# one set of failure rules for the cluster side, shared by `cluster apply`, `run` and the wizard
@pytest.mark.parametrize("case, profile_text, wait, ok, error, applied, waited", [
    ("all ready", PROFILE.split("networks:")[0], 10.0, True, None, True, True),
    ("no wait asked", PROFILE.split("networks:")[0], None, True, None, True, False),
    ("a node not ready", PROFILE.split("networks:")[0].replace("name: ens1f0}]", "name: ens1f1}]"), 10.0,
     False, "not every node is ready", True, True),
    ("an error refuses before any write", PROFILE.split("networks:")[0].replace("mtu: 9000", "mtu: 1500").replace(
        "node: {dns", "node: {hostname: harvester-node-1, dns"), 10.0, False, "already has MTU 9000", False, False),
], ids=["all ready", "no wait asked", "a node not ready", "an error refuses before any write"])
def test_the_cluster_apply_rules(api, tmp_path, case, profile_text, wait, ok, error, applied, waited):
    from tui.kube.cluster import Cluster
    from tui.kube.profile_apply import apply_profile
    from tui.model.inventory import inventory_from_data

    cluster = Cluster.connect(write(tmp_path, "kc", api.kubeconfig()))
    if case.startswith("an error"):  # another profile already set the cluster network's MTU to 9000
        assert apply_profile(cluster, load_text(PROFILE.split("networks:")[0]).profile, None, None).ok
    before = len(writes(api))
    with open(INV) as f:
        inventory = inventory_from_data(json.load(f))[0]
    seen = []
    out = apply_profile(cluster, load_text(profile_text).profile, inventory, wait,
                        on_plan=lambda problems, uplinks: seen.append(problems))
    assert out.ok is ok and (error is None) is (out.error is None), (case, out)
    assert error is None or error in out.error
    assert len(seen) == 1 and seen[0] == out.problems  # the plan is shown before anything is written
    assert (len(writes(api)) > before) is applied, case
    assert (out.states is not None) is waited, case
