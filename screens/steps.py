"""The form steps and the NIC and VM-network screens. Thin: they show the session's data,
write the draft, and run the session's blocking intents in workers."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Label, ListItem, ListView, Select, Static, TextArea

from screens.base import StepScreen, Ui, field_id, problem_text
from tui.wizard.draft import parse_field, show_field
from tui.wizard.networks import ROUTE_MODES, NetForm, describe, form_from_network
from tui.wizard.steps import Field, under


class _Bad:
    """A field's text that does not parse, shown like a problem."""

    is_error = True

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message


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
            msg.update(problem_text([_Bad(f.path, str(exc))], False))
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
            msg.update(problem_text([_Bad(again.path, self.unparsed[again.path])], False))
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


class NicsScreen(StepScreen):
    """A table of NICs; Space or Enter toggles one. ``group`` is management or vlan."""

    key = "nics"
    group = "management"
    extra: tuple[Field, ...] = ()

    def body(self) -> ComposeResult:
        yield Static("Enter/Space: select.  * selected  S your SSH session  D default route")
        yield DataTable(id="nics", cursor_type="row")
        yield Static("", id="chosen")
        for f in self.extra:
            yield Label(f.label, classes="label")
            value = self.session.draft.get(f.path)
            if f.kind == "select":
                yield Select([(c, c) for c in f.choices], value=value or f.choices[0], allow_blank=False,
                             id=field_id(f.path), compact=True)
            else:
                yield Input(show_field(f.kind, value), id=field_id(f.path), compact=True)

    def selectable(self):
        nics = self.session.inventory().physical()
        if self.group == "vlan":
            taken = {s.get("name") for s in self.session.draft.get("management.interfaces", [])}
            nics = [n for n in nics if n.name not in taken]
        return nics

    def chosen(self) -> list[str]:
        return [s.get("name") for s in self.session.draft.get(f"{self.group}.interfaces", []) if s.get("name")]

    presence: dict[str, str] = {}
    note = ""

    def on_mount(self) -> None:
        t = self.query_one("#nics", DataTable)
        if self.group == "vlan":
            t.add_columns("   ", "NIC", "MAC", "Link", "Driver/model", "On nodes")
        else:
            t.add_columns("   ", "NIC", "MAC", "Link", "Driver/model", "IPv4")
        self.redraw()
        t.focus()
        self.show_problems()

    def redraw(self) -> None:
        t = self.query_one("#nics", DataTable)
        row = t.cursor_row
        t.clear()
        chosen = self.chosen()
        for n in self.selectable():
            speed = f"{n.speed // 1000}G" if n.speed and n.speed >= 1000 else (f"{n.speed}M" if n.speed else "-")
            marks = (("*" if n.name in chosen else " ") + ("S" if n.ssh_session else " ")
                     + ("D" if n.default_route else " "))
            link = f"up {speed}" if n.carrier else "down"
            model = f"{n.driver or '-'} {n.model or ''}"
            last = self.presence.get(n.name, "-") if self.group == "vlan" else (",".join(n.ipv4) or "-")
            room = max(12, self.app.size.width - 68)  # the model gets what the other columns leave
            t.add_row(marks, n.name[:10], n.hw_addr or "-", link, model[:room], last[:20], key=n.name)
        if t.row_count:
            t.move_cursor(row=min(row, t.row_count - 1))
        note = f"   ({self.note})" if self.note else ""
        self.query_one("#chosen", Static).update("selected: " + (", ".join(chosen) or "none") + note)

    @on(DataTable.RowSelected)
    def _toggle(self, event: DataTable.RowSelected) -> None:
        name = event.row_key.value
        chosen = self.chosen()
        chosen = [c for c in chosen if c != name] if name in chosen else chosen + [name]
        inv = self.session.inventory()
        interfaces = []
        for c in chosen:
            nic = inv.by_name(c)
            interfaces.append({"name": c, "mac": nic.hw_addr} if nic and nic.hw_addr else {"name": c})
        self.session.draft.set(f"{self.group}.interfaces", interfaces)
        self.redraw()
        self.show_problems()

    @on(Input.Changed)
    @on(Select.Changed)
    def _extra(self, event) -> None:
        f = next(x for x in self.extra if field_id(x.path) == event.control.id)
        try:
            self.session.draft.set(f.path, parse_field(f.kind, "" if event.value is None else str(event.value)))
        except ValueError:
            return
        self.show_problems()

    def key_space(self) -> None:
        t = self.query_one("#nics", DataTable)
        if t.has_focus and t.row_count:
            t.action_select_cursor()


class UplinkScreen(NicsScreen):
    key = "uplink"
    group = "vlan"
    extra = (
        Field("vlan.cluster_network", "Cluster network name"),
        Field("vlan.bond.mode", "Bond mode", "select", ("active-backup", "balance-tlb", "balance-alb", "802.3ad",
                                                        "balance-rr", "balance-xor", "broadcast")),
        Field("vlan.mtu", "MTU", "int"),
        Field("vlan.scope", "Uplink for (node: this node; cluster: the whole cluster)", "select", ("node", "cluster")),
    )

    def body(self) -> ComposeResult:
        yield from super().body()
        yield Static("", id="uplink-table")  # cluster scope: every node's NICs chosen (issue 15)

    def on_mount(self) -> None:
        if self.session.draft.get("vlan.cluster_network") is None:
            self.session.draft.set("vlan.cluster_network", "vlan")
            self.query_one(f"#{field_id('vlan.cluster_network')}", Input).value = "vlan"
        # (Textual runs NicsScreen.on_mount too: handlers run for every class in the MRO)
        self.load_presence()
        self.load_uplink_table()

    @on(Select.Changed)
    @on(DataTable.RowSelected)
    def _scope_or_nics_changed(self, event) -> None:
        self.call_after_refresh(self.load_uplink_table)  # after the draft took the change

    @work(thread=True, exclusive=True, group="uplink-table")
    def load_uplink_table(self) -> None:
        lines = self.session.uplink_table()
        self.app.call_from_thread(self.query_one("#uplink-table", Static).update, "\n".join(lines))

    @work(thread=True, exclusive=True)
    def load_presence(self) -> None:
        """With a cluster reachable: on how many nodes each NIC is free (LinkMonitor nic)."""
        presence = self.session.nic_presence()
        note = "" if presence else f"no cluster: {self.session.cluster_error or 'not configured'}"
        self.app.call_from_thread(self._show_presence, presence, note)

    def _show_presence(self, presence: dict[str, str], note: str) -> None:
        self.presence, self.note = presence, note[:60]
        self.redraw()

    @on(DataTable.RowSelected)
    @on(Input.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        self.check()

    @work(thread=True, exclusive=True, group="check")
    def check(self) -> None:
        """The cluster check of this step's choice (NIC missing on nodes, NIC in two places);
        its problems join the step's own under the table."""
        if self.chosen():
            self.session.check_cluster()
            self.post_message(Ui(self.show_problems))

    def leave(self) -> bool:
        if not self.chosen():  # no uplink NIC: no default VLAN NIC at all
            self.session.draft.set("vlan", None)
        return super().leave()


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
            msg.update(problem_text([_Bad(key, errors[key])], False) if key in errors else "")
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
