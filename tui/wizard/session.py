"""One wizard session: the draft, the host (real or simulated, chosen once at start-up) and
the intents the screens send. Every method here may block; the screens call them from
Textual workers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from tui.wizard.cluster_intents import ClusterIntents
from tui.wizard.confirmation import Confirmation, ssh_losses
from tui.wizard.draft import Draft
from tui.wizard.outcome import Result

if TYPE_CHECKING:
    from tui.model import problems as P
    from tui.model.inventory import Inventory


@dataclass
class Session(ClusterIntents):
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
        from tui.net.transaction import prepare

        target = self._target()
        return prepare(self.host.snapshot(), target)[2] if target else []

    def _target(self):
        from tui.model.topology import profile_target

        return profile_target(self.draft.loaded().profile, self.inventory())

    def rendered_config(self, for_screen: bool = False) -> str:
        """The Harvester config; ``for_screen`` masks the token and the password."""
        from tui.render.masking import mask_data
        from tui.render.node import CONFIG_NAME, render_node
        from tui.render.yaml_out import dump

        r = render_node(self.draft.loaded(), self.inventory(), "harvester")
        if not r.ok:
            return ""
        if not for_screen:
            return r.files.get(CONFIG_NAME, "")
        return dump(mask_data(r.config))

    def apply_network(self, report, confirm_timeout: float = 60.0):
        """Apply, verified; the change stays pending until ``keep()`` (or reverts)."""
        from tui.model.outcome import Outcome
        from tui.net.journal import JournalError
        from tui.net.lock import Busy, exclusive
        from tui.net.transaction import apply

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
        from tui.net.transaction import confirm_now
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
        from tui.net.transaction import rollback_now
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

    def load_profile(self, path: str) -> "list[P.Problem]":
        """Load the profile at ``path`` into the draft (the welcome step's "Load a profile");
        the problems that kept it from loading, else []."""
        from tui.files import load_profile_file

        loaded = load_profile_file(path)
        if loaded.profile is None:
            return list(loaded.problems)
        self.draft = Draft.from_profile(loaded)
        return []

    def confirmation(self) -> "Confirmation":
        """Everything Apply will do, for the page that asks before it (blocks: a worker)."""
        c = Confirmation(files=self.files_to_write())
        if not self.install_config:
            check = self.check_cluster()
            target = self._target()
            if target is not None:
                from tui.net.transaction import prepare

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


def default_out_dir() -> str:
    return os.environ.get("HARVESTER_NETSETUP_OUT", os.path.join(os.getcwd(), "harvester-netsetup-out"))
