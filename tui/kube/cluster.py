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
                cfg = client.Configuration()
                try:
                    config.load_kube_config(config_file=path, client_configuration=cfg)
                except Exception as exc:  # the loader raises many kinds for a bad file
                    raise ClusterError(f"kubeconfig {path} is not usable: {exc}") from exc
                return cls(_client(cfg), path)
        if os.environ.get("KUBERNETES_SERVICE_HOST"):
            cfg = client.Configuration()
            config.load_incluster_config(client_configuration=cfg)
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
        except ApiException:
            raise
        except urllib3.exceptions.MaxRetryError as exc:
            reason = exc.reason
            if isinstance(reason, urllib3.exceptions.SSLError):
                raise ClusterError(f"TLS with {self.host} failed: {reason}") from exc
            raise ClusterError(f"cannot reach the cluster at {self.host} ({reason.__class__.__name__}: {reason})") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise ClusterError(f"cannot reach the cluster at {self.host}: {exc}") from exc

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
        data = resp.read()
        if not 200 <= resp.status <= 299:
            raise api_error(ApiException(http_resp=resp), path)
        return json.loads(data or b"{}")

    # ---- dialect ------------------------------------------------------------------------------
    def dialect(self) -> Dialect:
        crds = self.get_json("/apis/apiextensions.k8s.io/v1/customresourcedefinitions").get("items", [])
        names = {c["metadata"]["name"]: c for c in crds}
        bond_fields: frozenset[str] = frozenset()
        vc = names.get("vlanconfigs.network.harvesterhci.io")
        if vc:
            schema = vc["spec"]["versions"][0].get("schema", {}).get("openAPIV3Schema", {})
            props = schema.get("properties", {}).get("spec", {}).get("properties", {}).get("uplink", {}).get("properties", {})
            bond_fields = frozenset(props.get("bondOptions", {}).get("properties", {}))
        release = None
        try:
            release = self.get(Obj("harvesterhci.io", "v1beta1", "settings", "Setting", "server-version", None, {}))
            release = (release or {}).get("value") or None
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
                return self.call(self.custom.get_namespaced_custom_object, o.group, o.version, o.namespace, o.plural, o.name)
            return self.call(self.custom.get_cluster_custom_object, o.group, o.version, o.plural, o.name)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise api_error(exc, o.ref) from exc

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
            raise api_error(exc, plural) from exc
        return out.get("items", [])

    def create(self, o: Obj, dry_run: bool = False) -> dict:
        kw = {"dry_run": "All"} if dry_run else {}
        if o.namespace:
            return self.call(self.custom.create_namespaced_custom_object, o.group, o.version, o.namespace, o.plural, o.body, **kw)
        return self.call(self.custom.create_cluster_custom_object, o.group, o.version, o.plural, o.body, **kw)

    def patch(self, o: Obj, body: dict, dry_run: bool = False) -> dict:
        """A JSON merge-patch (the client sends application/merge-patch+json for custom objects)."""
        kw = {"dry_run": "All"} if dry_run else {}
        if o.namespace:
            return self.call(self.custom.patch_namespaced_custom_object, o.group, o.version, o.namespace, o.plural, o.name, body, **kw)
        return self.call(self.custom.patch_cluster_custom_object, o.group, o.version, o.plural, o.name, body, **kw)

    def nodes(self) -> list[dict]:
        return self.get_json("/api/v1/nodes").get("items", [])

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
    return client.ApiClient(cfg)


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
    return ClusterError(f"{what}: rejected ({status}): {message}" + (f" [{fields}]" if fields and fields not in message else ""))
