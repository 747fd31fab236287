"""What every step screen has: the title bar, a scrolling body, the step's problems
and the key bar (whose keys can be clicked). Imports only the widgets the first screen needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from screens.keybar import KeyBar
from tui.wizard.draft import Draft
from tui.wizard.steps import STEPS


def _step(key: str):
    return next(s for s in STEPS if s.key == key)


class Ui(Message):
    """Work for the UI thread, posted by a worker (workers never touch widgets themselves)."""

    def __init__(self, fn, *args) -> None:
        super().__init__()
        self.fn, self.args = fn, args


class StepScreen(Screen):
    """Title bar, a scrolling body, the step's problems, the key bar (Back/Next by key or click)."""

    key = ""
    focus_path: str | None = None  # set by the app: the field a jump from Review lands on

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.step = _step(self.key)

    def compose(self) -> ComposeResult:
        keys = [s.key for s in self.app.steps]
        # the welcome step has no number: the count depends on the choice made there
        where = f"{keys.index(self.key)}/{len(keys) - 1}  " if self.key != "welcome" else ""
        yield Static(f"harvester-netsetup  {where}{self.step.title}", id="title")
        with VerticalScroll(id="body"):
            yield from self.body()
            yield Static("", id="problems", classes="problem")
        yield KeyBar(self.app)

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.show_problems()

    def show_problems(self) -> None:
        if not self.step.prefixes:
            return
        problems = Draft.under(self.session.problems(), self.step.prefixes)
        text = "\n".join(f"{'error' if p.is_error else 'warning'}: {p.path}: {p.message}" for p in problems)
        self.query_one("#problems", Static).update(text)

    def leave(self) -> bool:
        return True

    def ui(self, fn, *args) -> None:
        """From a worker thread: run ``fn(*args)`` on the UI thread (posted, never waited for)."""
        self.post_message(Ui(fn, *args))

    def on_ui(self, message: Ui) -> None:
        message.fn(*message.args)


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-").replace("[", "_").replace("]", "")
