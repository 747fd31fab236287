"""One wizard session: the draft, the host (real or simulated, chosen once at start-up) and
the intents the screens send. Every method here may block; the screens call them from
Textual workers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from tui.wizard.draft import Draft

if TYPE_CHECKING:
    from tui.model import problems as P
    from tui.model.inventory import Inventory


@dataclass
class Session:
    host: object
    out_dir: str
    draft: Draft = field(default_factory=Draft)
    install_config: bool = True  # True: write an install config; False: reconfigure this node
    simulated: bool = False
    _inventory: "Inventory | None" = None
    written: list[str] = field(default_factory=list)
    pending_until: float | None = None
    connect_cluster: object = None  # () -> Cluster; chosen at start-up (simulated or kubeconfig)
    _cluster: object = None
    cluster_error: str | None = None

    def inventory(self, refresh: bool = False) -> "Inventory":
        if self._inventory is None or refresh:
            self._inventory = self.host.inventory()
        return self._inventory

    def problems(self) -> "list[P.Problem]":
        return self.draft.problems(self.inventory())

    def probe_dhcp(self, ifname: str, vlan: int | None = None, timeout: float = 6.0) -> list:
        return self.host.probe_dhcp(ifname, vlan, timeout)

    def plan_steps(self) -> list:
        from tui.net.apply import prepare

        target = self._target()
        return prepare(self.host.snapshot(), target)[2] if target else []

    def _target(self):
        from tui.model.selectors import resolve
        from tui.model.topology import node_target

        loaded = self.draft.loaded()
        if loaded.profile is None or loaded.profile.management is None:
            return None
        res = resolve(loaded.profile, self.inventory())
        return node_target(loaded.profile, res.management, res.vlan)

    def rendered_config(self, for_screen: bool = False) -> str:
        """The Harvester config; ``for_screen`` masks the token and the password."""
        import copy

        from tui.render.node import CONFIG_NAME, render_node
        from tui.render.yaml_out import dump

        r = render_node(self.draft.loaded(), self.inventory(), "harvester")
        if not r.ok:
            return ""
        if not for_screen:
            return r.files.get(CONFIG_NAME, "")
        return dump(_masked(copy.deepcopy(r.config)))

    def apply_network(self, report, confirm_timeout: float = 60.0):
        """Apply, verified; the change stays pending until ``keep()`` (or reverts)."""
        from tui.model.outcome import Outcome
        from tui.net.apply import apply
        from tui.net.journal import JournalError
        from tui.net.lock import Busy, exclusive

        try:
            with exclusive(self.host.journal, "wizard apply"):
                out = apply(self.host, self._target(), confirm_timeout=confirm_timeout, report=report)
        except (Busy, JournalError) as exc:
            out = Outcome(ok=False, error=str(exc))
        self.pending_until = out.pending_until
        return out

    def outcome_lines(self, out, now: float) -> tuple[str, ...]:
        """What the apply came to, in the words apply and run use."""
        from tui.model.outcome import verdict

        return verdict(out, now).lines

    def keep(self) -> bool:
        from tui.net.apply import confirm_pending
        from tui.net.lock import exclusive

        self.pending_until = None
        with exclusive(self.host.journal, "wizard confirm", wait=10.0):
            return confirm_pending(self.host.journal) is not None

    def revert(self, report) -> list[str] | None:
        from tui.net.apply import rollback_pending
        from tui.net.lock import exclusive

        self.pending_until = None
        with exclusive(self.host.journal, "wizard revert", wait=10.0):
            return rollback_pending(self.host, report)

    # ---- the cluster -------------------------------------------------------------------------
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

    def apply_cluster(self, report, wait: float = 60.0) -> bool:
        """Apply the profile's cluster side; False when something failed (reported)."""
        from tui.kube import apply as A
        from tui.kube.cluster import ClusterError
        from tui.kube.profile_apply import has_cluster_side, objects_for

        profile = self.draft.loaded().profile
        if profile is None or not has_cluster_side(profile):
            return True
        cluster = self.cluster()
        if cluster is None:
            report(f"cluster: skipped ({self.cluster_error or 'no cluster configured'})")
            return False
        try:
            objs, problems = objects_for(cluster, profile, self.inventory())
            for p in problems:
                report(p.line())
            if any(p.is_error for p in problems):
                return False
            A.apply(cluster, objs, report=lambda t: report(f"cluster: {t}"))
            states = A.wait_ready(cluster, objs, wait, report=lambda t: report(f"cluster: {t}"))
        except ClusterError as exc:
            report(f"cluster: error: {exc}")
            return False
        return all(s.ready for s in states)

    def write_outputs(self) -> list[str]:
        """The saved profile (replays this session unattended) and the rendered config."""
        from tui.files import write_tree
        from tui.model.dump import dump_profile
        from tui.render.node import CONFIG_NAME
        from tui.render.yaml_out import dump

        loaded = self.draft.loaded()
        files = {"profile.yaml": dump(dump_profile(loaded.profile), header="harvester-netsetup profile: replay with 'harvester-netsetup run --profile profile.yaml'")}
        config = self.rendered_config()
        if config:
            files[CONFIG_NAME] = config
        self.written = write_tree(self.out_dir, files)
        return self.written


SECRET_KEYS = ("token", "password")


def _masked(data):
    if isinstance(data, dict):
        return {k: ("********" if k in SECRET_KEYS and v else _masked(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_masked(v) for v in data]
    return data


def default_out_dir() -> str:
    return os.environ.get("HARVESTER_NETSETUP_OUT", os.path.join(os.getcwd(), "harvester-netsetup-out"))
