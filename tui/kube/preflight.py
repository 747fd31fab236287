"""Read the cluster state the pre-write checks need and run them (tui/model/cluster_checks.py):
its VlanConfigs and nodes, and — when the profile has VM networks — its cluster networks and
NADs (one list each, whatever the number of objects to write)."""

from __future__ import annotations

from tui.model import problems as P
from tui.model.kube_objects import Obj
from tui.model.profile import Profile

NET = ("network.harvesterhci.io", "v1beta1")
NAD = ("k8s.cni.cncf.io", "v1", "network-attachment-definitions")


def check(cluster, profile: Profile, objs: list[Obj], release: str | None,
          mgmt_nics: dict[str, set[str]]) -> list[P.Problem]:
    from tui.model.cluster_checks import check_against_cluster, check_nads_against_cluster

    problems = check_against_cluster(objs, cluster.list(*NET, "vlanconfigs"), cluster.nodes(), mgmt_nics)
    if any(o.plural == NAD[2] for o in objs):
        mgmt_mtu = (profile.management.mtu or None) if profile.management else None
        problems += check_nads_against_cluster(objs, cluster.list(*NAD), cluster.list(*NET, "clusternetworks"),
                                               release or profile.harvester, mgmt_mtu)
    return problems
