"""One wizard session: the draft, the host (real or simulated, chosen once at start-up) and
the intents the screens send. Every method here may block; the screens call them from
Textual workers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from tui.wizard.draft import Draft
from tui.wizard.outcome import Result

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
    result: Result = field(default_factory=Result)
    lsblk: object = None  # () -> lsblk JSON: the host backend's disks, chosen at start-up
    _disks: list | None = None
    _checked: tuple | None = None  # (draft key, ClusterCheck): the last cluster check

    def inventory(self, refresh: bool = False) -> "Inventory":
        if self._inventory is None or refresh:
            self._inventory = self.host.inventory()
        return self._inventory

    def problems(self) -> "list[P.Problem]":
        """The validator's problems, and the cluster check's when it was run on this draft."""
        out = self.draft.problems(self.inventory())
        check = self.last_cluster_check()
        return out + (check.problems if check else [])

    def disks(self) -> list:
        """The machine's disks for the install-disk choice (empty: none known, type a path)."""
        if self._disks is None:
            from tui.wizard.disks import parse_lsblk

            self._disks = parse_lsblk(self.lsblk()) if self.lsblk else []
        return self._disks

    def prefill_from_node(self) -> list[str]:
        """Reconfigure mode: what the node has now fills what the draft lacks; the paths set."""
        from tui.wizard.prefill import from_node

        values = from_node(self.draft.data, self.inventory(), self.host.snapshot())
        for path, value in values.items():
            self.draft.set(path, value)
        return list(values)

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

        self.result.network = "applying"
        try:
            with exclusive(self.host.journal, "wizard apply"):
                out = apply(self.host, self._target(), confirm_timeout=confirm_timeout, report=report)
        except (Busy, JournalError) as exc:
            out = Outcome(ok=False, error=str(exc))
        self.pending_until = out.pending_until
        if not out.ok:
            self.result.network = "failed" if out.restored or not out.started else "restore failed"
        else:
            self.result.network = "pending" if out.pending_until else ("kept" if out.steps else "nothing to do")
        self.result.address = self.node_address() if out.ok else None
        return out

    def outcome(self) -> tuple[list[str], int]:
        """What this session did and did not do, in words, and the exit code that says it."""
        from tui.wizard.outcome import exit_code, summary

        self.result.install_config = self.install_config
        return summary(self.result), exit_code(self.result)

    def node_address(self) -> str | None:
        """The address the node has on its management device now (after DHCP: what it got)."""
        target = self._target()
        if target is None or not target.ip_dev:
            return None
        return next((cidr for dev, cidr in self.host.snapshot().addresses if dev == target.ip_dev), None)

    def outcome_lines(self, out) -> tuple[str, ...]:
        """What the apply came to, in the words apply and run use (a pending change: its first
        line; the screen's countdown and Keep button say the rest)."""
        from tui.model.outcome import verdict

        lines = verdict(out).lines
        return lines[:1] if out.ok and out.pending_until is not None else lines

    def keep(self) -> tuple[str, ...]:
        """Keep the pending change, or say why it is gone (the revert timer came first): the
        words of ``confirm``."""
        from tui.net.apply import confirm_now
        from tui.net.journal import JournalError
        from tui.net.lock import Busy, exclusive

        self.pending_until = None
        try:
            with exclusive(self.host.journal, "wizard confirm", wait=10.0):
                v = confirm_now(self.host.journal)
        except (Busy, JournalError) as exc:
            self.result.network = "restore failed"
            return (f"error: {exc}",)
        self.result.network = v.network
        if v.network != "kept":
            self.result.address = None
        return v.lines

    def revert(self, report) -> tuple[str, ...]:
        """Restore the checkpoint of the pending apply now; the words of the rollback."""
        from tui.net.apply import rollback_now
        from tui.net.journal import JournalError
        from tui.net.lock import Busy, exclusive

        self.pending_until = None
        try:
            with exclusive(self.host.journal, "wizard revert", wait=10.0):
                v = rollback_now(self.host, report)
        except (Busy, JournalError) as exc:  # the screen says it; the journal is left for 'rollback'
            self.result.network = "restore failed"
            return (f"error: {exc}",)
        self.result.network = "restore failed" if v.code else "reverted"
        self.result.address = None
        return v.lines

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

    def load_profile(self, path: str) -> "list[P.Problem]":
        """Load the profile at ``path`` into the draft (the welcome step's "Load a profile");
        the problems that kept it from loading, else []."""
        from tui.files import load_profile_file

        loaded = load_profile_file(path)
        if loaded.profile is None:
            return list(loaded.problems)
        self.draft = Draft.from_profile(loaded)
        return []

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

    def confirmation(self) -> "Confirmation":
        """Everything Apply will do, for the page that asks before it (blocks: a worker)."""
        c = Confirmation(files=self.files_to_write())
        if not self.install_config:
            check = self.check_cluster()
            target = self._target()
            if target is not None:
                from tui.net.apply import prepare

                steps = prepare(self.host.snapshot(), target)[2]
                c.host = ssh_losses(self.inventory(), steps) + [s.describe() for s in steps]
                if not steps:
                    c.host = ["nothing to change: the node already has this network"]
            if check.needed:
                c.cluster = check.changes or [f"not sent: {check.error}" if check.error else "nothing to change"]
        else:
            c.host = ["nothing on this node changes (an install config is written)"]
        problems = self.problems()
        c.warnings = [f"{p.path}: {p.message}" for p in problems if not p.is_error]
        c.errors = [f"{p.path}: {p.message}" for p in problems if p.is_error]
        return c

    def files_to_write(self) -> list[str]:
        from tui.render.node import CONFIG_NAME

        names = ["profile.yaml"] + ([CONFIG_NAME] if self.rendered_config() else [])
        return [os.path.join(self.out_dir, n) for n in names]

    # ---- VM networks -------------------------------------------------------------------------
    def save_network(self, index: int | None, form) -> dict[str, str]:
        """Add (``index`` None) or replace a VM network; nothing changes when the entry has an
        error. Returns the entry's errors by form field (name, vlan_id, mode, cidr, gateway)."""
        from tui.wizard.networks import field_of, network_from_form

        net, errors = network_from_form(form)
        nets = list(self.draft.get("networks", []))
        i = len(nets) if index is None else index
        if errors:
            return errors
        trial = Draft(self.draft.data)
        trial.set("networks", nets[:i] + [net] + nets[i + 1:])
        for p in trial.problems(self.inventory()):
            f = field_of(p.path, i) if p.is_error else None
            if f and f not in errors:
                errors[f] = p.message
        if not errors:
            self.draft = trial
        return errors

    def remove_network(self, index: int) -> None:
        nets = list(self.draft.get("networks", []))
        if 0 <= index < len(nets):
            del nets[index]
            self.draft.set("networks", nets or None)

    def write_outputs(self) -> list[str]:
        """The saved profile (replays this session unattended) and the rendered config."""
        from tui.files import write_tree
        from tui.model.dump import dump_profile
        from tui.render.node import CONFIG_NAME
        from tui.render.password import hash_password
        from tui.render.yaml_out import dump

        loaded = self.draft.loaded()
        replay = "harvester-netsetup profile: replay with 'harvester-netsetup run --profile profile.yaml'"
        files = {"profile.yaml": dump(dump_profile(loaded.profile, hash_password), header=replay)}
        config = self.rendered_config()
        if config:
            files[CONFIG_NAME] = config
        self.written = write_tree(self.out_dir, files)
        self.result.written = list(self.written)
        self.result.install_config = self.install_config
        return self.written


@dataclass
class ClusterCheck:
    needed: bool = True  # False: the profile has no cluster side
    objs: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # "create clusternetworks/data", "patch ..."
    error: str | None = None  # the cluster could not be reached or asked
    uplinks: object = None  # vlan.scope cluster: the per-node uplink plan (tui.model.uplink_plan)


@dataclass
class Confirmation:
    host: list[str] = field(default_factory=list)
    cluster: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["On this node:"] + [f"  {x}" for x in self.host]
        if self.cluster:
            out += ["In the cluster:"] + [f"  {x}" for x in self.cluster]
        out += ["Files written:"] + [f"  {x}" for x in self.files]
        if self.warnings:
            out += ["Warnings:"] + [f"  warning: {x}" for x in self.warnings]
        if self.errors:
            out += ["Errors (Apply is refused):"] + [f"  error: {x}" for x in self.errors]
        return out


def ssh_losses(inventory, steps) -> list[str]:
    """"eno1 - your SSH session - loses 10.0.0.11/24" for each address of the NIC carrying
    this SSH session that a step takes away (ASCII dashes: the console font)."""
    out = []
    for nic in inventory.physical():
        if not nic.ssh_session:
            continue
        touched = [s for s in steps if s.dev == nic.name and s.op in ("addr-del", "master", "link-del", "link-down")]
        lost = [s.args[0] for s in touched if s.op == "addr-del"] or (list(nic.ipv4) if touched else [])
        out += [f"{nic.name} - your SSH session - loses {cidr}" for cidr in lost]
        out += [f"{nic.name} - your SSH session - loses the default route via {s.args[1]}"
                for s in steps if s.dev == nic.name and s.op == "route-del" and s.args[0] == "default"]
    return out


def _warning(path: str, message: str):
    from tui.model import problems as P

    return P.warning(path, message)


SECRET_KEYS = ("token", "password")


def _masked(data):
    if isinstance(data, dict):
        return {k: ("********" if k in SECRET_KEYS and v else _masked(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_masked(v) for v in data]
    return data


def default_out_dir() -> str:
    return os.environ.get("HARVESTER_NETSETUP_OUT", os.path.join(os.getcwd(), "harvester-netsetup-out"))
