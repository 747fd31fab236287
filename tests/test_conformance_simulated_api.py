"""Conformance of the simulated API server with Harvester's own code (issue 10 §5): it
refuses what the network controller's real admission webhooks refuse (``bin/webhooks``, see
tests/oracles.py), stores what their mutators return, validates names and prunes unknown
fields as the API server does, and finds the oracle or works without it."""

from __future__ import annotations

import json

import pytest

from tests import oracles
from tests.conftest import ROOT
from tests.webhook_kit import MGMT, oracle_nodes, post, start_api


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
def test_the_simulated_api_refuses_what_the_real_webhooks_refuse(webhook_api, setup, write_):
    existing, admitted = [MGMT], []
    for item in setup:
        if isinstance(item, dict):
            webhook_api.seed(item)
            existing.append(item)
        else:
            code, out = post(webhook_api, *item)
            assert code == 201, out
            admitted.append(item[1])
    method, path, body = write_ if len(write_) == 3 else ("POST", *write_)  # a PATCH body names its object too
    judged = oracles.webhooks({"nodes": oracle_nodes(), "existing": existing, "objects": admitted + [body]})
    assert all(r["allowed"] for r in judged[:-1]) and not judged[-1]["allowed"]  # the oracle says no ...
    code, out = post(webhook_api, path, body, method)
    assert code >= 400, out  # ... and so does the simulated server, in the webhook's words
    assert judged[-1]["message"] in out["message"] and "denied the request" in out["message"]


def test_the_simulated_api_stores_what_the_mutators_return(webhook_api):
    code, out = post(webhook_api, _nad_path(), _nad("v", "mgmt", 10, mtu=9000))
    assert code == 201, out
    stored = webhook_api.get("network-attachment-definitions", "v", "default")
    assert json.loads(stored["spec"]["config"])["mtu"] == 1500  # nad.Mutator.patchMTU
    code, out = post(webhook_api, CN_PATH, _cn("data"))
    code, out = post(webhook_api, VC_PATH, _vc("data", "data"))
    assert code == 201, out
    labels = webhook_api.get("vlanconfigs", "data")["metadata"]["labels"]
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
