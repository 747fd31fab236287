"""The wizard's uplink and VM network steps (Pilot, simulated node and cluster): the
uplink's cluster check, and the VM networks added, edited, removed and refused."""

from __future__ import annotations

import pytest

from tests.wizard_driver import NODE, choose, fill, goto, pick_nics, push, settle, shown, start, wizard

pytestmark = pytest.mark.usefixtures("run_dir")


def _nets(app) -> list[str]:
    return [str(item.query_one("Label").render()) for item in app.screen.query_one("#nets").children]


UPLINK = {"vlan.cluster_network": "data", "vlan.interfaces": [{"name": "ens1f0"}],
          "management.interfaces": [{"name": "eno1"}]}


async def test_uplink_step_shows_the_cluster_check(tmp_path):
    """Item 4: at the step itself, the uplink NIC missing on a node is a warning under the table."""
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, draft={**NODE, "vlan.cluster_network": "data"})
        await goto(pilot, app, "uplink")
        await pick_nics(pilot, app, ["ens1f1"])
        await settle(pilot, app, 0.5)
        assert "ens1f1 is free on 2 of 3 cluster nodes only" in shown(app, "problems")


async def test_three_vm_networks_are_added_edited_and_removed(tmp_path):
    """Item 1 (a second network crashed with DuplicateIds) and item 9 (an editable list)."""
    async with wizard(tmp_path) as (app, pilot):
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
    nets = [{"name": "a", "vlan_id": 10}, {"name": "b", "vlan_id": 20}]
    async with wizard(tmp_path) as (app, pilot):
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
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, draft=UPLINK)
        await goto(pilot, app, "networks")
        await fill(pilot, app, "n-name", "x")
        await choose(pilot, app, "n-mode", "auto")  # untagged with a route: refused
        await push(pilot, app, "add")
        await settle(pilot, app)
        assert app.session.draft.get("networks") is None
        assert "untagged network has no route settings" in str(app.screen.query_one("#p-n-mode").render())
        assert app.screen.query_one("#n-name").value == "x"  # kept, to fix
