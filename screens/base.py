"""What every step screen has: the title bar, a scrolling body, the step's problems
and the key bar (whose keys can be clicked). Imports only the widgets the first screen needs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from screens.keybar import KeyBar
from tui.wizard.draft import Draft
from tui.wizard.glyphs import console_text
from tui.wizard.steps import STEPS, step_for_path, under


def _step(key: str):
    return next(s for s in STEPS if s.key == key)


class Ui(Message):
    """Work for the UI thread, posted by a worker (workers never touch widgets themselves)."""

    def __init__(self, fn, *args) -> None:
        super().__init__()
        self.fn, self.args = fn, args


class StepScreen(Screen):
    """Title bar, a scrolling body, the step's problems, the key bar (Back/Next by key or click)."""

    BINDINGS = [Binding("pagedown", "scroll_body(1)", show=False), Binding("pageup", "scroll_body(-1)", show=False)]
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
        # the body is no tab stop of its own (it showed no focus): PageDown/PageUp scroll it
        with VerticalScroll(id="body", can_focus=False):
            yield from self.body()
            yield Static("", id="problems", classes="problem")
        yield Static("-- more below: PageDown --", id="more")
        yield KeyBar(self.app)

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.show_problems()
        self.set_interval(0.25, self._more)  # layout settles late (workers, wraps): look again

    def _more(self, *_) -> None:
        """A hint line while the body continues below what is shown."""
        body, more = self.query_one("#body"), self.query_one("#more")
        below = body.max_scroll_y - body.scroll_y >= 1
        if more.display != below:
            more.display = below

    def action_scroll_body(self, pages: int) -> None:
        body = self.query_one("#body")
        (body.scroll_page_down if pages > 0 else body.scroll_page_up)(animate=False)

    def field_paths(self) -> set[str]:
        """Paths shown next to a field of this screen (their problems show there, once)."""
        return set()

    def show_problems(self) -> None:
        if not self.step.prefixes:
            return
        shown = tuple(self.field_paths())
        problems = [p for p in Draft.under(self.session.problems(), self.step.prefixes)
                    if not any(under(p.path, f) for f in shown)]
        self.query_one("#problems", Static).update(problem_text(problems))

    def own_errors(self) -> list:
        """Errors fixed on this step (a problem belongs to the step with its longest prefix)."""
        mine = step_for_path
        return [p for p in self.session.problems()
                if p.is_error and (s := mine(p.path, self.session.install_config)) and s.key == self.key]

    def leave(self) -> bool:
        """Next is refused while this step has errors; the focus goes to the first one."""
        errors = sorted(self.own_errors(), key=lambda p: self.order(p.path))  # the first on screen
        if errors:
            self.app.notify(f"fix this screen first: {console_text(errors[0].line())}", severity="error")
            self.focus_problem(errors[0].path)
            return False
        return True

    def focus_problem(self, path: str) -> None:
        pass

    def order(self, path: str) -> int:
        """Where the field of ``path`` is on this screen (top first)."""
        return 0

    def ui(self, fn, *args) -> None:
        """From a worker thread: run ``fn(*args)`` on the UI thread (posted, never waited for)."""
        self.post_message(Ui(fn, *args))

    def on_ui(self, message: Ui) -> None:
        message.fn(*message.args)


class FieldError:
    """A field's text that does not parse (or an entry the form refuses), shown like a problem."""

    is_error = True

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message


def problem_text(problems, with_path: bool = True) -> Text:
    """Errors with a red "error:", warnings with a yellow "warning:" (not the error colour)."""
    out = Text()
    for i, p in enumerate(problems):
        if i:
            out.append("\n")
        out.append("error:" if p.is_error else "warning:", "bold red" if p.is_error else "yellow")
        out.append(" " + console_text(f"{p.path}: {p.message}" if with_path else p.message))
    return out


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-").replace("[", "_").replace("]", "")
