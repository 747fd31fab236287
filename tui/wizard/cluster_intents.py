"""The wizard session's cluster side (tui/wizard/session.py): the connection chosen at
start-up, what the cluster sees of the NICs, the check of the profile's cluster side before
anything is written (kept per draft) and its apply, with the failure rules of ``cluster
apply`` and ``run`` (tui/kube/profile_apply.py). Every method may block: the screens call
them from Textual workers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.model import problems as P


class ClusterIntents:
    """Mixed into ``Session``, whose fields it uses: ``draft``, ``result``, ``connect_cluster``,
    ``_cluster``, ``cluster_error``, ``_checked`` and ``inventory()``."""

    # ---- the connection -------------------------------------------------------------------------
    def cluster(self):
        """The connected cluster, or None (with ``cluster_error`` saying why)."""
        if self._cluster is None and self.connect_cluster is not None and self.cluster_error is None:
            from tui.kube.cluster import ClusterError

            try:
                self._cluster = self.connect_cluster()
                self._cluster.dialect()
            except ClusterError as exc:
                self._cluster, self.cluster_error = None, str(exc)
        return self._cluster

    def nic_presence(self) -> dict[str, str]:
        """NIC name -> "2/3 nodes (66.67 %)" when a cluster is reachable."""
        from tui.kube.profile_apply import nic_presence

        cluster = self.cluster()
        if cluster is None:
            return {}
        return {n: f"{c}/{t} nodes ({p:.2f} %)" for n, c, t, p in nic_presence(cluster)}

    def uplink_table(self) -> list[str]:
        """``vlan.scope: cluster`` (issue 15): the per-node uplink table — node, NICs chosen,
        status, why — from the cluster's view of every node's NICs; or why there is none."""
        from tui.kube.cluster import ClusterError
        from tui.kube.profile_apply import plan_for
        from tui.render.cluster_vlan import node_table

        profile = self.draft.loaded().profile
        if profile is None or profile.vlan is None or not profile.vlan.cluster_scope:
            return []
        cluster = self.cluster()
        if cluster is None:
            return [f"no cluster ({self.cluster_error or 'not configured'}): the uplinks are resolved at apply"]
        try:
            _objs, _problems, plan = plan_for(cluster, profile, self.inventory())
        except ClusterError as exc:
            return [f"cluster: {exc}"]
        return node_table(plan) if plan is not None else []

    def cluster_problems(self) -> "list[P.Problem]":
        """The profile's cluster side against the cluster's state — the checks ``cluster plan``
        runs (tui/kube/preflight.py), before anything is written; [] without a cluster side."""
        from tui.kube.cluster import ClusterError
        from tui.kube.profile_apply import has_cluster_side, objects_for
        from tui.model import problems as P

        profile = self.draft.loaded().profile
        if profile is None or not has_cluster_side(profile) or self.cluster() is None:
            return []
        try:
            return objects_for(self.cluster(), profile, self.inventory())[1]
        except ClusterError as exc:
            return [P.warning("cluster", f"not checked against the cluster: {exc}")]

    def apply_cluster(self, report, wait: float = 60.0) -> bool:
        """Apply the profile's cluster side; False when something failed (reported)."""
        from tui.kube.cluster import ClusterError
        from tui.kube.profile_apply import apply_planned, has_cluster_side

        profile = self.draft.loaded().profile
        if profile is None or not has_cluster_side(profile):
            self.result.cluster = "none"
            return True
        check = self.check_cluster()
        if check.error:
            report(f"cluster: skipped ({check.error})")
            self.result.cluster, self.result.notes = "skipped", [f"not sent: {check.error}"]
            return False
        for p in check.problems:
            report(p.line())
        try:  # the rules cluster apply and run follow too (tui/kube/profile_apply.py)
            out = apply_planned(self.cluster(), check.objs, check.problems, check.uplinks, wait,
                                report=lambda t: report(f"cluster: {t}"))
        except ClusterError as exc:
            report(f"cluster: error: {exc}")
            self.result.cluster, self.result.notes = "not complete", [f"cluster error: {exc}"]
            return False
        if out.changes is None:  # refused before any write
            self.result.cluster = "skipped"
            self.result.notes = [p.line() for p in check.problems if p.is_error]
            return False
        states = out.states or []
        late = [s.node for s in states if not s.ready]
        notes = [f"not ready: {', '.join(late)}"] if late else []
        no_node = any(o.plural == "vlanconfigs" for o in check.objs) and not any(
            not s.node.startswith("clusternetwork/") for s in states)
        if no_node:
            notes.append("no node took the uplink: the VlanConfig matches no node of the cluster")
        notes += [p.line() for p in check.problems if not p.is_error]
        self.result.cluster = "not complete" if late or no_node or not out.ok else "done"
        self.result.notes = notes
        return self.result.cluster == "done"

    # ---- checks before anything changes ------------------------------------------------------
    def _key(self) -> str:
        import json

        return json.dumps(self.draft.data, sort_keys=True, default=str)

    def last_cluster_check(self) -> "ClusterCheck | None":
        """The cluster check of the current draft, if one was run (no network here)."""
        return self._checked[1] if self._checked and self._checked[0] == self._key() else None

    def check_cluster(self) -> "ClusterCheck":
        """Checks the profile's cluster side against the cluster (blocks: call from a worker):
        NICs in two places, a VlanConfig matching no node, the release the cluster runs, the
        uplink NICs missing on some nodes; and what would be created or patched."""
        from tui.kube.cluster import ClusterError
        from tui.kube.profile_apply import has_cluster_side

        key = self._key()
        if self._checked and self._checked[0] == key:
            return self._checked[1]
        check = ClusterCheck()
        profile = self.draft.loaded().profile
        if profile is None or not has_cluster_side(profile):
            check.needed = False
        elif self.cluster() is None:
            check.error = self.cluster_error or "no cluster configured"
            check.problems = [_warning("cluster", f"no cluster reachable ({check.error}): the cluster objects "
                                       "cannot be checked or sent")]
        else:
            try:
                check = self._check_against(self.cluster(), profile)
            except ClusterError as exc:
                check.error = str(exc)
                check.problems = [_warning("cluster", f"the cluster check failed: {exc}")]
        self._checked = (key, check)
        return check

    def _check_against(self, cluster, profile) -> "ClusterCheck":
        from tui.kube import writes as A
        from tui.kube.profile_apply import nic_presence, plan_for

        objs, problems, uplinks = plan_for(cluster, profile, self.inventory())
        chosen = [s.get("name") for s in self.draft.get("vlan.interfaces", []) if s.get("name")]
        counts = {n: (c, t) for n, c, t, _ in nic_presence(cluster)}
        total = max((t for _, t in counts.values()), default=0)
        for nic in chosen:
            have = counts.get(nic, (0, total))[0]
            if total and have < total:
                problems.append(_warning("vlan.interfaces", f"{nic} is free on {have} of {total} cluster nodes only"))
        changes = []
        if not any(p.is_error for p in problems):
            for ch in A.plan(cluster, objs):
                verb = {"create": "create", "update": "patch", "unchanged": "keep"}[ch.action]
                changes.append(f"{verb} {ch.obj.ref}" + (f" ({', '.join(ch.fields[:3])})" if ch.fields else ""))
        return ClusterCheck(objs=objs, problems=problems, changes=changes, uplinks=uplinks)


@dataclass
class ClusterCheck:
    needed: bool = True  # False: the profile has no cluster side
    objs: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # "create clusternetworks/data", "patch ..."
    error: str | None = None  # the cluster could not be reached or asked
    uplinks: object = None  # vlan.scope cluster: the per-node uplink plan (tui.model.uplink_plan)


def _warning(path: str, message: str):
    from tui.model import problems as P

    return P.warning(path, message)
