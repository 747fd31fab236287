"""What the cluster conformance tests share (tests/test_conformance_cluster.py,
tests/test_conformance_simulated_api.py): a profile builder, the oracle's view of "what we
wrote" (independent of production code), the simulated API server, and HTTP and the CLI
against it. The fixtures ``webhooks_bin`` and ``webhook_api`` are in tests/conftest.py."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tests.conftest import run_cli, write


INV = "tests/fixtures/inventories/four-nics.json"


NODES = ("harvester-node-0", "harvester-node-1", "harvester-node-2")


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


# ---- the simulated API server, over HTTP and through the CLI -----------------------------------

def start_api(version="v1.9.0", **kw):
    from tui.kube.simulated_api import SimulatedApi

    return SimulatedApi(version=version, agent_delay=0.01, **kw).start()


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


def existing_vlanconfig(api, tmp_path, node: str, mtu: int):
    first = profile(host=node, cn="data", vlan_mtu=mtu)
    r = cli(api, tmp_path, "apply", first)
    assert r.code == 0, r.err
