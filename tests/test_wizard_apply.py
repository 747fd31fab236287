"""The wizard from Review on (Pilot, simulated node and cluster): the confirmation page,
Ctrl+Q before and during the keep-or-revert countdown, and what Done and the exit code say
after keep, revert and the cluster apply."""

from __future__ import annotations

import pytest

from tests.wizard_driver import NODE, confirm_apply, demo_app, settle, shown, start, to_review, wizard

pytestmark = pytest.mark.usefixtures("run_dir")


async def test_apply_needs_a_confirmation_page_and_a_typed_yes(tmp_path):
    """Item 2: Ctrl+N on Review no longer applies; the page lists what will happen."""
    app = demo_app(tmp_path / "out")
    before = app.session.host.snapshot()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(pilot, app, {**NODE, "node.hostname": "node7", "harvester": "v1.8",
                                      "vlan.cluster_network": "data", "vlan.interfaces": [{"name": "ens1f1"}]})
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "confirm"
        text = shown(app, "summary")
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
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, draft=NODE)
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "QuitScreen"
        assert "NOT APPLIED: this node's network was not changed." in shown(app, "quit")
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
        await to_review(pilot, app, NODE)
        await confirm_apply(pilot, app)
        assert app.session.pending_until is not None
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert "NOT confirmed" in shown(app, "quit") and "revert it now" in shown(app, "quit")
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
    async with wizard(tmp_path) as (app, pilot):
        await to_review(pilot, app, draft)
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
        text = shown(app, "done")
        assert done_line in text and f"Exit code {code}." in text
        await pilot.press("ctrl+q", "y")
        await settle(pilot, app)
    assert app.return_code == code


async def test_after_revert_done_says_so_and_back_is_allowed(tmp_path):
    """Item 8: Done says the profile was reverted (not a plain replay offer); Back returns to Review."""
    async with wizard(tmp_path) as (app, pilot):
        await to_review(pilot, app, NODE)
        await confirm_apply(pilot, app)
        await pilot.click("#revert")
        await settle(pilot, app, 0.5)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        text = shown(app, "done")
        assert "REVERTED" in text and "To try this profile again" in text and "Replay this session" not in text
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        assert app.screen.key == "review"


async def test_after_a_dhcp_apply_the_address_the_node_got_is_shown(tmp_path):
    """Item 6: on the apply screen and on Done."""
    async with wizard(tmp_path) as (app, pilot):
        await to_review(pilot, app, {**NODE, "management.vlan_id": 100})
        await confirm_apply(pilot, app)
        log = "\n".join(str(line.text) for line in app.screen.query_one("#log").lines)
        assert "the node's address is now 10.0.100.57/24" in log
        await pilot.click("#keep")
        await settle(pilot, app, 0.5)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert "The node's address is now 10.0.100.57/24." in shown(app, "done")
