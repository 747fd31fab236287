"""A Kubernetes API server on loopback for the demo and the tests: real HTTP, object names
checked as the API server does (DNS-1123 subdomain), the real Harvester CRD schemas
(tui/kube/crds/: unknown fields pruned, defaults applied, validated with jsonschema),
resourceVersion with 409 on stale writes, dryRun, merge-patch, discovery, and a small
"controller" that answers a VlanConfig with per-node VlanStatus like Harvester's agent.

Admission: when Harvester's network controller webhooks are at hand as the prebuilt oracle
``webhooks`` (``$HNS_ORACLES`` or ``../shared/oracles/bin`` beside the checkout), every write
of a kind they judge goes through them — the controller's own mutators, then its validators —
and what they return is stored; a refusal is answered as the API server relays it. The oracle
is the v1.9 controller's, whatever ``version`` the server reports. Without it the server still
works (schema and names only).

Admission lives in ``simulated_admission.py``, the HTTP side in ``simulated_http.py``, the
seeded objects and the agent's answers in ``simulated_agent.py``; this module routes the
requests and keeps the objects.

Tests steer it: ``reject`` (a webhook's 4xx), ``conflicts`` (409s before a write lands),
``seed`` (an object already in the cluster), ``down()``. It is a simulated backend, never a
stand-in for the code under test, and production code never imports it."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

import yaml

from tui.kube.crd_schemas import Crd, load_crds
from tui.kube.simulated_admission import ApiError, admit, find_webhooks
from tui.kube.simulated_agent import now, seed_objects, vlan_statuses
from tui.kube.simulated_http import Handler
from tui.model.kube_objects import merge_patch

NODE_NICS = {  # the demo's three nodes: ens1f1 is missing on node-2 ("66.67 %")
    "harvester-node-0": ["eno1", "eno2", "ens1f0", "ens1f1"],
    "harvester-node-1": ["eno1", "eno2", "ens1f0", "ens1f1"],
    "harvester-node-2": ["eno1", "eno2", "ens1f0"],
}


@dataclass
class State:
    crds: list[Crd]
    objects: dict = field(default_factory=dict)  # (plural, ns, name) -> object
    rv: int = 1000
    rejections: dict = field(default_factory=dict)  # (plural, name) -> (code, message, field)
    conflicts: dict = field(default_factory=dict)  # (plural, name) -> remaining 409s
    requests: list = field(default_factory=list)  # (method, path) of every request
    in_flight: int = 0  # requests being served now
    max_in_flight: int = 0  # the most served at once (a client's concurrency)
    lock: threading.RLock = field(default_factory=threading.RLock)


class SimulatedApi:
    def __init__(self, dialect: str = "v1.1+", version: str = "v1.6.1", nodes: dict | None = None,
                 agent_delay: float = 0.05,
                 require_token: bool = True, latency: float = 0.0, webhooks: str | None = "auto"):
        self.require_token = require_token  # kubectl sends no bearer token over plain http
        self.latency = latency  # seconds added to every request (a real API server with webhooks)
        self.state = State(load_crds(dialect))
        self.dialect, self.version = dialect, version
        self.nodes = nodes if nodes is not None else NODE_NICS
        self.node_meta: dict = {}  # node -> extra metadata (labels, annotations) of its Node object
        self.agent_delay = agent_delay
        # the network controller's webhooks (none in v1.0); "auto": found as find_webhooks() says
        self.webhooks = None if dialect == "v1.0" else (find_webhooks() if webhooks == "auto" else webhooks)
        self.server: ThreadingHTTPServer | None = None
        self._seed()

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> "SimulatedApi":
        class ThisServersHandler(Handler):
            api = self

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), ThisServersHandler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def down(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def kubeconfig(self, token: str = "demo-token") -> str:
        return yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "sim",
            "clusters": [{"name": "sim", "cluster": {"server": self.url}}],
            "users": [{"name": "sim", "user": {"token": token}}],
            "contexts": [{"name": "sim", "context": {"cluster": "sim", "user": "sim"}}],
        })

    # ---- steering ----------------------------------------------------------------------------
    def reject(self, plural: str, name: str, code: int, message: str, field_path: str = "") -> None:
        self.state.rejections[(plural, name)] = (code, message, field_path)

    def conflict(self, plural: str, name: str, times: int) -> None:
        self.state.conflicts[(plural, name)] = times

    def seed(self, obj: dict) -> dict:
        """Store ``obj`` as if it were already in the cluster (no admission)."""
        crd = next(c for c in self.state.crds if (obj["apiVersion"], obj["kind"]) == (f"{c.group}/{c.version}", c.kind))
        ns = obj["metadata"].get("namespace") if crd.namespaced else None
        with self.state.lock:
            return self._store(crd.plural, ns, copy.deepcopy(obj))

    def get(self, plural: str, name: str, namespace: str | None = None):
        return copy.deepcopy(self.state.objects.get((plural, namespace, name)))

    # ---- seed ----------------------------------------------------------------------------------
    def _seed(self) -> None:
        for plural, obj in seed_objects(self.dialect, self.version, self.nodes):
            self._store(plural, None, obj)

    def crd(self, group: str, version: str, plural: str) -> Crd | None:
        return next((c for c in self.state.crds if (c.group, c.version, c.plural) == (group, version, plural)), None)

    def _store(self, plural: str, ns: str | None, obj: dict) -> dict:
        st = self.state
        st.rv += 1
        meta = obj.setdefault("metadata", {})
        meta["resourceVersion"] = str(st.rv)
        meta.setdefault("uid", f"uid-{st.rv}")
        meta.setdefault("creationTimestamp", now())
        meta["generation"] = meta.get("generation", 0) + 1
        st.objects[(plural, ns, meta["name"])] = obj
        return obj

    # ---- the simulated agent --------------------------------------------------------------------
    def _after_write(self, plural: str, obj: dict) -> None:
        if plural != "vlanconfigs":
            return
        threading.Timer(self.agent_delay, self._agent, args=(copy.deepcopy(obj),)).start()

    def _agent(self, vc: dict) -> None:
        spec = vc.get("spec", {})
        cn = spec.get("clusterNetwork")
        with self.state.lock:
            for status in vlan_statuses(vc, self.nodes):
                self._store("vlanstatuses", None, status)
            cnobj = self.state.objects.get(("clusternetworks", None, cn))
            if cnobj is not None:
                mtu = ((spec.get("uplink") or {}).get("linkAttributes") or {}).get("mtu")
                if mtu:  # the manager records the uplink MTU on the cluster network (v1.6+)
                    cnobj["metadata"].setdefault("annotations", {})["network.harvesterhci.io/uplink-mtu"] = str(mtu)
                cnobj["status"] = {"conditions": [{"type": "ready", "status": "True", "lastUpdateTime": now()}]}
                self._store("clusternetworks", None, cnobj)

    # ---- request handling (called by the HTTP handler) -----------------------------------------
    def handle(self, method: str, path: str, query: dict, body: dict | None, content_type: str):
        dry = "All" in query.get("dryRun", [])
        self.state.requests.append((method, path + ("?dryRun=All" if dry else "")))
        parts = [p for p in path.split("/") if p]
        if path == "/version":
            return 200, {"major": "1", "minor": "30", "gitVersion": "v1.30.4+rke2r1"}
        if parts == ["api"]:
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        if parts == ["api", "v1"]:
            return 200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "nodes", "namespaced": False, "kind": "Node", "verbs": ["get", "list"]},
                {"name": "namespaces", "namespaced": False, "kind": "Namespace", "verbs": ["get", "list"]}]}
        if parts[:3] == ["api", "v1", "nodes"]:
            return self._nodes(method, parts[3] if len(parts) > 3 else None, body)
        if parts == ["apis"]:
            groups = sorted({c.group for c in self.state.crds} | {"apiextensions.k8s.io"})
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in self._versions(g)],
                 "preferredVersion": {"groupVersion": f"{g}/{self._versions(g)[0]}",
                                      "version": self._versions(g)[0]}} for g in groups]}
        if parts[:4] == ["apis", "apiextensions.k8s.io", "v1", "customresourcedefinitions"]:
            return 200, self._crd_list(parts[4] if len(parts) > 4 else None)
        if len(parts) == 3 and parts[0] == "apis":
            return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{parts[1]}/{parts[2]}",
                         "resources": [
                {"name": c.plural, "singularName": c.kind.lower(), "namespaced": c.namespaced, "kind": c.kind,
                 "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}
                for c in self.state.crds if (c.group, c.version) == (parts[1], parts[2])]}
        if len(parts) >= 4 and parts[0] == "apis":
            return self._objects(method, parts, query, body, content_type)
        raise ApiError(404, "NotFound", f"the server could not find the requested resource ({path})")

    def _node(self, name: str) -> dict:
        meta = merge_patch({"name": name, "labels": {"kubernetes.io/hostname": name}}, self.node_meta.get(name, {}))
        return {"apiVersion": "v1", "kind": "Node", "metadata": meta}

    def _nodes(self, method: str, name: str | None, body: dict | None):
        """Nodes: list, get, and merge-patch of labels/annotations (kept in ``node_meta``)."""
        if name is None:
            return 200, {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": str(self.state.rv)},
                         "items": [self._node(n) for n in self.nodes]}
        if name not in self.nodes:
            raise ApiError(404, "NotFound", f'nodes "{name}" not found')
        if method == "PATCH":
            meta = (body or {}).get("metadata") or {}
            with self.state.lock:
                self.node_meta[name] = merge_patch(self.node_meta.get(name, {}),
                                                   {k: v for k, v in meta.items() if k in ("labels", "annotations")})
        return 200, self._node(name)

    def _versions(self, group: str) -> list[str]:
        if group == "apiextensions.k8s.io":
            return ["v1"]
        return sorted({c.version for c in self.state.crds if c.group == group})

    def _crd_list(self, name: str | None):
        items = [{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                  "metadata": {"name": f"{c.plural}.{c.group}"},
                  "spec": {"group": c.group, "names": {"plural": c.plural, "kind": c.kind},
                           "scope": "Namespaced" if c.namespaced else "Cluster",
                           "versions": [{"name": c.version, "served": True, "storage": True,
                                         "schema": {"openAPIV3Schema": c.schema}}]}}
                 for c in self.state.crds]
        if name:
            found = [i for i in items if i["metadata"]["name"] == name]
            if not found:
                raise ApiError(404, "NotFound", f'customresourcedefinitions.apiextensions.k8s.io "{name}" not found')
            return found[0]
        return {"kind": "CustomResourceDefinitionList", "apiVersion": "apiextensions.k8s.io/v1", "items": items}

    def _objects(self, method, parts, query, body, content_type):
        group, version = parts[1], parts[2]
        rest = parts[3:]
        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            ns, rest = rest[1], rest[2:]
        crd = self.crd(group, version, rest[0])
        if crd is None:
            raise ApiError(404, "NotFound", f"the server could not find the requested resource ({'/'.join(parts)})")
        name = rest[1] if len(rest) > 1 else None
        subresource = rest[2] if len(rest) > 2 else None
        dry = "All" in query.get("dryRun", [])
        with self.state.lock:
            key = (crd.plural, ns, name)
            if method == "GET" and name is None:
                items = [copy.deepcopy(o) for (p, n, _), o in sorted(self.state.objects.items(),
                                                                     key=lambda kv: kv[0][2])
                         if p == crd.plural and (ns is None or n == ns)]
                return 200, {"apiVersion": f"{group}/{version}", "kind": f"{crd.kind}List",
                             "metadata": {"resourceVersion": str(self.state.rv)}, "items": items}
            current = self.state.objects.get(key)
            if method == "GET":
                if current is None:
                    raise ApiError(404, "NotFound", f'{crd.plural}.{group} "{name}" not found')
                return 200, copy.deepcopy(current)
            if method == "DELETE":
                if current is None:
                    raise ApiError(404, "NotFound", f'{crd.plural}.{group} "{name}" not found')
                if not dry:
                    del self.state.objects[key]
                return 200, {"kind": "Status", "apiVersion": "v1", "status": "Success"}
            if method == "POST":
                name = (body or {}).get("metadata", {}).get("name")
                key = (crd.plural, ns, name)
                if key in self.state.objects:
                    raise ApiError(409, "AlreadyExists", f'{crd.plural}.{group} "{name}" already exists')
                new = copy.deepcopy(body or {})
                code = 201
            elif method in ("PUT", "PATCH"):
                if current is None:
                    raise ApiError(404, "NotFound", f'{crd.plural}.{group} "{name}" not found')
                if method == "PUT":
                    new = copy.deepcopy(body or {})
                    rv = new.get("metadata", {}).get("resourceVersion")
                    if rv and rv != current["metadata"]["resourceVersion"]:
                        raise ApiError(409,
                                       "Conflict",
                                       f'Operation cannot be fulfilled on {crd.plural}.{group} "{name}": the object '
                                       'has been modified; please apply your changes to the latest version and try '
                                       'again')
                else:
                    if "merge-patch" not in content_type and "json-patch" not in content_type:
                        raise ApiError(415, "UnsupportedMediaType",
                                       f"the body of the request was in an unknown format: {content_type}")
                    rv = (body or {}).get("metadata", {}).get("resourceVersion")
                    if rv and rv != current["metadata"]["resourceVersion"]:
                        raise ApiError(409,
                                       "Conflict",
                                       f'Operation cannot be fulfilled on {crd.plural}.{group} "{name}": the object '
                                       'has been modified')
                    new = merge_patch(copy.deepcopy(current), copy.deepcopy(body or {}))
                if subresource != "status" and crd.status_subresource:
                    new["status"] = current.get("status")
                new.setdefault("metadata", {})["name"] = name
                for k in ("uid", "creationTimestamp", "generation", "resourceVersion"):
                    if k in current["metadata"]:
                        new["metadata"][k] = current["metadata"][k]
                code = 200
            else:
                raise ApiError(405, "MethodNotAllowed", f"{method} is not supported")
            new = admit(crd, name, ns, new, current if method != "POST" else None,
                        rejections=self.state.rejections, webhooks=self.webhooks, objects=self.state.objects,
                        nodes=self.nodes)
            if (crd.plural, name) in self.state.conflicts and self.state.conflicts[(crd.plural, name)] > 0 and not dry:
                self.state.conflicts[(crd.plural, name)] -= 1
                raise ApiError(409,
                               "Conflict",
                               f'Operation cannot be fulfilled on {crd.plural}.{group} "{name}": the object has been '
                               'modified; please apply your changes to the latest version and try again')
            if dry:
                return code, new
            stored = self._store(crd.plural, ns, new)
            self._after_write(crd.plural, stored)
            return code, copy.deepcopy(stored)
