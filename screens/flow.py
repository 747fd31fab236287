"""The screens that run blocking work: the DHCP probe on IPv4, review (plan + config),
apply (progress, confirm-or-revert countdown) and done."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, ListItem, ListView, RichLog, Static

from screens.base import StepScreen
from screens.steps import FormScreen
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
            self.app.call_from_thread(out.update, "select a management NIC first")
            return
        self.app.call_from_thread(out.update, f"probing DHCP on {nics[0]}" + (f" VLAN {vid}" if vid >= 2 else "") + " ...")
        try:
            offers = self.session.probe_dhcp(nics[0], vid if vid >= 2 else None)
        except Exception as exc:
            self.app.call_from_thread(out.update, f"probe failed: {exc}")
            return
        if not offers:
            text = "no DHCP offer: use static, or check the switch port / VLAN"
        else:
            o = offers[0]
            route = f"default route via {o.router}" if o.router else "NO default route (required)"
            text = f"offer from {o.server}: {o.ip}/{o.prefix}, {route}, DNS {', '.join(o.dns) or '-'}"
        self.app.call_from_thread(out.update, text)


class ReviewScreen(StepScreen):
    key = "review"

    def body(self) -> ComposeResult:
        yield Static("Problems (Enter jumps to the step that fixes it):")
        yield ListView(id="all-problems")
        yield Static("", id="plan")
        yield Static("", id="config")

    def on_mount(self) -> None:
        problems = self.session.problems()
        lv = self.query_one("#all-problems", ListView)
        for p in problems:
            lv.append(ListItem(Label(p.line()), name=p.path))
        if not problems:
            lv.append(ListItem(Label("none: the profile is valid")))
        lv.index = 0
        lv.focus()
        self.load_plan()

    @on(ListView.Selected, "#all-problems")
    def _jump(self, event: ListView.Selected) -> None:
        step = step_for_path(event.item.name or "", self.session.install_config)
        if step:
            self.app.show_step(step.key)

    @work(thread=True, exclusive=True)
    def load_plan(self) -> None:
        ok = not any(p.is_error for p in self.session.problems())
        plan_text = config = ""
        cluster = self.session.cluster_problems() if ok else []  # the cluster's state, before any write
        self.cluster_errors = any(p.is_error for p in cluster)
        if cluster:
            self.app.call_from_thread(self._show_cluster_problems, cluster)
        if ok:
            if not self.session.install_config:
                steps = self.session.plan_steps()
                plan_text = "Plan on this node:\n" + ("\n".join(f"{i:>3}. {s.describe()}" for i, s in enumerate(steps, 1)) or "  nothing to do")
            config = "Harvester config:\n" + self.session.rendered_config(for_screen=True)
        self.app.call_from_thread(self.query_one("#plan", Static).update, plan_text)
        self.app.call_from_thread(self.query_one("#config", Static).update, config)

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
        self.app.call_from_thread(self.query_one("#log", RichLog).write, text)

    @work(thread=True, exclusive=True)
    def run_apply(self) -> None:
        s = self.session
        for path in s.write_outputs():
            self.log_line(f"wrote {path}")
        if s.install_config:
            self.log_line("install config written; nothing on this node changes")
            self.app.call_from_thread(self._finished)
            return
        out = s.apply_network(lambda event, text: self.log_line(f"{event}: {text}"), CONFIRM_SECONDS)
        if not out.ok:
            self.log_line(f"FAILED: {out.error}")
            self.log_line("the prior network state is back (verified)" if out.restored or not out.done
                          else "could not fully restore: " + "; ".join(out.restore_problems))
            self.app.call_from_thread(self._finished)
            return
        self.log_line(f"applied and verified {len(out.steps)} steps" if out.steps else "nothing to do")
        if out.pending_until:
            self.app.call_from_thread(self._start_countdown)
        else:
            self.app.call_from_thread(self._finished)

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
        self.query_one("#countdown", Static).update(f"Keep this network? It reverts in {left:.0f} s unless you press Keep.")

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self._tick.stop()
        self.session.keep()
        self.query_one("#log", RichLog).write("kept: the change stays")
        self.query_one("#confirm").display = False
        self.query_one("#countdown", Static).update("")
        self.run_cluster()

    @work(thread=True, exclusive=True)
    def run_cluster(self) -> None:
        ok = self.session.apply_cluster(self.log_line)
        self.log_line("cluster: done" if ok else "cluster: NOT complete (see above); the node's network stays")
        self.app.call_from_thread(self._finished)

    @on(Button.Pressed, "#revert")
    def _revert(self) -> None:
        self._tick.stop()
        self.revert()

    @work(thread=True, exclusive=True)
    def revert(self) -> None:
        left = self.session.revert(lambda e, t: self.log_line(f"{e}: {t}"))
        self.log_line("reverted: the prior network state is back (verified)" if not left else "could not fully restore: " + "; ".join(left))
        self.app.call_from_thread(self._finished)

    def _finished(self) -> None:
        self.finished = True
        self.query_one("#confirm").display = False
        self.query_one("#countdown", Static).update("Finished: Ctrl+N (Next) shows what was written.")

    def leave(self) -> bool:
        return getattr(self, "finished", False)


class DoneScreen(StepScreen):
    key = "done"

    def body(self) -> ComposeResult:
        lines = ["Written:"] + [f"  {p}" for p in self.session.written]
        lines += ["", "Replay this session unattended with:",
                  f"  harvester-netsetup run --profile {next((p for p in self.session.written if p.endswith('profile.yaml')), 'profile.yaml')}",
                  "", "Press Ctrl+Q to quit."]
        yield Static("\n".join(lines), id="done")
