"""The cluster: connection, dialect detection and object I/O through the kubernetes client.
Imported only by commands that talk to a cluster (the client costs ~0.5 s to import)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from tui.render.cluster_objects import Obj

TIMEOUT = (3.0, 15.0)  # connect, read
NET = "network.harvesterhci.io"
RKE2 = "/etc/rancher/rke2/rke2.yaml"
REPLY_LIMIT = 64 << 20  # bytes of one API reply (a 1000-node list is a few MiB); more is refused


class ClusterError(Exception):
    """Something an operator must fix (unreachable, unauthorized, TLS, rejected object)."""


def kubeconfig_candidates(flag: str | None, profile_path: str | None) -> list[str]:
    env = os.environ.get("KUBECONFIG", "")
    out = [p for p in (flag, profile_path) if p] + [p for p in env.split(os.pathsep) if p]
    return out + [RKE2, os.path.expanduser("~/.kube/config")]


@dataclass(frozen=True)
class Dialect:
    release: str | None  # the Setting server-version, when readable
    legacy: bool  # v1.0: ClusterNetwork vlan + NodeNetwork
    host_network_configs: bool  # v1.8+
    bond_fields: frozenset[str]  # VlanConfig spec.uplink.bondOptions keys of this cluster's CRD

    @property
    def name(self) -> str:
        return "v1.0" if self.legacy else ("v1.8+" if self.host_network_configs else "v1.1+")


class Cluster:
    def __init__(self, api_client, source: str):
        from kubernetes import client

        self.api_client = api_client
        self.custom = client.CustomObjectsApi(api_client)
        self.source = source
        self.round_trips = 0
        self._count = threading.Lock()  # apply writes from several threads

    # ---- connection ---------------------------------------------------------------------------
    @classmethod
    def connect(cls, flag: str | None = None, profile_path: str | None = None) -> "Cluster":
        from kubernetes import client, config

        for path in kubeconfig_candidates(flag, profile_path):
            if path in (flag, profile_path) or os.path.exists(path):
                if not os.path.exists(path):
                    raise ClusterError(f"kubeconfig {path}: no such file")
                _warn_if_readable(path)
                cfg = client.Configuration()
                try:
                    config.load_kube_config(config_file=path, client_configuration=cfg)
                except Exception as exc:  # the loader raises many kinds for a bad file
                    raise ClusterError(f"kubeconfig {path} is not usable: {_one_line(exc)}") from None
                return cls(_client(cfg), path)
        if os.environ.get("KUBERNETES_SERVICE_HOST"):
            cfg = client.Configuration()
            try:
                config.load_incluster_config(client_configuration=cfg)
            except Exception as exc:  # ConfigException: no token or CA file, or a bad host/port
                raise ClusterError(f"in-cluster configuration unusable (no service account token or CA?): "
                                   f"{_one_line(exc)}") from None
            return cls(_client(cfg), "in-cluster")
        raise ClusterError("no kubeconfig: give --kubeconfig, cluster.kubeconfig in the profile or $KUBECONFIG "
                           f"(also looked at {RKE2} and ~/.kube/config)")

    def call(self, fn, *args, **kw):
        """One API call with clear errors: unreachable, unauthorized, TLS."""
        import urllib3
        from kubernetes.client.exceptions import ApiException

        with self._count:
            self.round_trips += 1
        try:
            return fn(*args, _request_timeout=TIMEOUT, **kw)
        except ApiException as exc:
            if not exc.status and str(exc.reason).startswith("SSLError"):  # the client wraps TLS errors so
                raise ClusterError(f"TLS with {self.host} failed: {_last_line(exc.reason)}") from None
            if not exc.status:  # the client's own complaint (e.g. "Unsupported content type: text/html")
                raise ClusterError(f"{self.host} does not answer like a Kubernetes API server "
                                   f"({_one_line(exc.reason)})") from None
            raise
        except ClusterError:
            raise
        except urllib3.exceptions.MaxRetryError as exc:
            reason = exc.reason
            if _is_tls(reason):
                raise ClusterError(f"TLS with {self.host} failed: {_one_line(reason)}") from None
            raise ClusterError(f"cannot reach the cluster at {self.host} "
                               f"({reason.__class__.__name__}: {_one_line(reason)})") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if _is_tls(exc):
                raise ClusterError(f"TLS with {self.host} failed: {_one_line(exc)}") from None
            raise ClusterError(f"cannot reach the cluster at {self.host}: {_one_line(exc)}") from None
        except (ValueError, TypeError, AttributeError, KeyError) as exc:  # a reply the client cannot decode
            raise ClusterError(f"{self.host} sent a reply that is not Kubernetes JSON "
                               f"({exc.__class__.__name__}: {_one_line(exc)[:100]})") from None

    @property
    def host(self) -> str:
        return self.api_client.configuration.host

    def get_json(self, path: str) -> dict:
        """GET a path through the client's own auth and transport, as plain JSON. (The typed
        CoreV1Api and ApiextensionsV1Api take ~2.5 s to import; this needs neither.)"""
        import json

        from kubernetes.client.exceptions import ApiException

        method, url, headers, body, post = self.api_client.param_serialize(
            "GET", path, header_params={"Accept": "application/json"}, auth_settings=["BearerToken"])
        resp = self.call(self.api_client.call_api, method, url, headers, body, post)
        data = self.call(lambda _request_timeout=None: resp.read())
        if not 200 <= resp.status <= 299:
            raise api_error(ApiException(http_resp=resp), path)
        try:
            out = json.loads(data or b"{}")
        except (ValueError, RecursionError):
            raise ClusterError(f"{self.host}{path} is not JSON: this is not a Kubernetes API server "
                               "(a proxy's or login page?)") from None
        return _mapping(out, f"{self.host}{path}")

    # ---- dialect ------------------------------------------------------------------------------
    def dialect(self) -> Dialect:
        crds = _items(self.get_json("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"),
                      f"{self.host}: the CustomResourceDefinition list")
        names = {c["metadata"]["name"]: c for c in crds}
        bond_fields: frozenset[str] = frozenset()
        vc = names.get("vlanconfigs.network.harvesterhci.io")
        if vc:
            versions = _dig(vc, "spec", "versions")
            first = versions[0] if isinstance(versions, list) and versions else {}
            props = _dig(first, "schema", "openAPIV3Schema", "properties", "spec", "properties", "uplink", "properties",
                         "bondOptions", "properties")
            bond_fields = frozenset(props) if isinstance(props, dict) else frozenset()
        release = None
        try:
            release = self.get(Obj("harvesterhci.io", "v1beta1", "settings", "Setting", "server-version", None, {}))
            release = (release or {}).get("value") or None
            release = release if isinstance(release, str) else None
        except ClusterError:
            release = None
        legacy = vc is None and "nodenetworks.network.harvesterhci.io" in names
        if vc is None and not legacy:
            raise ClusterError(f"{self.host} is not a Harvester cluster (no network.harvesterhci.io CRDs)")
        return Dialect(release, legacy, "hostnetworkconfigs.network.harvesterhci.io" in names, bond_fields)

    # ---- objects --------------------------------------------------------------------------------
    def get(self, o: Obj) -> dict | None:
        from kubernetes.client.exceptions import ApiException

        try:
            if o.namespace:
                out = self.call(self.custom.get_namespaced_custom_object, o.group, o.version, o.namespace,
                                o.plural, o.name)
            else:
                out = self.call(self.custom.get_cluster_custom_object, o.group, o.version, o.plural, o.name)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise api_error(exc, o.ref) from None
        return _mapping(out, f"{self.host}: {o.ref}")

    def list(self, group: str, version: str, plural: str, namespace: str | None = None) -> list[dict]:
        from kubernetes.client.exceptions import ApiException

        try:
            if namespace:
                out = self.call(self.custom.list_namespaced_custom_object, group, version, namespace, plural)
            else:
                out = self.call(self.custom.list_cluster_custom_object, group, version, plural)
        except ApiException as exc:
            if exc.status == 404:
                return []
            raise api_error(exc, plural) from None
        return _items(out, f"{self.host}: the {plural} list")

    def create(self, o: Obj, dry_run: bool = False) -> dict:
        kw = {"dry_run": "All"} if dry_run else {}
        if o.namespace:
            return self.call(self.custom.create_namespaced_custom_object, o.group, o.version, o.namespace, o.plural,
                             o.body, **kw)
        return self.call(self.custom.create_cluster_custom_object, o.group, o.version, o.plural, o.body, **kw)

    def patch(self, o: Obj, body: dict, dry_run: bool = False) -> dict:
        """A JSON merge-patch (the client sends application/merge-patch+json for custom objects)."""
        kw = {"dry_run": "All"} if dry_run else {}
        if o.namespace:
            return self.call(self.custom.patch_namespaced_custom_object, o.group, o.version, o.namespace, o.plural,
                             o.name, body, **kw)
        return self.call(self.custom.patch_cluster_custom_object, o.group, o.version, o.plural, o.name, body, **kw)

    def nodes(self) -> list[dict]:
        return _items(self.get_json("/api/v1/nodes"), f"{self.host}: the node list")

    # ---- every node's NICs as the cluster sees them (issue 15) ------------------------------------
    def node_views(self, legacy: bool, cluster_network: str | None = None):
        """v1.1+: LinkMonitor ``nic`` (with ``mgmt`` and ``<cn>`` naming the bonds); v1.0:
        NodeNetworks. Never this node's kernel."""
        from tui.model.nic_views import views_from_linkmonitors, views_from_nodenetworks

        nodes = self.nodes()
        if legacy:
            return views_from_nodenetworks(self.list(NET, "v1beta1", "nodenetworks"), nodes)
        lms = {lm["metadata"]["name"]: lm for lm in self.list(NET, "v1beta1", "linkmonitors")}
        others = [lms.get("mgmt")] + ([lms.get(cluster_network)] if cluster_network else [])
        return views_from_linkmonitors(lms.get("nic"), others, nodes)

    def publish_nic_facts(self, node: str, facts: str) -> bool:
        """Record this node's NIC driver/speed/vendor/PCI on its Node (an annotation), which
        the cluster's own NIC view lacks; False when unchanged. Only the runner on that node
        calls it."""
        from kubernetes.client.exceptions import ApiException

        from tui.model.nic_views import FACTS_ANNOTATION

        path = f"/api/v1/nodes/{node}"
        if ((self.get_json(path).get("metadata") or {}).get("annotations") or {}).get(FACTS_ANNOTATION) == facts:
            return False
        method, url, headers, body, post = self.api_client.param_serialize(
            "PATCH", path, header_params={"Accept": "application/json", "Content-Type": "application/merge-patch+json"},
            body={"metadata": {"annotations": {FACTS_ANNOTATION: facts}}}, auth_settings=["BearerToken"])
        resp = self.call(self.api_client.call_api, method, url, headers, body, post)
        resp.read()
        if not 200 <= resp.status <= 299:
            raise api_error(ApiException(http_resp=resp), f"nodes/{node}")
        return True


def _client(cfg):
    from kubernetes import client

    cfg.retries = False  # our own errors, at once; 409s are retried by apply
    cfg.connection_pool_maxsize = max(cfg.connection_pool_maxsize or 0, 16)  # apply's concurrent writes
    api = client.ApiClient(cfg)
    api.rest_client.pool_manager = _BoundedPool(api.rest_client.pool_manager)
    return api


class _BoundedPool:
    """The client's urllib3 pool, but every reply body is read up to REPLY_LIMIT bytes (the
    client reads ``response.data``: all of it, however large)."""

    def __init__(self, pool):
        self._pool = pool

    def __getattr__(self, name):
        return getattr(self._pool, name)

    def request(self, *args, **kw):
        return _BoundedResponse(self._pool.request(*args, **kw))


class _BoundedResponse:
    def __init__(self, resp):
        self._resp = resp
        self._data: bytes | None = None

    def __getattr__(self, name):
        return getattr(self._resp, name)

    @property
    def data(self) -> bytes:
        if self._data is None:
            chunks, size = [], 0
            while True:
                chunk = self._resp.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > REPLY_LIMIT:
                    self._resp.release_conn()
                    raise ClusterError(f"an API reply is larger than {REPLY_LIMIT >> 20} MiB; refused")
            self._data = b"".join(chunks)
        return self._data


def _is_tls(exc) -> bool:
    import ssl

    import urllib3

    text = str(exc)
    return isinstance(exc, (urllib3.exceptions.SSLError, ssl.SSLError)) or "SSL" in text or "CERTIFICATE" in text


def _last_line(text) -> str:
    return (str(text).strip().splitlines() or [""])[-1][:300]


def _one_line(exc) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:300]


def _mapping(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise ClusterError(f"{what}: the reply is not a JSON object; is this a Kubernetes API server?")
    return value


def _items(value, what: str) -> list[dict]:
    """A list reply's items, each a mapping with metadata.name (what every consumer reads)."""
    items = _mapping(value, what).get("items") or []
    if not isinstance(items, list):
        raise ClusterError(f"{what}: 'items' is not a list")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(_dig(item, "metadata", "name"), str):
            raise ClusterError(f"{what}: item {i} has no metadata.name; is this a Kubernetes API server?")
    return items


def _dig(value, *keys):
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _warn_if_readable(path: str) -> None:
    """A kubeconfig holds credentials for the whole cluster: say so when others can read it."""
    import stat
    import sys

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
        print(f"warning: kubeconfig {path} is readable by others (mode {stat.S_IMODE(mode):04o}): "
              f"it holds cluster credentials; chmod 600 {path}", file=sys.stderr)


def api_error(exc, what: str) -> ClusterError:
    """A 4xx/5xx as the operator needs it: the object, the fields, the webhook's words."""
    import json

    status = getattr(exc, "status", None)
    if status == 401:
        return ClusterError("unauthorized: the kubeconfig's credentials were refused")
    if status == 403:
        return ClusterError(f"forbidden: the kubeconfig's user may not access {what}")
    try:
        body = json.loads(exc.body or "{}")
    except ValueError:
        body = {}
    message = body.get("message") or exc.reason or str(exc)
    causes = (body.get("details") or {}).get("causes") or []
    fields = "; ".join(f"{c.get('field')}: {c.get('message')}" for c in causes if c.get("field"))
    named = f" [{fields}]" if fields and fields not in message else ""
    return ClusterError(f"{what}: rejected ({status}): {message}{named}")
