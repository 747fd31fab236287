"""The VM networks step: an editable list with a form for one entry. Thin: it shows the
session's data and sends the session's intents."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, ListItem, ListView, Select, Static

from screens.base import FieldError, StepScreen, problem_text
from tui.wizard.networks import ROUTE_MODES, NetForm, describe, form_from_network


class NetworksScreen(StepScreen):
    """An editable list: select an entry to load it into the form; Add, Save, Remove."""

    key = "networks"
    FORM = (("name", "Name"), ("vlan_id", "VLAN ID (empty: untagged)"), ("mode", "Route"),
            ("cidr", "CIDR (manual route)"), ("gateway", "Gateway (manual route)"))

    def body(self) -> ComposeResult:
        yield Static("VM networks. Enter on an entry edits it; fill the form, then Add or Save.")
        yield ListView(id="nets")
        for key, label in self.FORM:
            yield Label(label, classes="label", id=f"l-n-{key}")
            if key == "mode":
                yield Select([(m, m) for m in ROUTE_MODES], value="none", allow_blank=False, id="n-mode", compact=True)
            else:
                yield Input(id=f"n-{key}", compact=True)
            yield Static("", classes="problem", id=f"p-n-{key}")
        with Horizontal(id="netbuttons"):
            yield Button("Add", id="add", compact=True)
            yield Button("Save", id="save", compact=True, disabled=True)
            yield Button("Remove", id="remove", compact=True, disabled=True)
            yield Button("New", id="new", compact=True)
        yield Static("", id="probe")

    editing: int | None = None

    async def on_mount(self) -> None:
        await self.redraw()
        self.show_form(NetForm())
        self._mode()

    async def redraw(self) -> None:
        lv = self.query_one("#nets", ListView)
        await lv.clear()  # (ListItems carry no ids: a re-add never meets the old ones)
        nets = self.session.draft.get("networks", [])
        await lv.extend([ListItem(Label(describe(n)), name=str(i)) for i, n in enumerate(nets)])
        if not nets:
            await lv.append(ListItem(Label("(none yet)"), disabled=True))

    def form(self) -> NetForm:
        v = {k: self.query_one(f"#n-{k}", Input).value for k, _ in self.FORM if k != "mode"}
        return NetForm(mode=str(self.query_one("#n-mode", Select).value), **v)

    def show_form(self, form: NetForm, editing: int | None = None) -> None:
        self.editing = editing
        for key, _ in self.FORM:
            if key == "mode":
                self.query_one("#n-mode", Select).value = form.mode
            else:
                self.query_one(f"#n-{key}", Input).value = getattr(form, key)
        self.show_errors({})
        self.query_one("#save", Button).disabled = editing is None
        self.query_one("#remove", Button).disabled = editing is None

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, _ in self.FORM:
            msg = self.query_one(f"#p-n-{key}", Static)
            msg.update(problem_text([FieldError(key, errors[key])], False) if key in errors else "")
            msg.display = key in errors

    @on(Select.Changed, "#n-mode")
    def _mode(self) -> None:
        manual = self.query_one("#n-mode", Select).value == "manual"
        for key in ("cidr", "gateway"):
            for wid in (f"#l-n-{key}", f"#n-{key}"):
                self.query_one(wid).display = manual

    @on(ListView.Selected, "#nets")
    def _edit(self, event: ListView.Selected) -> None:
        if event.item.name is None:
            return
        i = int(event.item.name)
        self.show_form(form_from_network(self.session.draft.get("networks", [])[i]), i)
        self.query_one("#n-name", Input).focus()

    @on(Button.Pressed, "#add")
    async def _add(self) -> None:
        await self._save(None)

    @on(Button.Pressed, "#save")
    async def _save_pressed(self) -> None:
        await self._save(self.editing)

    async def _save(self, index: int | None) -> None:
        form = self.form()
        errors = self.session.save_network(index, form)
        if errors:
            self.show_errors(errors)
            self.query_one(f"#n-{next(k for k, _ in self.FORM if k in errors)}").focus()
            return
        await self.redraw()
        self.show_form(NetForm())
        self.show_problems()
        if form.mode == "auto" and form.vlan_id.strip().isdigit():
            self.probe(int(form.vlan_id))

    @on(Button.Pressed, "#new")
    def _new(self) -> None:
        self.show_form(NetForm())
        self.query_one("#n-name", Input).focus()

    @on(Button.Pressed, "#remove")
    async def _remove(self) -> None:
        if self.editing is None:
            return
        self.session.remove_network(self.editing)
        await self.redraw()
        self.show_form(NetForm())
        self.show_problems()

    class Probed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    @work(thread=True, exclusive=True)
    def probe(self, vid: int) -> None:
        from tui.model.ifnames import MGMT, bridge_name

        parent = bridge_name(self.session.draft.get("vlan.cluster_network") or MGMT)
        self.post_message(self.Probed(f"probing DHCP on VLAN {vid} ..."))
        try:
            offers = self.session.probe_dhcp(parent, vid)
            text = "; ".join(f"VLAN {vid}: {o.server} offers {o.ip}/{o.prefix} router {o.router}"
                             for o in offers) or f"VLAN {vid}: no DHCP offer"
        except Exception as exc:
            text = f"VLAN {vid}: probe failed: {exc}"
        self.post_message(self.Probed(text))

    def on_networks_screen_probed(self, message: "NetworksScreen.Probed") -> None:
        self.query_one("#probe", Static).update(message.text)
