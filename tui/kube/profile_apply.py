"""A profile's cluster side against a connected cluster: the objects for its dialect and
the checks the webhooks miss (shared by ``cluster plan/apply``, the runner and the wizard)."""

from __future__ import annotations

from tui.kube.cluster import Cluster
from tui.model import problems as P
from tui.model.inventory import Inventory
from tui.model.profile import Profile
from tui.render.cluster_objects import Obj


def has_cluster_side(profile: Profile) -> bool:
    return bool(profile.vlan or profile.networks or (profile.cluster and profile.cluster.settings))


def objects_for(cluster: Cluster, profile: Profile, inventory: Inventory | None) -> tuple[list[Obj], list[P.Problem]]:
    from tui.kube import preflight
    from tui.model.selectors import resolve
    from tui.render.cluster_objects import cluster_objects

    problems: list[P.Problem] = []
    dialect = cluster.dialect()
    if dialect.legacy != profile.release.legacy or (dialect.release and not dialect.release.startswith(profile.harvester)):
        problems.append(P.warning("harvester", f"the profile targets {profile.harvester} but the cluster runs {dialect.release or dialect.name}"))
    res = resolve(profile, inventory)
    objs = cluster_objects(profile, tuple(n.name for n in res.vlan if n.name), dialect.bond_fields)
    if not dialect.legacy:
        host = profile.node.hostname
        mgmt = {host: {n.name for n in res.management if n.name}} if host else {}
        problems += preflight.check(cluster, profile, objs, dialect.release, mgmt)
    return objs, problems


def nic_presence(cluster: Cluster) -> list[tuple[str, int, int, float]]:
    from tui.model.cluster_checks import nic_presence as presence

    if cluster.dialect().legacy:
        per_node = {nn["spec"]["nodeName"]: (nn.get("status") or {}).get("nics") or []
                    for nn in cluster.list("network.harvesterhci.io", "v1beta1", "nodenetworks")}
    else:
        lm = cluster.get(Obj("network.harvesterhci.io", "v1beta1", "linkmonitors", "LinkMonitor", "nic", None, {})) or {}
        per_node = ((lm.get("status") or {}).get("linkStatus")) or {}
    return presence(per_node)
