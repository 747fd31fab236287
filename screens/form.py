"""The form steps: the fields of a step's table (tui/wizard/steps.py), each edit written to
the draft and checked at once. Thin: it shows the session's data and writes the draft."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select, Static, TextArea

from screens.base import FieldError, StepScreen, field_id, problem_text
from tui.wizard.draft import parse_field, show_field
from tui.wizard.steps import Field, under


class FormScreen(StepScreen):
    """Fields from the step's table; each edit goes to the draft and is checked at once."""

    def __init__(self, session):
        super().__init__(session)
        self.unparsed: dict[str, str] = {}  # path -> why its text is not a value

    def body(self) -> ComposeResult:
        for f in self.step.fields:
            yield Label(f.label, classes="label", id=f"l-{field_id(f.path)}")
            value = self.session.draft.get(f.path)
            if f.kind == "select":
                choices = f.options(self.session.draft)
                default = value if value in choices else (f.default or choices[0])
                yield Select([(c, c) for c in choices], value=default, allow_blank=False, id=field_id(f.path),
                             compact=True)
            elif f.kind == "disk" and self.session.disks():
                options = [(d.label(), d.path) for d in self.session.disks()]
                if value and value not in [v for _, v in options]:
                    options.insert(0, (f"{value}  (from the profile; not on this machine)", value))
                yield Select(options, value=value or options[0][1], allow_blank=False, id=field_id(f.path),
                             compact=True)
            elif f.kind == "lines":
                yield TextArea(show_field(f.kind, value), id=field_id(f.path), compact=True)
            else:
                yield Input(show_field(f.kind, value), password=f.kind in ("password", "again"), id=field_id(f.path),
                            compact=True, placeholder=f.placeholder)
            yield Static(f.help, classes="help", id=f"h-{field_id(f.path)}")
            yield Static("", classes="problem", id=f"p-{field_id(f.path)}")

    def on_mount(self) -> None:
        for f in self.step.fields:
            if f.kind in ("select", "disk") and self.session.draft.get(f.path) is None:
                self._take(f)
        self.refresh_fields()
        paths = [f.path for f in self.step.fields if f.when is None or f.when(self.session.draft)]
        wanted = next((p for p in paths if self.focus_path and under(self.focus_path, p)), paths[0] if paths else None)
        if wanted:
            self.query_one(f"#{field_id(wanted)}").focus()

    def _field(self, widget_id: str) -> Field:
        return next(f for f in self.step.fields if field_id(f.path) == widget_id)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        widget = event.control if hasattr(event, "control") else event.text_area
        f = self._field(widget.id)
        if not self._take(f):
            return
        self.refresh_fields()

    def _text(self, f: Field) -> str:
        widget = self.query_one(f"#{field_id(f.path)}")
        return widget.text if isinstance(widget, TextArea) else ("" if widget.value is None else str(widget.value))

    def _take(self, f: Field) -> bool:
        """The field's text into the draft; a text that is not even of the field's kind (MTU
        "abc") stays on the screen as an error and blocks Next."""
        try:
            if f.kind == "again":
                self._check_again(f)
                return True
            self.session.draft.set(f.path, parse_field("select" if f.kind == "disk" else f.kind, self._text(f)))
            again = next((a for a in self.step.fields if a.kind == "again" and a.path == f.path + "_again"), None)
            if again:
                self._check_again(again)
        except ValueError as exc:
            self.unparsed[f.path] = str(exc)
            msg = self.query_one(f"#p-{field_id(f.path)}", Static)
            msg.update(problem_text([FieldError(f.path, str(exc))], False))
            msg.display = True
            return False
        self.unparsed.pop(f.path, None)
        return True

    def _check_again(self, again: Field) -> None:
        """The password typed twice must match (a $6$ hash from a profile cannot be retyped)."""
        first = self._text(next(f for f in self.step.fields if f.path + "_again" == again.path))
        if first and not first.startswith("$6$") and self._text(again) != first:
            self.unparsed[again.path] = "not the same as the password above: type it once more"
            msg = self.query_one(f"#p-{field_id(again.path)}", Static)
            msg.update(problem_text([FieldError(again.path, self.unparsed[again.path])], False))
            msg.display = True
        else:
            self.unparsed.pop(again.path, None)
            self.query_one(f"#p-{field_id(again.path)}", Static).update("")
            self.query_one(f"#p-{field_id(again.path)}", Static).display = False

    def refresh_fields(self) -> None:
        # A field the choices hide is not in the profile (static -> DHCP drops the address);
        # shown again, what it still holds counts again.
        for f in self.step.fields:
            shown = f.when is None or f.when(self.session.draft)
            if not shown:
                self.session.draft.set(f.path, None)
                self.unparsed.pop(f.path, None)
            elif not self.query_one(f"#{field_id(f.path)}").display:
                self._take(f)
        problems = self.session.problems()
        for f in self.step.fields:
            shown = f.when is None or f.when(self.session.draft)
            for wid in (field_id(f.path), f"l-{field_id(f.path)}", f"h-{field_id(f.path)}"):
                self.query_one(f"#{wid}").display = shown and (bool(f.help) or not wid.startswith("h-"))
            msg = self.query_one(f"#p-{field_id(f.path)}", Static)
            mine = [p for p in problems if under(p.path, f.path)]  # node.dns[1] shows at node.dns
            msg.display = shown and bool(mine or f.path in self.unparsed)  # no empty line under a field
            if f.path not in self.unparsed:
                msg.update(problem_text(mine, with_path=False))
        self.show_problems()

    def leave(self) -> bool:
        draft = self.session.draft
        for again in (f for f in self.step.fields if f.kind == "again" and (f.when is None or f.when(draft))):
            self._check_again(again)
        if self.unparsed:
            path, message = next(iter(self.unparsed.items()))
            self.app.notify(f"fix this screen first: {path}: {message}", severity="error")
            self.focus_problem(path)
            return False
        return super().leave()

    def field_paths(self) -> set[str]:
        return {f.path for f in self.step.fields if f.when is None or f.when(self.session.draft)}

    def order(self, path: str) -> int:
        return next((i for i, f in enumerate(self.step.fields) if under(path, f.path)), len(self.step.fields))

    def focus_problem(self, path: str) -> None:
        wanted = next((p for p in sorted(self.field_paths(), key=len, reverse=True) if under(path, p)), None)
        if wanted:
            self.query_one(f"#{field_id(wanted)}").focus()
