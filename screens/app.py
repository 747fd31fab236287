"""The wizard application: step navigation, the theme for consoles, the size guard, F1 help.
Screens receive the session and send intents; blocking work runs in Textual workers."""

from __future__ import annotations

import os
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.wizard.steps import step_order

MIN_W, MIN_H = 80, 24

HELP = """harvester-netsetup wizard

Tab / Shift+Tab   move between fields      Enter   activate / next
Ctrl+N            next step                Ctrl+P  previous step
Space             select a NIC in a table  F1      this help
Ctrl+Q            quit (nothing is changed before Apply)

Every field is checked as you type, with the same messages as
'harvester-netsetup validate'. Review lists every problem; Enter on
one jumps to its step. Press Escape to close this help."""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Static(HELP, id="help")


class TooSmall(ModalScreen):
    def compose(self) -> ComposeResult:
        yield Static("", id="toosmall")

    def on_mount(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        w, h = self.app.size
        self.query_one("#toosmall", Static).update(
            f"Please enlarge the terminal to at least {MIN_W}x{MIN_H}\n(it is {w}x{h} now)")


class WizardApp(App):
    TITLE = "harvester-netsetup"
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = "wizard.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+p", "back", "Back"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, session, **kw):
        super().__init__(ansi_color=True, **kw)
        self.session = session
        self.index = 0

    def on_mount(self) -> None:
        self.theme = "ansi-dark"
        self.show_step("welcome")
        self._check_size()

    @property
    def steps(self):
        return step_order(self.session.install_config)

    def screen_for(self, key: str):
        from screens.registry import make

        return make(key, self.session)

    def show_step(self, key: str) -> None:
        keys = [s.key for s in self.steps]
        self.index = keys.index(key)
        screen = self.screen_for(key)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_next(self) -> None:
        screen = self.screen
        if hasattr(screen, "leave") and not screen.leave():
            return
        if self.index + 1 < len(self.steps):
            self.show_step(self.steps[self.index + 1].key)

    def action_back(self) -> None:
        if 0 < self.index and self.steps[self.index].key not in ("apply", "done"):
            self.show_step(self.steps[self.index - 1].key)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def on_resize(self, event) -> None:
        self.call_after_refresh(self._check_size)

    def _check_size(self) -> None:
        small = self.size.width < MIN_W or self.size.height < MIN_H
        top = self.screen
        if small and not isinstance(top, TooSmall):
            self.push_screen(TooSmall())
        elif small:
            top.refresh_text()
        elif not small and isinstance(top, TooSmall):
            self.pop_screen()


def console_env() -> None:
    """The Linux console has 16 colours and a small font: no truecolor, no fancy glyphs.

    A COLUMNS/LINES left in the environment (a login script, a parent program) would pin the
    size Textual reads on every resize; the terminal itself is the truth, so drop them."""
    if sys.stdout.isatty():
        os.environ.pop("COLUMNS", None)
        os.environ.pop("LINES", None)
    if os.environ.get("TERM") == "linux":
        os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", "standard")
