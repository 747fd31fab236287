"""A profile's cluster side against a connected cluster: the objects for its dialect and
the checks the webhooks miss (shared by ``cluster plan/apply``, the runner and the wizard)."""

from __future__ import annotations

from dataclasses import dataclass

from tui.kube.cluster import Cluster
from tui.model import problems as P
from tui.model.inventory import Inventory
from tui.model.profile import Profile
from tui.model.uplink_plan import UplinkPlan
from tui.render.cluster_objects import Obj


def has_cluster_side(profile: Profile) -> bool:
    return bool(profile.vlan or profile.networks or (profile.cluster and profile.cluster.settings))


def objects_for(cluster: Cluster, profile: Profile, inventory: Inventory | None) -> tuple[list[Obj], list[P.Problem]]:
    objs, problems, _plan = plan_for(cluster, profile, inventory)
    return objs, problems


def plan_for(cluster: Cluster, profile: Profile,
             inventory: Inventory | None) -> tuple[list[Obj], list[P.Problem], UplinkPlan | None]:
    """The objects, the problems, and — for ``vlan.scope: cluster`` — the per-node uplink plan,
    resolved from the cluster's view of every node's NICs (``inventory`` is then unused for
    the uplink: it is this node's kernel)."""
    from tui.kube import preflight
    from tui.model.selectors import resolve
    from tui.render.cluster_objects import cluster_objects

    problems: list[P.Problem] = []
    dialect = cluster.dialect()
    other_release = dialect.release and not dialect.release.startswith(profile.harvester)
    if dialect.legacy != profile.release.legacy or other_release:
        problems.append(P.warning("harvester",
                                  f"the profile targets {profile.harvester} but the cluster runs "
                                  f"{dialect.release or dialect.name}"))
    res = resolve(profile, inventory)
    uplinks = None
    if profile.vlan and profile.vlan.cluster_scope:
        from tui.model.uplink_plan import plan_uplinks
        from tui.render.cluster_vlan import vlan_objects

        views = cluster.node_views(dialect.legacy, profile.vlan.cluster_network)
        uplinks = plan_uplinks(profile.vlan, views, dialect.legacy)
        problems += uplinks.problems
        vlan_objs = vlan_objects(profile, uplinks, views, dialect.bond_fields)
        objs = cluster_objects(profile, (), dialect.bond_fields, vlan_objs)
        mgmt: dict[str, set[str]] = {}  # the cluster's view already leaves out NICs in mgmt-bo
    else:
        objs = cluster_objects(profile, tuple(n.name for n in res.vlan if n.name), dialect.bond_fields)
        host = profile.node.hostname
        mgmt = {host: {n.name for n in res.management if n.name}} if host else {}
    if not dialect.legacy:
        problems += preflight.check(cluster, profile, objs, dialect.release, mgmt)
    return objs, problems, uplinks


def nic_presence(cluster: Cluster) -> list[tuple[str, int, int, float]]:
    from tui.model.cluster_checks import nic_presence as presence

    if cluster.dialect().legacy:
        per_node = {nn["spec"]["nodeName"]: (nn.get("status") or {}).get("nics") or []
                    for nn in cluster.list("network.harvesterhci.io", "v1beta1", "nodenetworks")}
    else:
        lm = cluster.get(Obj("network.harvesterhci.io", "v1beta1", "linkmonitors", "LinkMonitor", "nic", None,
                             {})) or {}
        per_node = ((lm.get("status") or {}).get("linkStatus")) or {}
    return presence(per_node)


def wait_uplinks(cluster: Cluster, objs: list[Obj], uplinks: UplinkPlan | None, seconds: float,
                 report=lambda text: None, poll: float = 0.5):
    """Readiness per node after an apply: v1.1+ each matched node's VlanStatus (and the
    ClusterNetwork); v1.0 cluster scope each covered node's NodeNetwork ``Ready`` condition."""
    import time

    from tui.kube import writes as A

    if uplinks is None or not uplinks.legacy:
        return A.wait_ready(cluster, objs, seconds, report=report, poll=poll)
    nodes = [n.node for n in uplinks.resolved]
    deadline = time.monotonic() + seconds
    while True:
        result = []
        for node in nodes:
            nn = cluster.get(Obj("network.harvesterhci.io", "v1beta1", "nodenetworks", "NodeNetwork", f"{node}-vlan",
                                 None, {}))
            conditions = ((nn or {}).get("status") or {}).get("conditions") or []
            cond = next((c for c in conditions if c.get("type") == "Ready"), None)
            ready = cond is not None and cond.get("status") == "True"
            message = "" if ready else ((cond or {}).get("message") or "no Ready condition yet")
            result.append(A.NodeReady(node, ready, message))
        failed = [r for r in result if "failed" in r.message.lower()]
        if all(r.ready for r in result) or failed or time.monotonic() > deadline:
            for r in result:
                report(f"{r.node}: {'ready' if r.ready else 'NOT ready'}" + (f" ({r.message})" if r.message else ""))
            return result
        time.sleep(poll)


@dataclass(frozen=True)
class ClusterApply:
    """What applying a profile's cluster side came to. ``error`` is None when it worked."""

    problems: list[P.Problem]
    uplinks: UplinkPlan | None
    changes: list | None  # the writes (tui.kube.writes.Change); None when refused before any
    states: list | None  # per node readiness (tui.kube.writes.NodeReady); None when not waited for
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def apply_profile(cluster: Cluster, profile: Profile, inventory: Inventory | None, wait: float | None,
                  report=lambda text: None, on_plan=lambda problems, uplinks: None) -> ClusterApply:
    """The cluster side of a profile, with the one set of failure rules ``cluster apply``, ``run``
    and the wizard share: plan (``on_plan`` sees the problems and uplink plan before any write);
    refused when a problem is an error; else write, then — unless ``wait`` is None — wait up to
    ``wait`` seconds, failing unless every node is ready. A ClusterError (unreachable, a write
    rejected) is raised to the caller."""
    objs, problems, uplinks = plan_for(cluster, profile, inventory)
    on_plan(problems, uplinks)
    return apply_planned(cluster, objs, problems, uplinks, wait, report)


def apply_planned(cluster: Cluster, objs: list[Obj], problems: list[P.Problem], uplinks: UplinkPlan | None,
                  wait: float | None, report=lambda text: None) -> ClusterApply:
    """The write and wait half of ``apply_profile``, for a caller that planned (and showed) already."""
    from tui.kube import writes as A

    if P.has_errors(problems):
        return ClusterApply(problems, uplinks, None, None, P.errors_line(problems))
    changes = A.apply(cluster, objs, report=report)
    written = sum(c.action != "unchanged" for c in changes)
    report(f"{written} of {len(changes)} objects changed ({cluster.round_trips} API round trips)")
    if wait is None:
        return ClusterApply(problems, uplinks, changes, None, None)
    states = wait_uplinks(cluster, objs, uplinks, wait, report=report)
    ready = all(s.ready for s in states)
    return ClusterApply(problems, uplinks, changes, states, None if ready else "not every node is ready")
