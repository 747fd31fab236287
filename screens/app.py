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

HELP = """Keys on every screen
Tab / Shift+Tab   move between fields      Enter     activate
Ctrl+N            next step                Ctrl+P    previous step
PageDown/PageUp   scroll this screen       F1        this help
Ctrl+Q            quit (asks first; nothing changes before Apply)
Fields are checked as you type; errors block Next. Escape closes this."""


class HelpScreen(ModalScreen):
    """F1: what this screen decides and how its keys work, then the keys of every screen."""

    BINDINGS = [Binding("escape,f1", "dismiss", "Close")]

    def __init__(self, step_help: str = "") -> None:
        super().__init__()
        self.step_help = step_help

    def compose(self) -> ComposeResult:
        yield Static((self.step_help + "\n\n" if self.step_help else "") + HELP, id="help")


class TooSmall(ModalScreen):
    def compose(self) -> ComposeResult:
        yield Static("", id="toosmall")

    def on_mount(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        w, h = self.app.size
        self.query_one("#toosmall", Static).update(
            f"Please enlarge the terminal to at least {MIN_W}x{MIN_H}\n(it is {w}x{h} now)")


class QuitScreen(ModalScreen):
    """Ctrl+Q asks first and says what quitting leaves behind. While a change waits for Keep,
    quitting reverts it (r); y quits otherwise; Escape or n stays."""

    BINDINGS = [Binding("escape,n", "dismiss", "Stay"), Binding("y", "quit_now", "Quit"),
                Binding("r", "revert_and_quit", "Revert and quit")]

    def __init__(self, text: str, pending: bool) -> None:
        super().__init__()
        self.text, self.pending = text, pending

    def compose(self) -> ComposeResult:
        yield Static(self.text, id="quit")

    def action_quit_now(self) -> None:
        if not self.pending:
            self.app.quit_with_outcome()

    def action_revert_and_quit(self) -> None:
        if self.pending:
            apply_screen = self.app.screen_stack[-2]
            self.dismiss()
            apply_screen.revert(then=self.app.quit_with_outcome)


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

    def show_step(self, key: str, focus_path: str | None = None) -> None:
        """Show step ``key``; ``focus_path``: the profile path whose field gets the focus
        (a jump from Review lands on the faulty field, not the screen's first)."""
        keys = [s.key for s in self.steps]
        self.index = keys.index(key)
        screen = self.screen_for(key)
        screen.focus_path = focus_path
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
        key = self.steps[self.index].key
        if key in ("apply", "done"):
            result = self.session.result
            if self.session.install_config or result.network in ("reverted", "failed", "not applied"):
                if key == "done" or getattr(self.screen, "finished", False):
                    self.show_step("review")  # nothing stays changed: edit and try again
                    return
            self.notify("the network change stays; Back would not undo it", severity="warning")
            return
        if 0 < self.index:
            self.show_step(self.steps[self.index - 1].key)

    def action_quit(self) -> None:
        if isinstance(self.screen, QuitScreen):
            return
        result = self.session.result
        if result.network == "applying":
            self.notify("the apply is running: wait for it (it verifies, or restores the old network)",
                        severity="warning")
            return
        pending = self.session.pending_until is not None
        if pending:
            text = ("The new network is NOT confirmed yet.\n\n"
                    "r       revert it now (the old network comes back), then quit\n"
                    "Escape  stay, to press Keep or Revert")
        else:
            lines, code = self.session.outcome()
            text = "Quit the wizard?\n\n" + "\n".join(lines) + "\n\ny       quit\nEscape  stay"
        self.push_screen(QuitScreen(text, pending))

    def quit_with_outcome(self) -> None:
        self.exit(return_code=self.session.outcome()[1])

    def action_help(self) -> None:
        from tui.wizard.steps import STEP_HELP

        if not isinstance(self.screen, (HelpScreen, QuitScreen)):
            # one paragraph, wrapped by the box: hand-broken lines would break twice
            self.push_screen(HelpScreen(STEP_HELP.get(getattr(self.screen, "key", ""), "").replace("\n", " ")))

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
