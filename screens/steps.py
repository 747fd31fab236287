"""The form steps and the NIC and VM-network screens. Thin: they show the session's data,
write the draft, and run the session's blocking intents in workers."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Label, ListItem, ListView, Select, Static, TextArea

from screens.base import StepScreen, field_id
from tui.wizard.draft import parse_field, show_field
from tui.wizard.steps import Field


class FormScreen(StepScreen):
    """Fields from the step's table; each edit goes to the draft and is checked at once."""

    def body(self) -> ComposeResult:
        for f in self.step.fields:
            yield Label(f.label, classes="label", id=f"l-{field_id(f.path)}")
            value = self.session.draft.get(f.path)
            if f.kind == "select":
                default = value if value is not None else (f.default or f.choices[0])
                yield Select([(c, c) for c in f.choices], value=default, allow_blank=False, id=field_id(f.path), compact=True)
            elif f.kind == "lines":
                yield TextArea(show_field(f.kind, value), id=field_id(f.path), compact=True)
            else:
                yield Input(show_field(f.kind, value), password=f.kind == "password", id=field_id(f.path), compact=True, placeholder=f.placeholder)
            yield Static(f.help, classes="help", id=f"h-{field_id(f.path)}")
            yield Static("", classes="problem", id=f"p-{field_id(f.path)}")

    def on_mount(self) -> None:
        for f in self.step.fields:
            if f.kind == "select" and self.session.draft.get(f.path) is None:
                self.session.draft.set(f.path, self.query_one(f"#{field_id(f.path)}", Select).value)
        self.refresh_fields()
        if self.step.fields:
            self.query_one(f"#{field_id(self.step.fields[0].path)}").focus()

    def _field(self, widget_id: str) -> Field:
        return next(f for f in self.step.fields if field_id(f.path) == widget_id)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        widget = event.control if hasattr(event, "control") else event.text_area
        f = self._field(widget.id)
        text = widget.text if isinstance(widget, TextArea) else ("" if widget.value is None else str(widget.value))
        msg = self.query_one(f"#p-{widget.id}", Static)
        try:
            self.session.draft.set(f.path, parse_field(f.kind, text))
        except ValueError as exc:
            msg.update(f"error: {f.path}: {exc}")
            return
        self.refresh_fields()

    def refresh_fields(self) -> None:
        problems = self.session.problems()
        for f in self.step.fields:
            shown = f.when is None or f.when(self.session.draft)
            for wid in (field_id(f.path), f"l-{field_id(f.path)}", f"p-{field_id(f.path)}", f"h-{field_id(f.path)}"):
                self.query_one(f"#{wid}").display = shown and (bool(f.help) or not wid.startswith("h-"))
            mine = [p for p in problems if p.path == f.path]
            self.query_one(f"#p-{field_id(f.path)}", Static).update("\n".join(f"{'error' if p.is_error else 'warning'}: {p.message}" for p in mine))
        self.show_problems()


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
                yield Select([(c, c) for c in f.choices], value=value or f.choices[0], allow_blank=False, id=field_id(f.path), compact=True)
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
            marks = ("*" if n.name in chosen else " ") + ("S" if n.ssh_session else " ") + ("D" if n.default_route else " ")
            link = f"up {speed}" if n.carrier else "down"
            model = f"{n.driver or '-'} {n.model or ''}"
            last = self.presence.get(n.name, "-") if self.group == "vlan" else (",".join(n.ipv4) or "-")
            t.add_row(marks, n.name[:10], n.hw_addr or "-", link, model[:12], last[:20], key=n.name)
        if t.row_count:
            t.move_cursor(row=min(row, t.row_count - 1))
        self.query_one("#chosen", Static).update("selected: " + (", ".join(chosen) or "none") + (f"   ({self.note})" if self.note else ""))

    @on(DataTable.RowSelected)
    def _toggle(self, event: DataTable.RowSelected) -> None:
        name = event.row_key.value
        chosen = self.chosen()
        chosen = [c for c in chosen if c != name] if name in chosen else chosen + [name]
        inv = self.session.inventory()
        self.session.draft.set(f"{self.group}.interfaces", [{"name": c, "mac": inv.by_name(c).hw_addr} if inv.by_name(c) and inv.by_name(c).hw_addr else {"name": c} for c in chosen])
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
        Field("vlan.bond.mode", "Bond mode", "select", ("active-backup", "balance-tlb", "balance-alb", "802.3ad", "balance-rr", "balance-xor", "broadcast")),
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

    def leave(self) -> bool:
        if not self.chosen():  # no uplink NIC: no default VLAN NIC at all
            self.session.draft.set("vlan", None)
        return True


class NetworksScreen(StepScreen):
    key = "networks"

    def body(self) -> ComposeResult:
        yield Static("VM networks. Fill the form and press Add; select one in the list and press Remove.")
        yield ListView(id="nets")
        for label, wid in (("Name", "n-name"), ("VLAN ID", "n-vlan"), ("Route mode (auto/manual)", "n-mode"),
                           ("CIDR (manual)", "n-cidr"), ("Gateway (manual)", "n-gw")):
            yield Label(label, classes="label")
            yield Input(id=wid, compact=True)
        with Horizontal(id="netbuttons"):
            yield Button("Add", id="add", compact=True)
            yield Button("Remove", id="remove", compact=True)
        yield Static("", id="probe")

    def on_mount(self) -> None:
        self.redraw()
        self.show_problems()

    def redraw(self) -> None:
        lv = self.query_one("#nets", ListView)
        lv.clear()
        for i, n in enumerate(self.session.draft.get("networks", [])):
            r = n.get("route") or {}
            lv.append(ListItem(Label(f"{n['name']}  vlan {n.get('vlan_id', '-')}  route {r.get('mode', '-')} {r.get('cidr', '')}"), id=f"net-{i}"))

    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        v = {k: self.query_one(f"#{k}", Input).value.strip() for k in ("n-name", "n-vlan", "n-mode", "n-cidr", "n-gw")}
        net: dict = {"name": v["n-name"]}
        if v["n-vlan"]:
            net["vlan_id"] = int(v["n-vlan"]) if v["n-vlan"].isdigit() else v["n-vlan"]
        mode = v["n-mode"] or "auto"
        net["route"] = {"mode": mode, **({"cidr": v["n-cidr"], "gateway": v["n-gw"]} if mode == "manual" else {})}
        nets = self.session.draft.get("networks", []) + [net]
        self.session.draft.set("networks", nets)
        self.redraw()
        self.show_problems()
        if mode == "auto" and isinstance(net.get("vlan_id"), int):
            self.probe(net["vlan_id"])

    @work(thread=True, exclusive=True)
    def probe(self, vid: int) -> None:
        parent = f"{self.session.draft.get('vlan.cluster_network') or 'mgmt'}-br"
        self.app.call_from_thread(self.query_one("#probe", Static).update, f"probing DHCP on VLAN {vid} ...")
        try:
            offers = self.session.probe_dhcp(parent, vid)
            text = "; ".join(f"VLAN {vid}: {o.server} offers {o.ip}/{o.prefix} router {o.router}" for o in offers) or f"VLAN {vid}: no DHCP offer"
        except Exception as exc:
            text = f"VLAN {vid}: probe failed: {exc}"
        self.app.call_from_thread(self.query_one("#probe", Static).update, text)

    @on(Button.Pressed, "#remove")
    def _remove(self) -> None:
        lv = self.query_one("#nets", ListView)
        if lv.index is None:
            return
        nets = self.session.draft.get("networks", [])
        del nets[lv.index]
        self.session.draft.set("networks", nets or None)
        self.redraw()
        self.show_problems()
