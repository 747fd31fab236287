"""Read the cluster state the pre-write checks need and run them (tui/model/cluster_checks.py):
its VlanConfigs and nodes; its NADs when a release reserves exclusive storage VLANs, its
cluster networks when a VM network is on mgmt (one list each, whatever the number of objects)."""

from __future__ import annotations

from tui.model import problems as P
from tui.model.kube_objects import Obj
from tui.model.profile import Profile

NET = ("network.harvesterhci.io", "v1beta1")
NAD = ("k8s.cni.cncf.io", "v1", "network-attachment-definitions")


def check(cluster, profile: Profile, objs: list[Obj], release: str | None,
          mgmt_nics: dict[str, set[str]]) -> list[P.Problem]:
    from tui.model.cluster_checks import check_against_cluster, check_nads_against_cluster, state_needed

    release = release or profile.harvester
    problems = check_against_cluster(objs, cluster.list(*NET, "vlanconfigs"), cluster.nodes(), mgmt_nics, release)
    need_nads, need_networks = state_needed(objs, release)
    if need_nads or need_networks:
        mgmt_mtu = (profile.management.mtu or None) if profile.management else None
        nads = cluster.list(*NAD) if need_nads else []
        networks = cluster.list(*NET, "clusternetworks") if need_networks else []
        problems += check_nads_against_cluster(objs, nads, networks, release, mgmt_mtu)
    return problems
