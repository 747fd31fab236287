"""The screens that run blocking work: the DHCP probe on IPv4, review (problems, with the
cluster's; plan + config), the confirmation before Apply, apply (progress, keep-or-revert
countdown) and done (what was and was not done)."""

from __future__ import annotations

import os
import time

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, ListItem, ListView, RichLog, Static

from screens.base import StepScreen
from screens.form import FormScreen
from tui.wizard.glyphs import console_text
from tui.wizard.steps import step_for_path

CONFIRM_SECONDS = 60


class Ipv4Screen(FormScreen):
    key = "ipv4"

    def body(self) -> ComposeResult:
        yield from super().body()
        yield Button("Probe DHCP", id="probe-dhcp", compact=True)
        yield Static("", id="offer")

    @on(Button.Pressed, "#probe-dhcp")
    def _probe(self) -> None:
        self.probe()

    @work(thread=True, exclusive=True)
    def probe(self) -> None:
        d = self.session.draft
        nics = [s.get("name") for s in d.get("management.interfaces", []) if s.get("name")]
        vid = d.get("management.vlan_id") or 0
        out = self.query_one("#offer", Static)
        if not nics:
            self.ui(out.update, "select a management NIC first")
            return
        self.ui(out.update, f"probing DHCP on {nics[0]}" + (f" VLAN {vid}" if vid >= 2 else "") + " ...")
        try:
            offers = self.session.probe_dhcp(nics[0], vid if vid >= 2 else None)
        except Exception as exc:
            self.ui(out.update, f"probe failed: {exc}")
            return
        if not offers:
            text = "no DHCP offer: use static, or check the switch port / VLAN"
        else:
            o = offers[0]
            route = f"default route via {o.router}" if o.router else "NO default route (required)"
            text = f"offer from {o.server}: {o.ip}/{o.prefix}, {route}, DNS {', '.join(o.dns) or '-'}"
        self.ui(out.update, text)


class ReviewScreen(StepScreen):
    key = "review"

    def body(self) -> ComposeResult:
        yield Static("Problems (Enter jumps to the field that fixes it):")
        yield ListView(id="all-problems")
        yield Static("", id="plan")
        yield Static("", id="config")

    def on_mount(self) -> None:
        self.show_list()
        self.query_one("#all-problems", ListView).focus()
        self.load_plan()

    def show_list(self) -> None:
        problems = self.session.problems()
        lv = self.query_one("#all-problems", ListView)
        lv.clear()
        lv.extend([ListItem(Label(console_text(p.line())), name=p.path) for p in problems])
        if not problems:
            lv.append(ListItem(Label("none: the profile is valid")))
        lv.index = 0

    @on(ListView.Selected, "#all-problems")
    def _jump(self, event: ListView.Selected) -> None:
        step = step_for_path(event.item.name or "", self.session.install_config)
        if step:
            self.app.show_step(step.key, focus_path=event.item.name)

    @work(thread=True, exclusive=True)
    def load_plan(self) -> None:
        s = self.session
        if not s.install_config and not any(p.is_error for p in s.problems()):
            self.ui(self.query_one("#plan", Static).update, "checking against the cluster ...")
            s.check_cluster()  # its problems join the list (NIC missing on nodes, release, hostname)
            self.ui(self.show_list)
        ok = not any(p.is_error for p in s.problems())
        plan_text = config = ""
        cluster = self.session.cluster_problems() if ok else []  # the cluster's state, before any write
        self.cluster_errors = any(p.is_error for p in cluster)
        if cluster:
            self.app.call_from_thread(self._show_cluster_problems, cluster)
        if ok:
            if not s.install_config:
                steps = s.plan_steps()
                lines = [f"{i:>3}. {x.describe()}" for i, x in enumerate(steps, 1)] or ["  nothing to do"]
                plan_text = "Plan on this node:\n" + "\n".join(lines)
            config = "Harvester config:\n" + s.rendered_config(for_screen=True)
        self.ui(self.query_one("#plan", Static).update, plan_text)
        self.ui(self.query_one("#config", Static).update, config)

    def _show_cluster_problems(self, problems) -> None:
        lv = self.query_one("#all-problems", ListView)
        if not self.session.problems():
            lv.clear()  # it said "none: the profile is valid"; the cluster's state says otherwise
        for p in problems:
            lv.append(ListItem(Label(p.line()), name=p.path))

    def leave(self) -> bool:
        if any(p.is_error for p in self.session.problems()) or getattr(self, "cluster_errors", False):
            self.app.notify("fix the problems first", severity="error")
            return False
        return True


class ConfirmScreen(StepScreen):
    """Everything Apply will do, then a typed "yes": Ctrl+N alone does not apply."""

    key = "confirm"
    confirmed = False
    allowed = False

    def body(self) -> ComposeResult:
        # the question first: its field has the focus, and the list below scrolls (PageDown)
        yield Label("Type yes and press Enter to apply; Ctrl+P goes back:", id="l-yes")
        yield Input(id="yes", compact=True, placeholder="")
        yield Static("Reading what Apply will do ...", id="summary")

    def on_mount(self) -> None:
        self.query_one("#yes", Input).focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        self.ui(self.show, self.session.confirmation())

    def show(self, c) -> None:
        self.allowed = not c.errors
        self.query_one("#summary", Static).update("\n".join(console_text(x) for x in c.lines()))
        if not self.allowed:
            self.query_one("#l-yes", Label).update("Apply is refused: fix the errors above (Ctrl+P goes back).")
            self.query_one("#yes", Input).disabled = True

    @on(Input.Submitted, "#yes")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip().lower() == "yes" and self.allowed:
            self.confirmed = True
            self.app.action_next()
        else:
            self.app.notify("type yes (the word) and press Enter to apply", severity="warning")

    def leave(self) -> bool:
        if not self.confirmed:
            self.app.notify("type yes and press Enter to apply", severity="warning")
        return self.confirmed


class ApplyScreen(StepScreen):
    key = "apply"

    def body(self) -> ComposeResult:
        yield RichLog(id="log", wrap=True, markup=False)
        yield Static("", id="countdown")
        with Horizontal(id="confirm"):
            yield Button("Keep", id="keep", variant="success", compact=True)
            yield Button("Revert", id="revert", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm").display = False
        self.run_apply()

    def log_line(self, text: str) -> None:
        """From a worker: one line in the log."""
        self.ui(self.query_one("#log", RichLog).write, console_text(text))

    @work(thread=True, exclusive=True)
    def run_apply(self) -> None:
        s = self.session
        for path in s.write_outputs():
            self.log_line(f"wrote {path}")
        if s.install_config:
            self.log_line("install config written; nothing on this node changes")
            self.ui(self._finished)
            return
        out = s.apply_network(lambda event, text: self.log_line(f"{event}: {text}"), CONFIRM_SECONDS)
        for line in s.outcome_lines(out):
            self.log_line(line)
        if s.result.address:
            self.log_line(f"the node's address is now {s.result.address}")
        self.ui(self._start_countdown if out.ok and out.pending_until else self._finished)

    @property
    def pending(self) -> bool:
        return self.session.pending_until is not None

    def _start_countdown(self) -> None:
        self.query_one("#confirm").display = True
        self.query_one("#keep", Button).focus()
        self._tick = self.set_interval(1, self._countdown)
        self._countdown()

    def _countdown(self) -> None:
        left = (self.session.pending_until or 0) - time.time()
        if left <= 0:
            self._tick.stop()
            self.revert()
            return
        self.query_one("#countdown", Static).update(
            f"Keep this network? It reverts in {left:.0f} s unless you press Keep.")

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self._tick.stop()
        lines = self.session.keep()
        for line in lines:
            self.query_one("#log", RichLog).write(line)
        self.query_one("#confirm").display = False
        self.query_one("#countdown", Static).update("")
        if self.session.result.network == "kept":
            self.run_cluster()
        else:
            self._finished()

    @work(thread=True, exclusive=True)
    def run_cluster(self) -> None:
        ok = self.session.apply_cluster(self.log_line)
        self.log_line("cluster: done" if ok else "cluster: NOT complete (see above); the node's network stays")
        self.ui(self._finished)

    @on(Button.Pressed, "#revert")
    def _revert(self) -> None:
        self._tick.stop()
        self.revert()

    @work(thread=True, exclusive=True)
    def revert(self, then=None) -> None:
        for line in self.session.revert(lambda e, t: self.log_line(f"{e}: {t}")):
            self.log_line(line)
        self.ui(then or self._finished)

    def _finished(self) -> None:
        self.finished = True
        self.query_one("#confirm").display = False
        self.query_one("#countdown", Static).update("Finished: Ctrl+N (Next) shows what was and was not done.")

    def leave(self) -> bool:
        return getattr(self, "finished", False)


class DoneScreen(StepScreen):
    key = "done"

    def body(self) -> ComposeResult:
        lines, _ = self.session.outcome()
        lines += ["", "Written:"] + [f"  {p}" for p in self.session.written]
        profile = next((p for p in self.session.written if p.endswith("profile.yaml")), None)
        if profile:
            again = self.session.result.network in ("reverted", "failed", "restore failed")
            lines += ["", "To try this profile again, unattended:" if again else "Replay this session unattended with:",
                      f"  cd {os.path.dirname(profile)}", "  harvester-netsetup run --profile profile.yaml"]
        lines += ["", "Ctrl+Q quits."]
        yield Static(console_text("\n".join(lines)), id="done")
