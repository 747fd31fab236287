"""Conformance of the cluster side with Harvester's own code (issue 10 §4–§5).

Every cluster object the tool writes is judged by the network controller's real admission
webhooks (``bin/webhooks``, see tests/oracles.py): created, then re-applied over what the
mutators stored — admitted, nothing we wrote changed by a mutator, and a second apply sends
nothing. The simulated API server admits through the same oracle when it is present."""

from __future__ import annotations

import dataclasses
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import oracles
from tests.conftest import run_cli, write

ROOT = Path(__file__).resolve().parent.parent
INV = "tests/fixtures/inventories/four-nics.json"
NODES = ("harvester-node-0", "harvester-node-1", "harvester-node-2")
SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")  # k8s IsDNS1123Subdomain

BASE = """version: 1
harvester: {release}
node: {{dns: [10.0.0.53]{host}}}
management: {{interfaces: [{{name: eno1}}], ipv4: {{method: dhcp}}{mgmt_mtu}}}
"""
VLAN = """vlan:
  cluster_network: {cn}
  interfaces: [{{name: ens1f0}}]
  bond: {{mode: active-backup, miimon: 100}}
{mtu}"""


def profile(release="v1.9", host="", mgmt_mtu=None, cn=None, vlan_mtu=None, networks=(), settings=""):
    text = BASE.format(release=release, host=f", hostname: {host}" if host else "",
                       mgmt_mtu=f", mtu: {mgmt_mtu}" if mgmt_mtu else "")
    if cn:
        text += VLAN.format(cn=cn, mtu=f"  mtu: {vlan_mtu}\n" if vlan_mtu else "")
    if networks:
        text += "networks:\n" + "".join(f"  - {n}\n" for n in networks)
    return text + settings


# ---- the oracle's view of "what we wrote" (independent of production code) ------------------

def _join(path: str, key: str) -> str:  # the oracle's path syntax: a.b["x/y"], spec.config:mtu
    if "." in key or "/" in key:
        return f'{path}[{json.dumps(key)}]'
    return f"{path}{key}" if not path or path.endswith(":") else f"{path}.{key}"


def written_paths(value, path: str = "") -> set[str]:
    if isinstance(value, dict):
        out: set[str] = set()
        for k, v in value.items():
            out |= written_paths(v, _join(path, k))
        return out
    if isinstance(value, str) and value.startswith("{"):
        try:
            inner = json.loads(value)
        except ValueError:
            inner = None
        if isinstance(inner, dict):
            return written_paths(inner, path + ":") | {path}
    return {path}


def sent_by_us(result: dict, body: dict) -> list[str]:
    """The paths a mutator changed among those we wrote."""
    ours = written_paths(body)
    return [p for p in result["patched"] if p in ours]


def oracle_nodes():
    return [{"name": n, "labels": {"network.harvesterhci.io/mgmt": "true"}} for n in NODES]


MGMT = {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "ClusterNetwork", "metadata": {"name": "mgmt"}}


# ---- fixtures ---------------------------------------------------------------------------------

@pytest.fixture()
def webhooks_bin():
    return str(oracles.need("webhooks"))


def start_api(version="v1.9.0", **kw):
    from tui.kube.simulated_api import SimulatedApi

    return SimulatedApi(version=version, agent_delay=0.01, **kw).start()


@pytest.fixture()
def api(webhooks_bin):
    server = start_api(webhooks=webhooks_bin)
    yield server
    server.down()


def writes(api):
    return [(m, p) for m, p in api.state.requests if m in ("POST", "PUT", "PATCH", "DELETE") and "dryRun" not in p]


def cli(api, tmp_path, command, text, *extra):
    kc = write(tmp_path, "kubeconfig", api.kubeconfig())
    return run_cli("cluster", command, write(tmp_path, "p.yaml", text), "--kubeconfig", kc, "--inventory", INV, *extra)


def post(api, path: str, body: dict, method: str = "POST") -> tuple[int, dict]:
    ctype = "application/merge-patch+json" if method == "PATCH" else "application/json"
    req = urllib.request.Request(api.url + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": ctype, "Authorization": "Bearer t"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


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
def test_apply_through_the_real_webhooks_then_a_second_apply_sends_nothing(api, tmp_path, text):
    from tui.kube.writes import apply, plan
    from tui.kube.cluster import Cluster

    objs = _objects(text)
    assert objs
    cluster = Cluster.connect(write(tmp_path, "kc", api.kubeconfig()))
    assert all(c.action == "create" for c in apply(cluster, objs))
    sent = len(writes(api))
    assert all(c.action == "unchanged" for c in apply(cluster, objs))
    assert len(writes(api)) == sent, writes(api)[sent:]
    assert all(c.action == "unchanged" for c in plan(cluster, objs))


# ---- §4 facts ------------------------------------------------------------------------------------

MGMT_9000 = profile(mgmt_mtu=9000, networks=["{name: m100, vlan_id: 100}"])


def test_a_mgmt_nad_does_not_fight_the_mtu_mutator(api, tmp_path):
    assert cli(api, tmp_path, "apply", MGMT_9000).code == 0
    stored = json.loads(api.get("network-attachment-definitions", "m100", "default")["spec"]["config"])
    assert stored.get("mtu") in (None, 1500)  # nad.Mutator.patchMTU: the mgmt cluster network's MTU, not 9000
    sent = len(writes(api))
    r = cli(api, tmp_path, "apply", MGMT_9000)
    assert r.code == 0, r.err  # main sent mtu 9000 again: "nad MTU 9000 does not match cluster network MTU 1500"
    assert len(writes(api)) == sent


def test_plan_says_vm_networks_on_mgmt_get_the_cluster_networks_mtu(api, tmp_path):
    r = cli(api, tmp_path, "plan", MGMT_9000)
    assert r.code == 0, r.err
    assert "networks (default/m100)" in r.err and "MTU 1500" in r.err and "uplink-mtu" in r.err
    mgmt = api.state.objects[("clusternetworks", None, "mgmt")]
    mgmt["metadata"]["annotations"] = {"network.harvesterhci.io/uplink-mtu": "9000"}
    assert "uplink-mtu" not in cli(api, tmp_path, "plan", MGMT_9000).err


def _existing_vlanconfig(api, tmp_path, node: str, mtu: int):
    first = profile(host=node, cn="data", vlan_mtu=mtu)
    r = cli(api, tmp_path, "apply", first)
    assert r.code == 0, r.err


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_vlanconfig_mtu_is_one_per_cluster_network_on_any_nodes(api, tmp_path, command):
    _existing_vlanconfig(api, tmp_path, "harvester-node-0", 9000)
    sent = len(writes(api))
    other_node = profile(host="harvester-node-1", cn="data", vlan_mtu=1500)  # shares no node with the first
    r = cli(api, tmp_path, command, other_node)
    assert r.code == 1
    assert "cluster network data already has MTU 9000" in r.err
    assert len(writes(api)) == sent  # caught before any write


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


def test_a_re_apply_leaves_what_harvester_wrote_alone(api, tmp_path):
    assert cli(api, tmp_path, "apply", ROUTED).code == 0
    nad = api.state.objects[("network-attachment-definitions", "default", "a")]
    learned = {"mode": "auto", "serverIPAddr": "", "cidr": "10.0.10.0/24", "gateway": "10.0.10.1",
               "connectivity": "true"}
    nad["metadata"]["annotations"]["network.harvesterhci.io/route"] = json.dumps(learned, separators=(",", ":"))
    nad["metadata"]["labels"]["network.harvesterhci.io/ready"] = "true"
    nad["metadata"]["annotations"]["field.cattle.io/description"] = "set in the UI"
    vc = api.state.objects[("vlanconfigs", None, "data")]
    vc["metadata"].setdefault("annotations", {})["network.harvesterhci.io/matched-nodes"] = '["harvester-node-0"]'
    sent = len(writes(api))
    r = cli(api, tmp_path, "plan", ROUTED)
    assert all(line.startswith("unchanged") for line in r.out.splitlines()), r.out
    r = cli(api, tmp_path, "apply", ROUTED)
    assert r.code == 0 and len(writes(api)) == sent
    after = api.get("network-attachment-definitions", "a", "default")["metadata"]
    assert json.loads(after["annotations"]["network.harvesterhci.io/route"]) == learned
    # what we own still wins: a changed DHCP server is sent, the learned values stay
    changed = ROUTED.replace("route: {mode: auto}", "route: {mode: auto, dhcp_server: 10.0.10.2}")
    r = cli(api, tmp_path, "apply", changed)
    assert r.code == 0 and len(writes(api)) == sent + 1
    route = json.loads(api.get("network-attachment-definitions", "a", "default")["metadata"]["annotations"]
                       ["network.harvesterhci.io/route"])
    assert route["serverIPAddr"] == "10.0.10.2" and route["cidr"] == "10.0.10.0/24"


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


def test_a_hostname_longer_than_a_label_value_is_refused_with_a_vlan_uplink(api, tmp_path):
    long = profile(host="h" * 64, cn="data")
    r = run_cli("validate", write(tmp_path, "p.yaml", long))
    assert r.code == 1 and "error: node.hostname:" in r.err and "at most 63" in r.err
    assert run_cli("validate", write(tmp_path, "p.yaml", profile(host="h" * 64))).code == 0  # no VlanConfig: fine
    r = cli(api, tmp_path, "apply", profile(host="h" * 63, cn="datanetwork1"))
    assert r.code == 0, r.err


# ---- §5 the simulated API server ------------------------------------------------------------------

CN_PATH = "/apis/network.harvesterhci.io/v1beta1/clusternetworks"
VC_PATH = "/apis/network.harvesterhci.io/v1beta1/vlanconfigs"


def _nad_path(ns="default"):
    return f"/apis/k8s.cni.cncf.io/v1/namespaces/{ns}/network-attachment-definitions"


def _cn(name, **meta):
    return {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "ClusterNetwork",
            "metadata": {"name": name, **meta}}


def _vc(name, cn, mtu=None):
    return {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "VlanConfig", "metadata": {"name": name},
            "spec": {"clusterNetwork": cn, "uplink": {"nics": ["ens1f0"], "linkAttributes": {"mtu": mtu} if mtu else {},
                                                     "bondOptions": {"mode": "active-backup", "miimon": 100}}}}


def _nad(name, cn, vlan, mtu=None):
    cfg = {"cniVersion": "0.3.1", "name": name, "type": "bridge", "bridge": f"{cn}-br", "promiscMode": True,
           "vlan": vlan, "ipam": {}}
    if mtu:
        cfg["mtu"] = mtu
    return {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": {"name": name},
            "spec": {"config": json.dumps(cfg)}}


def _route(text):
    return {"annotations": {"network.harvesterhci.io/route": text}}


def _with(obj, **meta):
    return {**obj, "metadata": {**obj["metadata"], **meta}}


def _patch_vc_mtu(mtu):
    body = {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "VlanConfig", "metadata": {"name": "data"},
            "spec": {"uplink": {"linkAttributes": {"mtu": mtu}}}}
    return ("PATCH", VC_PATH + "/data", body)


DATA = [_cn("data"), (VC_PATH, _vc("data", "data"))]  # a cluster network with its uplink
REFUSED = [  # (setup: a dict is stored as it is, a (path, body) is written; the write the real webhooks refuse)
    pytest.param([_cn("data")], (VC_PATH, _vc("data", "data", 9001)), id="vlanconfig-mtu-9001"),
    pytest.param([_cn("data")], (VC_PATH, _vc("data", "data", 575)), id="vlanconfig-mtu-575"),
    pytest.param(DATA, _patch_vc_mtu(9001), id="vlanconfig-updated-to-mtu-9001"),
    pytest.param(DATA, _patch_vc_mtu(575), id="vlanconfig-updated-to-mtu-575"),
    pytest.param([], (VC_PATH, _vc("data", "data")), id="vlanconfig-without-its-clusternetwork"),
    pytest.param([], (VC_PATH, _vc("m", "mgmt")), id="vlanconfig-on-mgmt"),
    pytest.param([], (CN_PATH, _cn("thirteenchars")), id="clusternetwork-13-characters"),
    pytest.param([_cn("thirteenchars")], (VC_PATH, _vc("x", "thirteenchars")), id="vlanconfig-on-13-characters"),
    pytest.param([_cn("thirteenchars")], (_nad_path(), _nad("v", "thirteenchars", 10)), id="nad-on-13-characters"),
    pytest.param([], (CN_PATH, _cn("data", annotations={"network.harvesterhci.io/uplink-mtu": "9000"})),
                 id="clusternetwork-created-with-uplink-mtu"),
    pytest.param(DATA, (_nad_path(), _nad("v", "data", 4095)), id="nad-vlan-4095"),
    pytest.param(DATA, (_nad_path(), _nad("v", "data", -1)), id="nad-vlan-negative"),
    pytest.param([], (_nad_path(), _nad("v", "nope", 10)), id="nad-on-a-missing-clusternetwork"),
    pytest.param(DATA, (_nad_path(), _with(_nad("v", "data", 10),
                                           labels={"network.harvesterhci.io/clusternetwork": "mgmt"})),
                 id="nad-label-not-its-bridge"),
    pytest.param([], (_nad_path(), _with(_nad("v", "mgmt", 10),
                                         **_route('{"mode":"manual","cidr":"bad","gateway":"x"}'))),
                 id="nad-route-manual-bad-cidr"),
    pytest.param([], (_nad_path(), _with(_nad("v", "mgmt", 10), **_route('{"mode":"weird"}'))),
                 id="nad-route-unknown-mode"),
    pytest.param(DATA + [(_nad_path(), _nad("v", "mgmt", 10))],
                 ("PATCH", _nad_path() + "/v", _with(_nad("v", "data", 10), namespace="default")),
                 id="nad-bridge-changed"),
]


@pytest.mark.parametrize("setup,write_", REFUSED)
def test_the_simulated_api_refuses_what_the_real_webhooks_refuse(api, setup, write_):
    existing, admitted = [MGMT], []
    for item in setup:
        if isinstance(item, dict):
            api.seed(item)
            existing.append(item)
        else:
            code, out = post(api, *item)
            assert code == 201, out
            admitted.append(item[1])
    method, path, body = write_ if len(write_) == 3 else ("POST", *write_)  # a PATCH body names its object too
    judged = oracles.webhooks({"nodes": oracle_nodes(), "existing": existing, "objects": admitted + [body]})
    assert all(r["allowed"] for r in judged[:-1]) and not judged[-1]["allowed"]  # the oracle says no ...
    code, out = post(api, path, body, method)
    assert code >= 400, out  # ... and so does the simulated server, in the webhook's words
    assert judged[-1]["message"] in out["message"] and "denied the request" in out["message"]


def test_the_simulated_api_stores_what_the_mutators_return(api):
    code, out = post(api, _nad_path(), _nad("v", "mgmt", 10, mtu=9000))
    assert code == 201, out
    stored = api.get("network-attachment-definitions", "v", "default")
    assert json.loads(stored["spec"]["config"])["mtu"] == 1500  # nad.Mutator.patchMTU
    code, out = post(api, CN_PATH, _cn("data"))
    code, out = post(api, VC_PATH, _vc("data", "data"))
    assert code == 201, out
    labels = api.get("vlanconfigs", "data")["metadata"]["labels"]
    assert labels["network.harvesterhci.io/clusternetwork"] == "data"  # vlanconfig.Mutator


@pytest.mark.parametrize("with_oracle", [True, False])
@pytest.mark.parametrize("path,body", [
    (CN_PATH, _cn("Data_Net")),
    (CN_PATH, _cn("-data")),
    (_nad_path(), _nad("Data_Net", "mgmt", 10)),
    (VC_PATH, {**_vc("x" * 254, "data")}),
])
def test_the_simulated_api_validates_names_as_the_api_server_does(webhooks_bin, with_oracle, path, body):
    api = start_api(webhooks=webhooks_bin if with_oracle else None)
    try:
        code, out = post(api, path, body)
        assert code == 422, out
        assert "metadata.name: Invalid value" in out["message"]
        assert "RFC 1123 subdomain" in out["message"] or "must be no more than 253 characters" in out["message"]
    finally:
        api.down()


@pytest.mark.parametrize("with_oracle", [True, False])
def test_the_simulated_api_prunes_unknown_fields(webhooks_bin, with_oracle):
    api = start_api(webhooks=webhooks_bin if with_oracle else None)
    try:
        body = _cn("data")
        body["spec"] = {"surprise": 1}
        body["extra"] = "x"
        assert post(api, CN_PATH, body)[0] == 201
        vc = _vc("data", "data")
        vc["spec"]["uplink"]["bondOptions"]["nonsense"] = 5
        vc["spec"]["unknownTop"] = True
        assert post(api, VC_PATH, vc)[0] == 201
        stored_cn, stored_vc = api.get("clusternetworks", "data"), api.get("vlanconfigs", "data")
        assert "extra" not in stored_cn and "surprise" not in (stored_cn.get("spec") or {})
        assert "nonsense" not in stored_vc["spec"]["uplink"]["bondOptions"] and "unknownTop" not in stored_vc["spec"]
        assert stored_vc["spec"]["uplink"]["bondOptions"]["mode"] == "active-backup"
    finally:
        api.down()


def test_the_simulated_api_finds_the_oracle_or_works_without_it(tmp_path, monkeypatch):
    from tui.kube import simulated_api as S

    exe = oracles.oracle_dir() / "webhooks"
    monkeypatch.setenv("HNS_ORACLES", str(oracles.oracle_dir()))
    assert S.find_webhooks() == (str(exe) if exe.is_file() else None)
    monkeypatch.setenv("HNS_ORACLES", str(tmp_path))  # an empty directory: no oracle
    assert S.find_webhooks() is None
    api = start_api()  # admission by schema and names only, still a working server
    try:
        assert api.webhooks is None
        assert post(api, CN_PATH, _cn("data"))[0] == 201
        assert post(api, CN_PATH, _cn("Data_Net"))[0] == 422
    finally:
        api.down()
    monkeypatch.delenv("HNS_ORACLES")
    default = ROOT.parent / "shared" / "oracles" / "bin" / "webhooks"
    assert S.find_webhooks() == (str(default) if default.is_file() else None)


def test_a_network_made_untagged_loses_its_vlan_but_keeps_what_harvester_added(api, tmp_path):
    tagged = profile(cn="data", vlan_mtu=9000, networks=["{name: a, vlan_id: 10}"])
    assert cli(api, tmp_path, "apply", tagged).code == 0
    nad = api.state.objects[("network-attachment-definitions", "default", "a")]
    cfg = json.loads(nad["spec"]["config"])
    nad["spec"]["config"] = json.dumps({**cfg, "addedBySomeoneElse": True})
    r = cli(api, tmp_path, "apply", tagged.replace("{name: a, vlan_id: 10}", "{name: a}"))
    assert r.code == 0, r.err
    after = json.loads(api.get("network-attachment-definitions", "a", "default")["spec"]["config"])
    assert "vlan" not in after and after["addedBySomeoneElse"] is True and after["mtu"] == 9000


def test_the_wizard_review_checks_the_cluster_state_before_any_write(api, tmp_path):
    from tui.kube.cluster import Cluster
    from tui.model.load import load_text
    from tui.net.simulated import SimulatedHost
    from tui.wizard.draft import Draft
    from tui.wizard.session import Session

    _existing_vlanconfig(api, tmp_path, "harvester-node-0", 9000)
    sent = len(writes(api))
    kc = write(tmp_path, "kc", api.kubeconfig())
    text = profile(host="harvester-node-1", cn="data", vlan_mtu=1500, networks=["{name: a, vlan_id: 10}"])
    session = Session(SimulatedHost.demo(0), str(tmp_path / "out"), Draft.from_profile(load_text(text)),
                      simulated=True, connect_cluster=lambda: Cluster.connect(kc))
    lines = [p.line() for p in session.cluster_problems()]
    assert any("cluster network data already has MTU 9000" in line for line in lines), lines
    assert len(writes(api)) == sent
    assert not session.apply_cluster(report=lambda text: None)  # the apply stops on the same check
    assert len(writes(api)) == sent


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
