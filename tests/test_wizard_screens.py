"""What the wizard's screens offer and how they fit (Pilot, simulated node): the welcome
screen and key bar, a too-small terminal, values prefilled from the node, bond and install
choices, F1 help, tab stops, the scroll hint and 80x24."""

from __future__ import annotations

import pytest

from tests.wizard_driver import NODE, choose, confirm_apply, fill, goto, settle, shown, start, wizard

pytestmark = pytest.mark.usefixtures("run_dir")


async def test_welcome_loads_a_profile_and_the_key_bar_answers_clicks(tmp_path):
    """Load a profile from the welcome screen (a bad path shows the core's problem, nothing
    else changes), then continue by clicking Next in the key bar instead of pressing Ctrl+N."""
    async with wizard(tmp_path) as (app, pilot):
        await settle(pilot, app)
        await pilot.press("down", "down", "enter")  # "Load a profile to start from ..."
        await settle(pilot, app)
        assert app.screen.query_one("#load").has_focus
        await pilot.press(*"profiles/nope.yaml", "enter")
        await settle(pilot, app)
        assert "error: " in str(app.screen.query_one("#loaded").render())
        assert app.session.draft.get("node.hostname") is None
        await fill(pilot, app, "load", "profiles/lacp-vlan-jumbo.yaml")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "loaded profiles/lacp-vlan-jumbo.yaml" in str(app.screen.query_one("#loaded").render())
        assert app.session.draft.get("management.bond.mode") == "802.3ad"
        assert app.screen.query_one("#modes").has_focus
        await pilot.press("down", "enter")  # reconfigure this node, from the loaded profile
        await settle(pilot, app)
        assert app.screen.key == "nics"
        bar = app.screen.query_one("KeyBar")
        text = str(bar.render())
        x = text.index("Next")
        await pilot.click("KeyBar", offset=(x, 0))
        await settle(pilot, app)
        assert app.screen.key == "bond"
        assert app.screen.query_one("#f-management-bond-mode").value == "802.3ad"
        x = text.index("Back")
        await pilot.click("KeyBar", offset=(x, 0))
        await settle(pilot, app)
        assert app.screen.key == "nics"


async def test_too_small_terminal_shows_a_notice_not_a_crash(tmp_path):
    async with wizard(tmp_path, size=(60, 20)) as (app, pilot):
        await settle(pilot, app)
        assert type(app.screen).__name__ == "TooSmall"
        assert "enlarge the terminal" in str(app.screen.query_one("#toosmall").render())
        await pilot.resize_terminal(80, 24)
        await settle(pilot, app)
        assert app.screen.key == "welcome"


async def test_reconfigure_starts_from_the_node_not_from_placeholders(tmp_path):
    """Item 5: hostname, NIC, address and gateway come from the node; a placeholder reads as one."""
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app)
        await goto(pilot, app, "ipv4")
        assert app.screen.query_one("#f-management-ipv4-method").value == "static"
        assert app.screen.query_one("#f-management-ipv4-address").value == "10.0.0.11/24"
        assert app.screen.query_one("#f-management-ipv4-gateway").value == "10.0.0.1"
        await goto(pilot, app, "node")
        assert app.screen.query_one("#f-node-hostname").value == "demo-node"
        await goto(pilot, app, "vlan")
        assert app.screen.query_one("#f-management-mtu").placeholder == "(empty: 1500)"


@pytest.mark.parametrize("mode, option, choices, help_word", [
    ("802.3ad", "lacp_rate", ["(default)", "slow", "fast"], "LACP"),
    ("802.3ad", "xmit_hash_policy",
     ["(default)", "layer2", "layer2+3", "layer3+4", "encap2+3", "encap3+4", "vlan+srcmac"], "headers"),
    ("802.3ad", "ad_select", ["(default)", "stable", "bandwidth", "count"], "aggregator"),
    ("active-backup", "primary", ["(default)", "ens1f0", "ens1f1"], "NIC"),
])
async def test_bond_options_are_choices_with_a_line_of_help(tmp_path, mode, option, choices, help_word):
    """Item 12: mode-specific options are choices (primary: the bond's own NICs)."""
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, draft={**NODE, "management.interfaces": [{"name": "ens1f0"}, {"name": "ens1f1"}]})
        await goto(pilot, app, "bond")
        await choose(pilot, app, "f-management-bond-mode", mode)
        select = app.screen.query_one(f"#f-management-bond-options-{option}")
        assert select.display and [v for _, v in select._options] == choices
        assert help_word in shown(app, f"h-f-management-bond-options-{option}")
        assert app.session.draft.get(f"management.bond.options.{option}") is None  # (default): left out
        await choose(pilot, app, f"f-management-bond-options-{option}", choices[2])
        assert app.session.draft.get(f"management.bond.options.{option}") == choices[2]
        assert app.screen.query_one("#f-management-bond-options-min_links").display == (mode == "802.3ad")


async def test_install_settings_fit_the_job(tmp_path):
    """Item 13: the disk from the machine's disks, the release (newest first), the role when
    joining, the password twice; the wizard's own defaults cause no warning."""
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, install=True, draft={**NODE, "node.dns": ["10.0.0.53"]})
        await goto(pilot, app, "install")
        disk = app.screen.query_one("#f-install-device")
        assert [label for label, _ in disk._options] == [
            "/dev/sda  480.1 GB  SAMSUNG MZ7LH480HAHQ-00005 (sata)",
            "/dev/nvme0n1  3.8 TB  SAMSUNG MZQL23T8HCLS-00A07 (nvme)",
            "/dev/sdb  15.7 GB  Ultra USB 3.0 (usb) removable"]
        assert app.session.draft.get("install.device") == "/dev/sda"
        release = app.screen.query_one("#f-harvester")
        assert release.value == "v1.9" and [v for _, v in release._options][:2] == ["v1.9", "v1.8"]
        assert not app.screen.query_one("#f-install-role").display
        await choose(pilot, app, "f-install-mode", "join")
        role = app.screen.query_one("#f-install-role")
        assert role.display
        assert [v for _, v in role._options] == ["(default)", "default", "management", "worker", "witness"]
        await fill(pilot, app, "f-install-server_url", "https://10.0.0.99:443")
        await fill(pilot, app, "f-install-token", "t")
        await fill(pilot, app, "f-install-password", "p@ss")
        await fill(pilot, app, "f-install-password_again", "p@sx")
        assert "not the same as the password above" in shown(app, "p-f-install-password_again")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == "install" and app.screen.query_one("#f-install-password_again").has_focus
        await fill(pilot, app, "f-install-password_again", "p@ss")
        assert shown(app, "p-f-install-password_again") == ""
        warnings = [p.line() for p in app.session.problems()
                    if not p.is_error and p.path.startswith(("install", "harvester"))]
        assert warnings == []
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == "review"
    assert "password_again" not in str(app.session.draft.data)


@pytest.mark.parametrize("step, words", [
    ("nics", "Which NICs carry the management network"),
    ("networks", "Enter on an entry loads it"),
    ("confirm", "Type yes and press"),
    ("install", "disk (it is ERASED)"),
])
async def test_f1_says_what_this_screen_decides(tmp_path, step, words):
    """Item 14: per-screen help, then the keys of every screen."""
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, install=step == "install", draft=NODE)
        await goto(pilot, app, step)
        await pilot.press("f1")
        await settle(pilot, app)
        text = shown(app, "help")
        assert words in text and "Ctrl+N" in text and text.isascii()


@pytest.mark.parametrize("step", ["nics", "bond", "vlan", "ipv4", "node", "uplink", "networks", "install", "review"])
async def test_every_tab_stop_is_a_visible_widget(tmp_path, step):
    """Item 15: Tab lands only on fields, tables, lists and buttons that show; the body is none."""
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, install=step == "install", draft=NODE)
        await goto(pilot, app, step)
        seen = []
        for _ in range(25):
            await pilot.press("tab")
            await pilot.pause()
            w = app.focused
            assert w is not None and w.id != "body" and w.display and w.visible, (step, w)
            assert type(w).__name__ in ("Input", "Select", "SelectCurrent", "DataTable", "ListView", "Button",
                                        "TextArea"), w
            seen.append(w)


async def test_a_scroll_hint_shows_while_the_screen_continues_below(tmp_path):
    """Item 15: the install screen is longer than 24 lines; the hint goes at the end."""
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, install=True)
        await goto(pilot, app, "install")
        await settle(pilot, app)
        assert app.screen.query_one("#more").display
        for _ in range(6):
            await pilot.press("pagedown")
        await settle(pilot, app)
        assert not app.screen.query_one("#more").display


async def test_80x24_the_step_counter_stays_and_nothing_is_cut(tmp_path):
    """Item 16: one total from the first numbered step to Done; Review lines wrap, not cut;
    the NIC model gets the room the terminal has; Done's replay command fits."""
    async with wizard(tmp_path, size=(120, 30)) as (app, pilot):
        await start(pilot, app)
        row = app.screen.query_one("#nics").get_row("eno1")
        assert "igb I350 Gigabit Network Connection" in row
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, draft={**NODE, "management.vlan_id": 5000})
        totals = set()
        for step in ("nics", "bond", "review"):
            await goto(pilot, app, step)
            totals.add(shown(app, "title").split()[1].split("/")[1])
        assert totals == {"11"}  # welcome, then 11 numbered steps on this path
        label = next(i.query_one("Label") for i in app.screen.query_one("#all-problems").children
                     if "vlan_id" in i.name)
        assert label.size.height >= 2 and "4094" in str(label.render())
        assert str(label.render()).isascii()  # "1-4094", not the en dash the validator writes
        app.session.draft.set("management.vlan_id", None)
        await goto(pilot, app, "review")
        await confirm_apply(pilot, app)
        await pilot.click("#keep")
        await settle(pilot, app, 0.5)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        lines = shown(app, "done").splitlines()
        assert "  harvester-netsetup run --profile profile.yaml" in lines  # whole, on a line of its own
        assert all(len(x) <= 78 for x in lines if str(tmp_path) not in x)
