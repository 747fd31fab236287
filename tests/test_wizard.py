"""Pilot walks of the wizard on the simulated node: the DHCP path (reconfigure this node:
plan, live apply, keep) and the static path (install config), asserting the saved profile
and the rendered Harvester config."""

from __future__ import annotations

import pytest
import yaml

from tests.wizard_driver import choose, confirm_apply, demo_app, fill, goto, pick_nics, push, settle, start



@pytest.fixture(autouse=True)
def run_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HARVESTER_NETSETUP_RUN_DIR", str(tmp_path / "run"))


async def test_dhcp_path_reconfigures_the_node_and_saves_a_replayable_profile(tmp_path):
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "enter")  # reconfigure this node
        await settle(pilot, app)
        assert app.screen.key == "nics"
        assert "selected: eno1" in str(app.screen.query_one("#chosen").render())  # what the node uses now
        await pick_nics(pilot, app, ["eno1", "ens1f0", "ens1f1"])
        assert "selected: ens1f0, ens1f1" in str(app.screen.query_one("#chosen").render())
        await pilot.press("ctrl+n")  # bond
        await choose(pilot, app, "f-management-bond-mode", "802.3ad")
        assert app.screen.query_one("#f-management-bond-options-lacp_rate").display  # appears with 802.3ad
        assert not app.screen.query_one("#f-management-bond-options-primary").display
        await choose(pilot, app, "f-management-bond-options-lacp_rate", "fast")
        await pilot.press("ctrl+n")  # vlan / mtu
        await fill(pilot, app, "f-management-vlan_id", "100")
        await fill(pilot, app, "f-management-mtu", "9000")
        await pilot.press("ctrl+n")  # ipv4: dhcp + probe
        assert app.screen.key == "ipv4"
        await choose(pilot, app, "f-management-ipv4-method", "dhcp")
        await pilot.click("#probe-dhcp")
        await settle(pilot, app, 0.3)
        offer = str(app.screen.query_one("#offer").render())
        assert "offer from 10.0.100.2: 10.0.100.57/24, default route via 10.0.100.1" in offer
        await pilot.press("ctrl+n")  # node
        await fill(pilot, app, "f-node-hostname", "node7")
        await fill(pilot, app, "f-node-dns", "10.0.0.53")
        for _ in range(3):  # uplink (none), networks (none), review
            await pilot.press("ctrl+n")
            await settle(pilot, app)
        assert app.screen.key == "review"
        await settle(pilot, app, 0.3)
        plan = str(app.screen.query_one("#plan").render())
        assert "create bond mgmt-bo" in plan and "run DHCP on mgmt-br.100" in plan
        await confirm_apply(pilot, app)
        assert app.screen.key == "apply"
        assert app.session.pending_until is not None
        await pilot.click("#keep")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        assert app.screen.key == "done"
    state = app.session.host.snapshot()
    assert state.link("mgmt-bo").attr("mode") == "802.3ad" and state.link("mgmt-br.100").mtu == 9000
    saved = yaml.safe_load((tmp_path / "out" / "profile.yaml").read_text())
    assert saved["management"]["bond"] == {"mode": "802.3ad", "miimon": 100, "options": {"lacp_rate": "fast"}}
    assert saved["management"]["vlan_id"] == 100 and saved["management"]["ipv4"] == {"method": "dhcp"}
    assert [i["name"] for i in saved["management"]["interfaces"]] == ["ens1f0", "ens1f1"]
    config = yaml.safe_load((tmp_path / "out" / "harvester-config.yaml").read_text())
    mi = config["install"]["management_interface"]
    assert mi["method"] == "dhcp" and mi["vlan_id"] == 100 and mi["mtu"] == 9000
    assert [i["hwAddr"] for i in mi["interfaces"]] == ["b8:ca:3a:6a:64:7d", "b8:ca:3a:6a:64:7e"]
    assert config["os"]["hostname"] == "node7"


async def test_static_path_writes_an_install_config_and_changes_nothing(tmp_path):
    app = demo_app(tmp_path / "out")
    before = app.session.host.snapshot()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")  # write an install config
        await settle(pilot, app)
        await pick_nics(pilot, app, ["eno1"])
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # bond, vlan, ipv4
        await choose(pilot, app, "f-management-ipv4-method", "static")
        assert app.screen.query_one("#f-management-ipv4-address").display
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.300/24")
        assert "is not an IPv4 address" in str(app.screen.query_one("#p-f-management-ipv4-address").render())
        assert "is not an IPv4 address" not in str(app.screen.query_one("#problems").render())  # once, at its field
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.21/24")
        await fill(pilot, app, "f-management-ipv4-gateway", "10.0.0.1")
        await pilot.press("ctrl+n")
        await fill(pilot, app, "f-node-hostname", "node21")
        await fill(pilot, app, "f-node-dns", "10.0.0.53, 10.0.0.54")
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # uplink, networks, install
        assert app.screen.key == "install"
        await fill(pilot, app, "f-install-token", "s3cret-token")
        assert app.screen.query_one("#f-install-token").password  # masked
        await fill(pilot, app, "f-install-vip", "10.0.0.99")
        await choose(pilot, app, "f-install-device", "/dev/sda")
        await fill(pilot, app, "f-install-password", "p@ss")
        await fill(pilot, app, "f-install-password_again", "p@ss")
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "review", [p.line() for p in app.session.problems()]
        assert "s3cret-token" not in str(app.screen.query_one("#config").render())
        await confirm_apply(pilot, app)
        await pilot.press("ctrl+n")
        assert app.screen.key == "done"
        assert "profile.yaml" in str(app.screen.query_one("#done").render())
    assert app.session.host.snapshot() == before
    saved = yaml.safe_load((tmp_path / "out" / "profile.yaml").read_text())
    assert saved["management"]["ipv4"] == {"method": "static", "address": "10.0.0.21/24", "gateway": "10.0.0.1"}
    assert saved["install"]["vip"] == "10.0.0.99" and saved["node"]["dns"] == ["10.0.0.53", "10.0.0.54"]
    config = yaml.safe_load((tmp_path / "out" / "harvester-config.yaml").read_text())
    mi = config["install"]["management_interface"]
    assert (mi["method"], mi["ip"], mi["subnet_mask"], mi["gateway"]) == \
        ("static", "10.0.0.21", "255.255.255.0", "10.0.0.1")
    assert config["os"]["password"].startswith("$6$") and config["install"]["device"] == "/dev/sda"


async def test_review_jumps_to_the_step_of_a_problem(tmp_path):
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, install=True)  # (reconfigure mode would start with the node's NIC)
        assert app.screen.key == "nics"
        await pilot.press("ctrl+n")
        assert app.screen.key == "nics"  # no NIC chosen: Next is refused on the screen itself
        await goto(pilot, app, "review")
        await pilot.press("ctrl+n")
        assert app.screen.key == "review"  # problems block apply
        lv = app.screen.query_one("#all-problems")
        lv.focus()
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.key == "nics"


async def test_welcome_loads_a_profile_and_the_key_bar_answers_clicks(tmp_path):
    """Load a profile from the welcome screen (a bad path shows the core's problem, nothing
    else changes), then continue by clicking Next in the key bar instead of pressing Ctrl+N."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
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
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        assert type(app.screen).__name__ == "TooSmall"
        assert "enlarge the terminal" in str(app.screen.query_one("#toosmall").render())
        await pilot.resize_terminal(80, 24)
        await settle(pilot, app)
        assert app.screen.key == "welcome"


async def test_cluster_path_shows_nic_presence_probes_vm_networks_and_applies_the_cluster(tmp_path):
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert "selected: eno1" in str(app.screen.query_one("#chosen").render())  # what the node uses now
        for _ in range(4):  # bond, vlan, ipv4, node
            await pilot.press("ctrl+n")
            await settle(pilot, app)
        await fill(pilot, app, "f-node-hostname", "harvester-node-0")
        await fill(pilot, app, "f-node-dns", "10.0.0.53")
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "uplink"
        table = app.screen.query_one("#nics")
        rows = {k.value: table.get_row(k) for k in table.rows}
        assert "eno1" not in rows  # management NICs are excluded
        assert rows["ens1f1"][-1] == "2/3 nodes (66.67 %)" and rows["ens1f0"][-1] == "3/3 nodes (100.00 %)"
        await pick_nics(pilot, app, ["ens1f0"])
        await fill(pilot, app, "f-vlan-cluster_network", "data")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == "networks"
        await fill(pilot, app, "n-name", "vlan200")
        await fill(pilot, app, "n-vlan_id", "200")
        await choose(pilot, app, "n-mode", "auto")
        await pilot.click("#add")
        await settle(pilot, app, 0.5)
        probe = str(app.screen.query_one("#probe").render())
        assert "VLAN 200: 10.0.200.2 offers 10.0.200.31/24 router 10.0.200.1" in probe
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "review", [p.line() for p in app.session.problems()]
        await confirm_apply(pilot, app)
        await pilot.click("#keep")
        await settle(pilot, app, 1.0)
        log = "\n".join(str(line.text) for line in app.screen.query_one("#log").lines)
        assert "cluster: clusternetworks/data: create" in log
        assert "cluster: network-attachment-definitions/default/vlan200: create" in log
        assert "cluster: harvester-node-0: ready" in log and "cluster: done" in log


def test_kernel_arguments_prefill_the_wizard():
    from tui.commands.wizard import prefill
    from tui.wizard.draft import Draft

    line = ("BOOT_IMAGE=/vmlinuz harvester.install.management_interface.interfaces=hwAddr:b8:ca:3a:6a:64:7d "
            "harvester.install.management_interface.method=static harvester.install.management_interface.ip=10.0.0.21 "
            "harvester.install.management_interface.subnet_mask=255.255.255.0 "
            "harvester.install.management_interface.gateway=10.0.0.1 "
            "harvester.os.hostname=node21 harvester.netsetup.profile=http://x/p.yaml")
    d = prefill(Draft(), line)
    assert d.get("management.ipv4") == {"method": "static", "address": "10.0.0.21/24", "gateway": "10.0.0.1"}
    assert d.get("management.interfaces") == [{"mac": "b8:ca:3a:6a:64:7d"}]
    assert d.get("node.hostname") == "node21"
    assert prefill(Draft(), "quiet splash").data == {"version": 1}


def _nets(app) -> list[str]:
    return [str(item.query_one("Label").render()) for item in app.screen.query_one("#nets").children]


UPLINK = {"vlan.cluster_network": "data", "vlan.interfaces": [{"name": "ens1f0"}],
          "management.interfaces": [{"name": "eno1"}]}


async def test_three_vm_networks_are_added_edited_and_removed(tmp_path):
    """Item 1 (a second network crashed with DuplicateIds) and item 9 (an editable list)."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft=UPLINK)
        await goto(pilot, app, "networks")
        for name, vid, mode in (("a", "10", "none"), ("b", "", "none"), ("c", "30", "manual")):
            await fill(pilot, app, "n-name", name)
            await fill(pilot, app, "n-vlan_id", vid)
            await choose(pilot, app, "n-mode", mode)
            if mode == "manual":
                await fill(pilot, app, "n-cidr", "10.3.0.0/24")
                await fill(pilot, app, "n-gateway", "10.3.0.1")
            await push(pilot, app, "add")
            await settle(pilot, app)
            assert app.screen.query_one("#n-name").value == ""  # the form is cleared after Add
        assert _nets(app) == ["a  VLAN 10  no route", "b  untagged  no route",
                              "c  VLAN 30  route manual 10.3.0.0/24 via 10.3.0.1"]
        lv = app.screen.query_one("#nets")
        lv.focus()
        lv.index = 1
        await pilot.press("enter")  # edit b
        await settle(pilot, app)
        assert app.screen.query_one("#n-name").value == "b" and app.screen.query_one("#n-name").has_focus
        await fill(pilot, app, "n-vlan_id", "20")
        await push(pilot, app, "save")
        await settle(pilot, app)
        assert _nets(app)[1] == "b  VLAN 20  no route"
        c = "c  VLAN 30  route manual 10.3.0.0/24 via 10.3.0.1"
        for expected in (["b  VLAN 20  no route", c], [c], ["(none yet)"]):
            lv = app.screen.query_one("#nets")
            lv.focus()
            lv.index = 0
            await pilot.press("enter")
            await settle(pilot, app)
            await push(pilot, app, "remove")
            await settle(pilot, app)
            assert _nets(app) == expected
        assert app.session.draft.get("networks") is None


async def test_a_loaded_profile_with_two_networks_can_be_edited(tmp_path):
    app = demo_app(tmp_path / "out")
    nets = [{"name": "a", "vlan_id": 10}, {"name": "b", "vlan_id": 20}]
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft={**UPLINK, "networks": nets})
        await goto(pilot, app, "networks")
        await goto(pilot, app, "review")
        await goto(pilot, app, "networks")
        assert len(_nets(app)) == 2
        await fill(pilot, app, "n-name", "c")
        await fill(pilot, app, "n-vlan_id", "30")
        await push(pilot, app, "add")
        await settle(pilot, app)
        assert len(_nets(app)) == 3


async def test_an_invalid_vm_network_is_not_added_and_the_error_is_next_to_its_field(tmp_path):
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft=UPLINK)
        await goto(pilot, app, "networks")
        await fill(pilot, app, "n-name", "x")
        await choose(pilot, app, "n-mode", "auto")  # untagged with a route: refused
        await push(pilot, app, "add")
        await settle(pilot, app)
        assert app.session.draft.get("networks") is None
        assert "untagged network has no route settings" in str(app.screen.query_one("#p-n-mode").render())
        assert app.screen.query_one("#n-name").value == "x"  # kept, to fix


NODE = {"management.interfaces": [{"name": "eno1"}], "management.ipv4.method": "dhcp",
        "node.hostname": "harvester-node-0"}


async def _to_review(pilot, app, draft: dict) -> None:
    await start(pilot, app, draft=draft)
    await goto(pilot, app, "review")
    await settle(pilot, app, 0.3)


def _text(app, wid: str) -> str:
    return str(app.screen.query_one(f"#{wid}").render())


async def test_apply_needs_a_confirmation_page_and_a_typed_yes(tmp_path):
    """Item 2: Ctrl+N on Review no longer applies; the page lists what will happen."""
    app = demo_app(tmp_path / "out")
    before = app.session.host.snapshot()
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_review(pilot, app, {**NODE, "node.hostname": "node7", "harvester": "v1.8",
                                      "vlan.cluster_network": "data", "vlan.interfaces": [{"name": "ens1f1"}]})
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "confirm"
        text = _text(app, "summary")
        for want in ("eno1 - your SSH session - loses 10.0.0.11/24", "enslave eno1 to mgmt-bo",
                     "create clusternetworks/data", str(tmp_path / "out" / "profile.yaml"),
                     "warning: vlan.interfaces: ens1f1 is free on 2 of 3 cluster nodes only",
                     "the profile targets v1.8 but the cluster runs v1.9", "matches no node of the cluster"):
            assert want in text, want
        await pilot.press("ctrl+n")  # the key of every other screen does not apply
        await settle(pilot, app)
        assert app.screen.key == "confirm"
        await pilot.press("n", "o", "enter")
        await settle(pilot, app)
        assert app.screen.key == "confirm" and app.session.host.snapshot() == before
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        assert app.screen.key == "review"
        await confirm_apply(pilot, app)
        assert app.screen.key == "apply" and app.session.pending_until is not None


async def test_ctrl_q_asks_and_says_nothing_changed(tmp_path):
    """Item 3: Ctrl+Q asks; Escape stays; y quits with the exit code of 'not applied'."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft=NODE)
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "QuitScreen"
        assert "NOT APPLIED: this node's network was not changed." in _text(app, "quit")
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen.key == "nics"
        await pilot.press("ctrl+q", "y")
        await settle(pilot, app)
    assert app.return_code == 3


async def test_ctrl_q_during_the_countdown_says_what_happens_and_reverts(tmp_path):
    """Item 3: during keep-or-revert, Ctrl+Q says the change is not confirmed; r reverts, then quits."""
    app = demo_app(tmp_path / "out")
    before = app.session.host.snapshot()
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_review(pilot, app, NODE)
        await confirm_apply(pilot, app)
        assert app.session.pending_until is not None
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert "NOT confirmed" in _text(app, "quit") and "revert it now" in _text(app, "quit")
        await pilot.press("y")  # not offered: nothing happens
        await settle(pilot, app)
        assert type(app.screen).__name__ == "QuitScreen"
        await pilot.press("r")
        await settle(pilot, app, 0.5)
    assert app.return_code == 1 and app.session.result.network == "reverted"
    assert app.session.host.snapshot() == before


@pytest.mark.parametrize("draft, in_review, done_line, code", [
    ({**NODE, "node.hostname": "node7", "vlan.cluster_network": "data", "vlan.interfaces": [{"name": "ens1f1"}]},
     ["matches no node of the cluster", "ens1f1 is free on 2 of 3 cluster nodes only"], "Cluster: NOT complete", 2),
    (NODE, [], "Cluster: nothing to send", 0),
])
async def test_cluster_checks_run_at_review_and_done_says_what_was_not_done(tmp_path, draft, in_review, done_line,
                                                                            code):
    """Item 4: the cluster's problems show before Apply; Done and the exit code say the outcome."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_review(pilot, app, draft)
        await settle(pilot, app, 0.5)
        items = [str(i.query_one("Label").render()) for i in app.screen.query_one("#all-problems").children]
        for want in in_review:
            assert any(want in line for line in items), (want, items)
        await confirm_apply(pilot, app)
        await pilot.click("#keep")
        await settle(pilot, app, 2.5)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == "done"
        text = _text(app, "done")
        assert done_line in text and f"Exit code {code}." in text
        await pilot.press("ctrl+q", "y")
        await settle(pilot, app)
    assert app.return_code == code


async def test_uplink_step_shows_the_cluster_check(tmp_path):
    """Item 4: at the step itself, the uplink NIC missing on a node is a warning under the table."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft={**NODE, "vlan.cluster_network": "data"})
        await goto(pilot, app, "uplink")
        await pick_nics(pilot, app, ["ens1f1"])
        await settle(pilot, app, 0.5)
        assert "ens1f1 is free on 2 of 3 cluster nodes only" in _text(app, "problems")


async def test_after_revert_done_says_so_and_back_is_allowed(tmp_path):
    """Item 8: Done says the profile was reverted (not a plain replay offer); Back returns to Review."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_review(pilot, app, NODE)
        await confirm_apply(pilot, app)
        await pilot.click("#revert")
        await settle(pilot, app, 0.5)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        text = _text(app, "done")
        assert "REVERTED" in text and "To try this profile again" in text and "Replay this session" not in text
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        assert app.screen.key == "review"


async def test_a_jump_from_review_focuses_the_faulty_field(tmp_path):
    """Item 11: Enter on a problem lands on its field, not on the screen's first."""
    app = demo_app(tmp_path / "out")
    draft = {**NODE, "management.ipv4.method": "static", "management.ipv4.address": "10.0.0.21/24"}
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_review(pilot, app, draft)
        lv = app.screen.query_one("#all-problems")
        names = [i.name for i in lv.children]
        assert "management.ipv4.gateway" in names, names
        lv.focus()
        lv.index = names.index("management.ipv4.gateway")
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.key == "ipv4" and app.screen.query_one("#f-management-ipv4-gateway").has_focus


async def test_reconfigure_starts_from_the_node_not_from_placeholders(tmp_path):
    """Item 5: hostname, NIC, address and gateway come from the node; a placeholder reads as one."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await goto(pilot, app, "ipv4")
        assert app.screen.query_one("#f-management-ipv4-method").value == "static"
        assert app.screen.query_one("#f-management-ipv4-address").value == "10.0.0.11/24"
        assert app.screen.query_one("#f-management-ipv4-gateway").value == "10.0.0.1"
        await goto(pilot, app, "node")
        assert app.screen.query_one("#f-node-hostname").value == "demo-node"
        await goto(pilot, app, "vlan")
        assert app.screen.query_one("#f-management-mtu").placeholder == "(empty: 1500)"


async def test_static_then_dhcp_drops_the_hidden_address(tmp_path):
    """Item 7: what the choice hides is not in the profile, so Review does not reject it."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft=NODE)
        await goto(pilot, app, "ipv4")
        await choose(pilot, app, "f-management-ipv4-method", "static")
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.300/24")
        await choose(pilot, app, "f-management-ipv4-method", "dhcp")
        assert app.session.draft.get("management.ipv4") == {"method": "dhcp"}
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == "node"
        assert not [p for p in app.session.problems() if p.is_error], [p.line() for p in app.session.problems()]
        await goto(pilot, app, "ipv4")  # shown again, the field's text counts again
        await choose(pilot, app, "f-management-ipv4-method", "static")
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.21/24")
        await choose(pilot, app, "f-management-ipv4-method", "dhcp")
        await choose(pilot, app, "f-management-ipv4-method", "static")
        assert app.session.draft.get("management.ipv4.address") == "10.0.0.21/24"


@pytest.mark.parametrize("step, widget, text, message", [
    ("vlan", "f-management-mtu", "10000", "10000"),
    ("vlan", "f-management-mtu", "abc", "'abc' is not a whole number"),
    ("vlan", "f-management-vlan_id", "5000", "5000"),
    ("ipv4", "f-management-ipv4-gateway", "10.0.0.999", "10.0.0.999"),
    ("node", "f-node-dns", "not-an-ip", "not-an-ip"),
    ("bond", "f-management-bond-miimon", "-5", "-5"),
])
async def test_an_error_blocks_next_on_its_screen_shown_once_at_its_field(tmp_path, step, widget, text, message):
    """Item 10: MTU 10000 no longer passes on to Review; the error is next to the field, once."""
    app = demo_app(tmp_path / "out")
    draft = {**NODE, "management.ipv4.method": "static", "management.ipv4.address": "10.0.0.21/24",
             "management.ipv4.gateway": "10.0.0.1"}
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft=draft)
        await goto(pilot, app, step)
        await fill(pilot, app, widget, text)
        await settle(pilot, app)
        at_field = _text(app, f"p-{widget}")
        assert at_field.startswith("error: ") and message in at_field, at_field
        assert message not in _text(app, "problems")
        other = app.screen.query_one("Input")
        other.focus()
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == step and app.screen.query_one(f"#{widget}").has_focus


async def test_warnings_are_not_in_the_error_colour(tmp_path):
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft=NODE)  # eno1 is 1 Gb/s: a warning
        problems = app.screen.query_one("#problems").render()
        assert str(problems).startswith("warning:")
        styles = {str(span.style) for span in problems.spans}
        assert not any("red" in s for s in styles), styles
        await pilot.press("ctrl+n")  # a warning does not block
        await settle(pilot, app)
        assert app.screen.key == "bond"


async def test_after_a_dhcp_apply_the_address_the_node_got_is_shown(tmp_path):
    """Item 6: on the apply screen and on Done."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_review(pilot, app, {**NODE, "management.vlan_id": 100})
        await confirm_apply(pilot, app)
        log = "\n".join(str(line.text) for line in app.screen.query_one("#log").lines)
        assert "the node's address is now 10.0.100.57/24" in log
        await pilot.click("#keep")
        await settle(pilot, app, 0.5)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert "The node's address is now 10.0.100.57/24." in _text(app, "done")


@pytest.mark.parametrize("mode, option, choices, help_word", [
    ("802.3ad", "lacp_rate", ["(default)", "slow", "fast"], "LACP"),
    ("802.3ad", "xmit_hash_policy",
     ["(default)", "layer2", "layer2+3", "layer3+4", "encap2+3", "encap3+4", "vlan+srcmac"], "headers"),
    ("802.3ad", "ad_select", ["(default)", "stable", "bandwidth", "count"], "aggregator"),
    ("active-backup", "primary", ["(default)", "ens1f0", "ens1f1"], "NIC"),
])
async def test_bond_options_are_choices_with_a_line_of_help(tmp_path, mode, option, choices, help_word):
    """Item 12: mode-specific options are choices (primary: the bond's own NICs)."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft={**NODE, "management.interfaces": [{"name": "ens1f0"}, {"name": "ens1f1"}]})
        await goto(pilot, app, "bond")
        await choose(pilot, app, "f-management-bond-mode", mode)
        select = app.screen.query_one(f"#f-management-bond-options-{option}")
        assert select.display and [v for _, v in select._options] == choices
        assert help_word in _text(app, f"h-f-management-bond-options-{option}")
        assert app.session.draft.get(f"management.bond.options.{option}") is None  # (default): left out
        await choose(pilot, app, f"f-management-bond-options-{option}", choices[2])
        assert app.session.draft.get(f"management.bond.options.{option}") == choices[2]
        assert app.screen.query_one("#f-management-bond-options-min_links").display == (mode == "802.3ad")


async def test_install_settings_fit_the_job(tmp_path):
    """Item 13: the disk from the machine's disks, the release (newest first), the role when
    joining, the password twice; the wizard's own defaults cause no warning."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
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
        assert "not the same as the password above" in _text(app, "p-f-install-password_again")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == "install" and app.screen.query_one("#f-install-password_again").has_focus
        await fill(pilot, app, "f-install-password_again", "p@ss")
        assert _text(app, "p-f-install-password_again") == ""
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
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, install=step == "install", draft=NODE)
        await goto(pilot, app, step)
        await pilot.press("f1")
        await settle(pilot, app)
        text = _text(app, "help")
        assert words in text and "Ctrl+N" in text and text.isascii()


@pytest.mark.parametrize("step", ["nics", "bond", "vlan", "ipv4", "node", "uplink", "networks", "install", "review"])
async def test_every_tab_stop_is_a_visible_widget(tmp_path, step):
    """Item 15: Tab lands only on fields, tables, lists and buttons that show; the body is none."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
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
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
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
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(120, 30)) as pilot:
        await start(pilot, app)
        row = app.screen.query_one("#nics").get_row("eno1")
        assert "igb I350 Gigabit Network Connection" in row
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, draft={**NODE, "management.vlan_id": 5000})
        totals = set()
        for step in ("nics", "bond", "review"):
            await goto(pilot, app, step)
            totals.add(_text(app, "title").split()[1].split("/")[1])
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
        lines = _text(app, "done").splitlines()
        assert "  harvester-netsetup run --profile profile.yaml" in lines  # whole, on a line of its own
        assert all(len(x) <= 78 for x in lines if str(tmp_path) not in x)


async def _refused(pilot, app, step: str, wid: str | None = None) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot, app)
    assert app.screen.key == step, f"Next passed {step} with an error"
    if wid:
        assert app.screen.query_one(f"#{wid}").has_focus, (step, app.focused)


async def _next(pilot, app, step: str) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot, app, 0.2)
    assert app.screen.key == step, (app.screen.key, [p.line() for p in app.session.problems() if p.is_error])


async def test_a_walk_that_hits_every_error_on_every_screen(tmp_path):
    """Each screen refuses Next while it has an error, focusing the field; fixed, it goes on."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, install=True)
        await _refused(pilot, app, "nics")  # no management NIC
        await pick_nics(pilot, app, ["ens1f0"])
        await _next(pilot, app, "bond")
        for text in ("abc", "-5"):
            await fill(pilot, app, "f-management-bond-miimon", text)
            app.screen.query_one("#f-management-bond-mode").focus()
            await _refused(pilot, app, "bond", "f-management-bond-miimon")
        await fill(pilot, app, "f-management-bond-miimon", "")
        await _next(pilot, app, "vlan")
        for wid, bad in (("f-management-vlan_id", "5000"), ("f-management-mtu", "10000"), ("f-management-mtu", "x")):
            await fill(pilot, app, wid, bad)
            await _refused(pilot, app, "vlan", wid)
            await fill(pilot, app, wid, "")
        await _next(pilot, app, "ipv4")
        await choose(pilot, app, "f-management-ipv4-method", "static")
        await _refused(pilot, app, "ipv4", "f-management-ipv4-address")  # required
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.300/24")
        await _refused(pilot, app, "ipv4", "f-management-ipv4-address")
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.21/24")
        await fill(pilot, app, "f-management-ipv4-gateway", "10.9.9.1")  # not in the subnet
        await _refused(pilot, app, "ipv4", "f-management-ipv4-gateway")
        await fill(pilot, app, "f-management-ipv4-gateway", "10.0.0.1")
        await _next(pilot, app, "node")
        await _refused(pilot, app, "node", "f-node-hostname")  # required (the first field in error)
        await fill(pilot, app, "f-node-hostname", "node21")
        await _refused(pilot, app, "node", "f-node-dns")  # required with a static address
        await fill(pilot, app, "f-node-dns", "not-an-ip")
        await _refused(pilot, app, "node", "f-node-dns")
        await fill(pilot, app, "f-node-dns", "10.0.0.53")
        await fill(pilot, app, "f-node-hostname", "Bad_Host!")
        await _refused(pilot, app, "node", "f-node-hostname")
        await fill(pilot, app, "f-node-hostname", "node21")
        await _next(pilot, app, "uplink")
        await pick_nics(pilot, app, ["ens1f1"])
        await fill(pilot, app, "f-vlan-mtu", "10000")
        await _refused(pilot, app, "uplink")
        await fill(pilot, app, "f-vlan-mtu", "")
        await _next(pilot, app, "networks")
        await fill(pilot, app, "n-name", "Bad_Name")
        await fill(pilot, app, "n-vlan_id", "10")
        await push(pilot, app, "add")
        assert app.session.draft.get("networks") is None and "error:" in _text(app, "p-n-name")
        await fill(pilot, app, "n-name", "vm10")
        await push(pilot, app, "add")
        assert len(app.session.draft.get("networks")) == 1
        await _next(pilot, app, "install")
        await _refused(pilot, app, "install")  # token, VIP, password
        await fill(pilot, app, "f-install-token", "t0ken")
        await fill(pilot, app, "f-install-vip", "10.0.0.21")  # the node's own address
        await _refused(pilot, app, "install", "f-install-vip")
        await fill(pilot, app, "f-install-vip", "10.0.0.99")
        await fill(pilot, app, "f-install-password", "pw")
        await fill(pilot, app, "f-install-password_again", "pX")
        await _refused(pilot, app, "install", "f-install-password_again")
        await fill(pilot, app, "f-install-password_again", "pw")
        await _next(pilot, app, "review")
        app.session.draft.set("node.hostname", None)  # an error that appears late is still caught
        await goto(pilot, app, "review")
        await _refused(pilot, app, "review")
        app.session.draft.set("node.hostname", "node21")
        await goto(pilot, app, "review")
        await _next(pilot, app, "confirm")
        await _refused(pilot, app, "confirm", "yes")  # no typed yes
        await confirm_apply_here(pilot, app)
        assert app.screen.key == "apply"


async def confirm_apply_here(pilot, app) -> None:
    app.screen.query_one("#yes").focus()
    await pilot.press("y", "e", "s", "enter")
    await settle(pilot, app, 0.3)
