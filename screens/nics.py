"""The NIC steps: the management NICs and the default VLAN NIC (its cluster network, bond
mode, MTU and scope), picked from a table of the node's NICs. Thin: they show the session's
data, write the draft, and run the session's blocking intents in workers."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Label, Select, Static

from screens.base import StepScreen, Ui, field_id
from tui.wizard.draft import parse_field, show_field
from tui.wizard.steps import Field


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
