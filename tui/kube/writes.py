"""Plan and apply the cluster objects: server-side dry-run for the plan; for the apply one
list per kind, then one write per object that changes (create, or merge-patch guarded by
resourceVersion with bounded re-read on 409), in dependency order — the NADs, independent of
each other, several at a time; then wait for each matched node's VlanStatus and the
ClusterNetwork to be ready. Only what we own is compared and sent (tui/model/ownership.py):
what Harvester's mutators and controllers wrote stays, and an unchanged profile sends nothing."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

from tui.kube.cluster import Cluster, ClusterError, api_error
from tui.model.kube_objects import Obj, merge_patch as merge, vlanstatus_name
from tui.model.ownership import body_over

VOLATILE = ("resourceVersion", "generation", "managedFields", "uid", "creationTimestamp")
CONFLICT_RETRIES = 5
WORKERS = 8  # concurrent writes of independent objects (a real API server takes 5-50 ms each)
PARALLEL = ("network-attachment-definitions",)


@dataclass
class Change:
    obj: Obj
    action: str  # create | update | unchanged
    fields: list[str] = field(default_factory=list)


def _clean(obj: dict) -> dict:
    meta = {k: v for k, v in obj.get("metadata", {}).items() if k not in VOLATILE}
    return {**{k: v for k, v in obj.items() if k not in ("metadata", "status")}, "metadata": meta}


def _json_doc(value):
    if isinstance(value, str) and value.startswith("{"):
        try:
            doc = json.loads(value)
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None
    return None


def diff_paths(old, new, prefix: str = "") -> list[str]:
    """The paths whose value differs; JSON inside a string compared key by key (``spec.config:vlan``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new)):
            path = f"{prefix}.{k}" if prefix and not prefix.endswith(":") else prefix + k
            out += diff_paths(old.get(k), new.get(k), path)
        return out
    if old != new and (a := _json_doc(old)) is not None and (b := _json_doc(new)) is not None:
        return diff_paths(a, b, prefix + ":")
    return [] if old == new else [prefix]


def change_for(o: Obj, current: dict | None) -> Change:
    if current is None:
        return Change(o, "create")
    after = merge(current, body_over(current, o.body))
    paths = diff_paths(_clean(current), _clean(after))
    return Change(o, "update" if paths else "unchanged", paths)


def _cluster_network_of(o: Obj) -> str | None:
    if o.plural == "vlanconfigs":
        return (o.body.get("spec") or {}).get("clusterNetwork")
    if o.plural == "network-attachment-definitions":
        return (o.body["metadata"].get("labels") or {}).get("network.harvesterhci.io/clusternetwork")
    return None


def plan(cluster: Cluster, objs: list[Obj]) -> list[Change]:
    """What apply would do, each write checked by the server (schema and webhooks) in dry-run —
    except a VlanConfig or NAD on a cluster network this plan creates: a dry-run keeps nothing,
    so the webhooks would find no cluster network; the offline checks cover those."""
    from kubernetes.client.exceptions import ApiException

    out = []
    new_networks: set[str] = set()
    for o in objs:
        current = cluster.get(o)
        ch = change_for(o, current)
        if o.plural == "clusternetworks" and ch.action == "create":
            new_networks.add(o.name)
        try:
            if _cluster_network_of(o) in new_networks:
                pass  # its cluster network is created first: nothing to dry-run against yet
            elif ch.action == "create":
                cluster.create(o, dry_run=True)
            elif ch.action == "update":
                result = cluster.patch(o, body_over(current, o.body), dry_run=True)
                ch.fields = diff_paths(_clean(current), _clean(result))
                if not ch.fields:
                    ch.action = "unchanged"
        except ApiException as exc:
            raise api_error(exc, o.ref) from exc
        out.append(ch)
    return out


def _write(cluster: Cluster, o: Obj, current: dict | None) -> tuple[Change, list[str]]:
    """One object: create, or merge-patch guarded by its resourceVersion, re-reading on 409."""
    from kubernetes.client.exceptions import ApiException

    notes = []
    for attempt in range(CONFLICT_RETRIES + 1):
        ch = change_for(o, current)
        try:
            if ch.action == "create":
                cluster.create(o)
            elif ch.action == "update":
                guard = {"metadata": {"resourceVersion": current["metadata"]["resourceVersion"]}}
                cluster.patch(o, merge(body_over(current, o.body), guard))
            return ch, notes
        except ApiException as exc:
            if exc.status == 409 and attempt < CONFLICT_RETRIES:
                notes.append(f"{o.ref}: conflict, re-reading ({attempt + 1}/{CONFLICT_RETRIES})")
                current = cluster.get(o)
                continue
            raise api_error(exc, o.ref) from exc
    raise AssertionError("unreachable")


def _write_unless_stopped(stop: threading.Event, cluster: Cluster, o: Obj, current: dict | None):
    if stop.is_set():
        return None  # an earlier object was rejected: start nothing new
    try:
        return _write(cluster, o, current)
    except Exception:
        stop.set()
        raise


def _waves(objs: list[Obj]) -> list[list[Obj]]:
    """Runs of consecutive objects of one kind, in the given (dependency) order."""
    waves: list[list[Obj]] = []
    for o in objs:
        if waves and (waves[-1][0].group, waves[-1][0].plural) == (o.group, o.plural):
            waves[-1].append(o)
        else:
            waves.append([o])
    return waves


def apply(cluster: Cluster, objs: list[Obj], report=lambda text: None, workers: int = WORKERS) -> list[Change]:
    """One list per kind, then one write per object that changes. NADs are independent of each
    other and are written ``workers`` at a time; everything else one by one, in order. On a
    rejection the writes already made are reported, nothing further starts, and the error is
    raised."""
    from concurrent.futures import ThreadPoolExecutor

    done: list[Change] = []
    for wave in _waves(objs):
        first = wave[0]
        existing = {}  # (namespace, name) -> object, one list per namespace
        for ns in dict.fromkeys(o.namespace for o in wave):
            for item in cluster.list(first.group, first.version, first.plural, ns):
                existing[(ns, item["metadata"]["name"])] = item
        stop = threading.Event()
        parallel = workers if first.plural in PARALLEL and len(wave) > 1 else 1
        error = None
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            futures = [pool.submit(_write_unless_stopped, stop, cluster, o, existing.get((o.namespace,
                                                                                          o.name))) for o in wave]
            for f in futures:  # reported in order, as each completes
                try:
                    result = f.result()
                except ClusterError as exc:
                    error = error or exc
                    continue
                if result is None:
                    continue
                ch, notes = result
                for note in notes:
                    report(note)
                report(f"{ch.obj.ref}: {ch.action}" + (f" ({', '.join(ch.fields)})" if ch.fields else ""))
                done.append(ch)
        if error is not None:
            raise error
    return done


@dataclass
class NodeReady:
    node: str
    ready: bool
    message: str


def wait_ready(cluster: Cluster, objs: list[Obj], seconds: float, report=lambda text: None,
               poll: float = 0.5) -> list[NodeReady]:
    """Each matched node's VlanStatus ready, and the ClusterNetwork ready; per node."""
    from tui.model.cluster_checks import matched_nodes

    vcs = [o for o in objs if o.plural == "vlanconfigs"]
    if not vcs:
        return []
    nodes = cluster.nodes()
    deadline = time.monotonic() + seconds
    while True:
        result: list[NodeReady] = []
        seen_cn: set[str] = set()  # per-node VlanConfigs share one ClusterNetwork: report it once
        for vc in vcs:
            cn = vc.body["spec"]["clusterNetwork"]
            for node in sorted(matched_nodes(vc.body["spec"].get("nodeSelector"), nodes)):
                vs = cluster.get(Obj(vc.group, vc.version, "vlanstatuses", "VlanStatus", vlanstatus_name(cn, node),
                                     None, {}))
                cond = _condition(vs, "ready")
                result.append(NodeReady(node, cond is not None and cond.get("status") == "True",
                                        (cond or {}).get("message") or ("no VlanStatus yet" if vs is None else "")))
            if cn in seen_cn:
                continue
            seen_cn.add(cn)
            cnobj = cluster.get(Obj(vc.group, vc.version, "clusternetworks", "ClusterNetwork", cn, None, {}))
            cond = _condition(cnobj, "ready")
            result.append(NodeReady(f"clusternetwork/{cn}", cond is not None and cond.get("status") == "True", ""))
        failed = [r for r in result if not r.ready and r.message and "no VlanStatus" not in r.message]
        if all(r.ready for r in result) or failed or time.monotonic() > deadline:
            for r in result:
                report(f"{r.node}: {'ready' if r.ready else 'NOT ready'}" + (f" ({r.message})" if r.message else ""))
            return result
        time.sleep(poll)


def _condition(obj: dict | None, kind: str) -> dict | None:
    for c in ((obj or {}).get("status") or {}).get("conditions") or []:
        if c.get("type") == kind:
            return c
    return None



