"""The first step: write an install config or reconfigure this node; or first load a profile
to start from (its path field appears when asked for, keeping the first screen light)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Label, ListItem, ListView, Static

from screens.base import StepScreen


class WelcomeScreen(StepScreen):
    key = "welcome"

    def body(self) -> ComposeResult:
        inv = self.session.inventory()
        yield Static(f"Node {inv.hostname or '?'} ({inv.source}): {len(inv.physical())} NICs found.\n"
                     "What do you want to do?")
        yield ListView(
            ListItem(Label("Write an install config for a new node"), id="mode-install"),
            ListItem(Label("Reconfigure this node's network"), id="mode-node"),
            ListItem(Label("Load a profile to start from ..."), id="load-profile"),
            id="modes")
        yield Static("", id="loaded")

    def on_mount(self) -> None:
        self.query_one("#modes", ListView).focus()

    @on(ListView.Selected)
    def _mode(self, event: ListView.Selected) -> None:
        if event.item.id == "load-profile":
            self._ask_for_path()
            return
        self.session.install_config = event.item.id == "mode-install"
        if not self.session.install_config:
            self.session.prefill_from_node()  # the node's own values, not placeholders
        self.app.action_next()

    def _ask_for_path(self) -> None:
        from textual.widgets import Input

        if not self.query("#load"):
            self.query_one("#body").mount(
                Label("Profile path (Enter loads it):", classes="label"),
                Input(placeholder="(a path, e.g. profiles/...)", id="load", compact=True),
                before=self.query_one("#loaded"))
        self.call_after_refresh(self.query_one("#load").focus)

    def on_input_submitted(self, event) -> None:
        if event.input.id != "load":
            return
        path = event.value.strip()
        problems = self.session.load_profile(path)
        if problems:
            self.query_one("#loaded", Static).update("\n".join(p.line() for p in problems))
            return
        self.query_one("#loaded", Static).update(f"loaded {path}: now choose what to do with it")
        modes = self.query_one("#modes", ListView)
        modes.index = 0
        modes.focus()
