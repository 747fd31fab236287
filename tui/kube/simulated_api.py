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

Tests steer it: ``reject`` (a webhook's 4xx), ``conflicts`` (409s before a write lands),
``seed`` (an object already in the cluster), ``down()``. It is a simulated backend, never a
stand-in for the code under test, and production code never imports it."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import yaml

from tui.kube.crd_schemas import Crd, apply_defaults, load_crds, prune, to_jsonschema
from tui.model.kube_objects import merge_patch, vlanstatus_name  # noqa: F401  (vlanstatus_name: for tests)

NODE_NICS = {  # the demo's three nodes: ens1f1 is missing on node-2 ("66.67 %")
    "harvester-node-0": ["eno1", "eno2", "ens1f0", "ens1f1"],
    "harvester-node-1": ["eno1", "eno2", "ens1f0", "ens1f1"],
    "harvester-node-2": ["eno1", "eno2", "ens1f0"],
}


CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WIRED = {"ClusterNetwork", "VlanConfig", "NetworkAttachmentDefinition", "HostNetworkConfig"}  # kinds with webhooks
CACHED = WIRED | {"VlanStatus"}  # what the webhooks' caches read
VOLATILE = ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields")
SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                 "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def find_webhooks() -> str | None:
    """The webhooks oracle: in ``$HNS_ORACLES`` when set, else ``../shared/oracles/bin``."""
    env = os.environ.get("HNS_ORACLES")
    base = env if env else os.path.join(os.path.dirname(CHECKOUT), "shared", "oracles", "bin")
    path = os.path.join(base, "webhooks")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def name_problem(name: str) -> str | None:
    """What the API server says of an object name (``IsDNS1123Subdomain``), or None."""
    if len(name) > 253:
        return "must be no more than 253 characters"
    return None if SUBDOMAIN.match(name) else SUBDOMAIN_MSG


def merge_patch_between(old, new):
    """The RFC 7386 merge-patch that turns ``old`` into ``new``."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    out = {k: None for k in old if k not in new}
    for k, v in new.items():
        if k not in old:
            out[k] = v
        elif old[k] != v:
            out[k] = merge_patch_between(old[k], v)
    return out


def _bare(obj: dict) -> dict:
    out = copy.deepcopy(obj)
    meta = out.get("metadata") or {}
    for k in VOLATILE:
        meta.pop(k, None)
    return out


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str, causes: list | None = None):
        super().__init__(message)
        self.code, self.reason, self.message, self.causes = code, reason, message, causes or []

    def body(self, kind: str = "", name: str = "") -> dict:
        details = {"name": name, "kind": kind}
        if self.causes:
            details["causes"] = self.causes
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": self.message,
                "reason": self.reason, "details": details, "code": self.code}


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
        api = self

        class Handler(_Handler):
            pass

        Handler.api = api
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
        now = _now()
        self._store("settings", None, {"apiVersion": "harvesterhci.io/v1beta1", "kind": "Setting",
                                       "metadata": {"name": "server-version"}, "value": self.version, "default": ""})
        if self.dialect == "v1.0":
            self._store("clusternetworks", None, {"apiVersion": "network.harvesterhci.io/v1beta1",
                                                  "kind": "ClusterNetwork",
                                                  "metadata": {"name": "vlan"}, "enable": False, "config": {}})
            for node, nics in self.nodes.items():
                self._store("nodenetworks", None, {
                    "apiVersion": "network.harvesterhci.io/v1beta1", "kind": "NodeNetwork",
                    "metadata": {"name": f"{node}-vlan", "labels": {"network.harvesterhci.io/nodename": node}},
                    "spec": {"nodeName": node, "type": "vlan"},
                    "status": {"nics": [{"name": n, "index": i + 2, "masterIndex": 0, "type": "device",
                                         "state": "up"} for i, n in enumerate(nics)]}})
            return
        self._store("clusternetworks", None, {"apiVersion": "network.harvesterhci.io/v1beta1", "kind": "ClusterNetwork",
                                              "metadata": {"name": "mgmt"},
                                              "status": {"conditions": [{"type": "ready", "status": "True",
                                                                         "lastUpdateTime": now}]}})
        self._store("linkmonitors", None, {
            "apiVersion": "network.harvesterhci.io/v1beta1", "kind": "LinkMonitor", "metadata": {"name": "nic"},
            "spec": {"targetLinkRule": {"typeRule": "device"}},
            "status": {"linkStatus": {node: [{"name": n, "index": i + 2, "type": "device",
                                              "mac": f"52:54:00:00:{j:02x}:{i:02x}",
                                              "state": "up", "masterIndex": 0} for i, n in enumerate(nics)]
                                      for j, (node, nics) in enumerate(self.nodes.items())}}})

    def crd(self, group: str, version: str, plural: str) -> Crd | None:
        return next((c for c in self.state.crds if (c.group, c.version, c.plural) == (group, version, plural)), None)

    def _store(self, plural: str, ns: str | None, obj: dict) -> dict:
        st = self.state
        st.rv += 1
        meta = obj.setdefault("metadata", {})
        meta["resourceVersion"] = str(st.rv)
        meta.setdefault("uid", f"uid-{st.rv}")
        meta.setdefault("creationTimestamp", _now())
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
        cn, selector = spec.get("clusterNetwork"), spec.get("nodeSelector") or {}
        with self.state.lock:
            for node, nics in self.nodes.items():
                if selector and selector.get("kubernetes.io/hostname") not in (None, node):
                    continue
                missing = [n for n in spec.get("uplink", {}).get("nics", []) if n not in nics]
                cond = {"type": "ready", "status": "False" if missing else "True",
                        "message": f"get link {missing[0]} failed: Link not found" if missing else "",
                        "lastUpdateTime": _now()}
                self._store("vlanstatuses", None, {
                    "apiVersion": "network.harvesterhci.io/v1beta1", "kind": "VlanStatus",
                    "metadata": {"name": vlanstatus_name(cn, node),
                                 "labels": {"network.harvesterhci.io/clusternetwork": cn,
                                 "network.harvesterhci.io/vlanconfig": vc["metadata"]["name"],
                                 "network.harvesterhci.io/node": node}},
                    "status": {"clusterNetwork": cn, "vlanConfig": vc["metadata"]["name"], "linkMonitor": cn,
                               "node": node,
                               "conditions": [cond]}})
            cnobj = self.state.objects.get(("clusternetworks", None, cn))
            if cnobj is not None:
                mtu = ((spec.get("uplink") or {}).get("linkAttributes") or {}).get("mtu")
                if mtu:  # the manager records the uplink MTU on the cluster network (v1.6+)
                    cnobj["metadata"].setdefault("annotations", {})["network.harvesterhci.io/uplink-mtu"] = str(mtu)
                cnobj["status"] = {"conditions": [{"type": "ready", "status": "True", "lastUpdateTime": _now()}]}
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
            new = self._admit(crd, name, ns, new, current if method != "POST" else None)
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

    def _admit(self, crd: Crd, name: str | None, ns: str | None, obj: dict, current: dict | None) -> dict:
        """The object as it would be stored, or an ApiError: the name, the structural schema
        (pruning, defaults, validation), then the network controller's webhooks."""
        import jsonschema

        if not name:
            raise ApiError(422, "Invalid", f"{crd.kind} is invalid: metadata.name: Required value: name is required",
                           [{"field": "metadata.name", "message": "Required value"}])
        msg = name_problem(name)
        if msg:
            raise ApiError(422, "Invalid", f'{crd.kind}.{crd.group} "{name}" is invalid: metadata.name: Invalid value: '
                                           f'"{name}": {msg}', [{"field": "metadata.name", "message": msg,
                                                                 "reason": "FieldValueInvalid"}])
        if crd.namespaced:
            obj["metadata"]["namespace"] = ns
        prune(crd.schema, obj)
        apply_defaults(crd.schema, obj)
        if crd.validator is None:
            crd.validator = jsonschema.Draft202012Validator(to_jsonschema(crd.schema))
        errors = sorted(crd.validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
        if errors:
            causes = [{"field": ".".join(str(p) for p in e.absolute_path) or "<root>", "message": e.message,
                       "reason": "FieldValueInvalid"} for e in errors]
            text = ", ".join(f"{c['field']}: Invalid value: {c['message']}" for c in causes)
            raise ApiError(422, "Invalid", f'{crd.kind}.{crd.group} "{name}" is invalid: {text}', causes)
        rule = self.state.rejections.get((crd.plural, name))
        if rule:
            code, message, field_path = rule
            raise ApiError(code, "BadRequest" if code == 400 else "Invalid",
                           f'admission webhook "validator.harvesterhci.io" denied the request: {message}',
                           [{"field": field_path, "message": message}] if field_path else [])
        if self.webhooks and crd.kind in WIRED:
            obj = self._webhooks(crd, obj, current)
        return obj

    def _webhooks(self, crd: Crd, obj: dict, current: dict | None) -> dict:
        """One write through the oracle: the cluster's objects as its caches, ``obj`` as a
        CREATE or (over ``current``) an UPDATE; the mutated object back, or the refusal."""
        meta = obj["metadata"]
        key = (crd.kind, meta.get("namespace"), meta["name"])
        existing = [_bare(o) for o in self.state.objects.values() if o.get("kind") in CACHED
                    and (o.get("kind"), o["metadata"].get("namespace"), o["metadata"]["name"]) != key]
        body = _bare(obj)
        if current is not None:
            existing.append(_bare(current))
            body = merge_patch_between(_bare(current), body)
            body.update(apiVersion=obj["apiVersion"], kind=obj["kind"])
            body.setdefault("metadata", {}).update({k: meta[k] for k in ("name", "namespace") if k in meta})
        nodes = [{"name": n, "labels": {"network.harvesterhci.io/mgmt": "true"}} for n in self.nodes]
        request = {"agent": False, "nodes": nodes, "existing": existing, "objects": [body]}
        proc = subprocess.run([self.webhooks, "-"], input=json.dumps(request), capture_output=True, text=True,
                              timeout=60)
        try:
            result = json.loads(proc.stdout)[0]
        except (ValueError, IndexError):
            raise ApiError(500, "InternalError",
                           f"the simulated webhooks failed (exit {proc.returncode}): {proc.stderr[-500:]}") from None
        if not result.get("allowed"):
            message = result.get("message") or "denied"
            hook = "mutator.harvesterhci.io" if result.get("stage") == "mutator" else "validator.harvesterhci.io"
            internal = message.startswith("Internal error")
            raise ApiError(500 if internal else 400, "InternalError" if internal else "BadRequest",
                           f'admission webhook "{hook}" denied the request: {message}')
        stored = result.get("object") or obj
        stored.setdefault("metadata", {}).update({k: meta[k] for k in VOLATILE if k in meta})
        return stored


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class _Handler(BaseHTTPRequestHandler):
    api: SimulatedApi
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stall each

    def log_message(self, *args) -> None:
        pass

    def _do(self) -> None:
        state = self.api.state
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            self._serve()
        finally:
            with state.lock:
                state.in_flight -= 1

    def _serve(self) -> None:
        url = urlparse(self.path)
        if self.api.latency:
            time.sleep(self.api.latency)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
            auth = self.headers.get("Authorization", "")
            if auth == "Bearer bad-token" or (self.api.require_token and not auth):
                raise ApiError(401, "Unauthorized", "Unauthorized")
            code, out = self.api.handle(self.command, url.path, parse_qs(url.query), body,
                                        self.headers.get("Content-Type", ""))
        except ApiError as exc:
            code, out = exc.code, exc.body()
        except ValueError:
            code, out = 400, ApiError(400, "BadRequest", "the request body is not JSON").body()
        data = json.dumps(out).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _do
