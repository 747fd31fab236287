"""How the wizard shows and blocks on problems (Pilot, simulated node): an error at its
field blocks Next on its own screen, Review jumps to the faulty field, warnings do not block,
hidden fields do not count, and a walk that hits every error on every screen."""

from __future__ import annotations

import pytest

from tests.wizard_driver import NODE, choose, fill, goto, pick_nics, push, settle, shown, start, to_review, wizard

pytestmark = pytest.mark.usefixtures("run_dir")


async def test_review_jumps_to_the_step_of_a_problem(tmp_path):
    async with wizard(tmp_path) as (app, pilot):
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


async def test_a_jump_from_review_focuses_the_faulty_field(tmp_path):
    """Item 11: Enter on a problem lands on its field, not on the screen's first."""
    draft = {**NODE, "management.ipv4.method": "static", "management.ipv4.address": "10.0.0.21/24"}
    async with wizard(tmp_path) as (app, pilot):
        await to_review(pilot, app, draft)
        lv = app.screen.query_one("#all-problems")
        names = [i.name for i in lv.children]
        assert "management.ipv4.gateway" in names, names
        lv.focus()
        lv.index = names.index("management.ipv4.gateway")
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.key == "ipv4" and app.screen.query_one("#f-management-ipv4-gateway").has_focus


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
    draft = {**NODE, "management.ipv4.method": "static", "management.ipv4.address": "10.0.0.21/24",
             "management.ipv4.gateway": "10.0.0.1"}
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, draft=draft)
        await goto(pilot, app, step)
        await fill(pilot, app, widget, text)
        await settle(pilot, app)
        at_field = shown(app, f"p-{widget}")
        assert at_field.startswith("error: ") and message in at_field, at_field
        assert message not in shown(app, "problems")
        other = app.screen.query_one("Input")
        other.focus()
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == step and app.screen.query_one(f"#{widget}").has_focus


async def test_warnings_are_not_in_the_error_colour(tmp_path):
    async with wizard(tmp_path) as (app, pilot):
        await start(pilot, app, draft=NODE)  # eno1 is 1 Gb/s: a warning
        problems = app.screen.query_one("#problems").render()
        assert str(problems).startswith("warning:")
        styles = {str(span.style) for span in problems.spans}
        assert not any("red" in s for s in styles), styles
        await pilot.press("ctrl+n")  # a warning does not block
        await settle(pilot, app)
        assert app.screen.key == "bond"


async def test_static_then_dhcp_drops_the_hidden_address(tmp_path):
    """Item 7: what the choice hides is not in the profile, so Review does not reject it."""
    async with wizard(tmp_path) as (app, pilot):
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


async def _bad_then_fixed(pilot, app, step: str, wid: str, bad: str, good: str) -> None:
    """``bad`` in a field: Next is refused, the field focused; then ``good`` goes in."""
    await fill(pilot, app, wid, bad)
    await _refused(pilot, app, step, wid)
    await fill(pilot, app, wid, good)


async def test_a_walk_that_hits_every_error_on_every_screen(tmp_path):
    """Each screen refuses Next while it has an error, focusing the field; fixed, it goes on."""
    async with wizard(tmp_path) as (app, pilot):
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
            await _bad_then_fixed(pilot, app, "vlan", wid, bad, "")
        await _next(pilot, app, "ipv4")
        await choose(pilot, app, "f-management-ipv4-method", "static")
        await _refused(pilot, app, "ipv4", "f-management-ipv4-address")  # required
        await _bad_then_fixed(pilot, app, "ipv4", "f-management-ipv4-address", "10.0.0.300/24", "10.0.0.21/24")
        # the gateway is not in the subnet
        await _bad_then_fixed(pilot, app, "ipv4", "f-management-ipv4-gateway", "10.9.9.1", "10.0.0.1")
        await _next(pilot, app, "node")
        await _refused(pilot, app, "node", "f-node-hostname")  # required (the first field in error)
        await fill(pilot, app, "f-node-hostname", "node21")
        await _refused(pilot, app, "node", "f-node-dns")  # required with a static address
        await _bad_then_fixed(pilot, app, "node", "f-node-dns", "not-an-ip", "10.0.0.53")
        await _bad_then_fixed(pilot, app, "node", "f-node-hostname", "Bad_Host!", "node21")
        await _next(pilot, app, "uplink")
        await pick_nics(pilot, app, ["ens1f1"])
        await fill(pilot, app, "f-vlan-mtu", "10000")
        await _refused(pilot, app, "uplink")
        await fill(pilot, app, "f-vlan-mtu", "")
        await _next(pilot, app, "networks")
        await fill(pilot, app, "n-name", "Bad_Name")
        await fill(pilot, app, "n-vlan_id", "10")
        await push(pilot, app, "add")
        assert app.session.draft.get("networks") is None and "error:" in shown(app, "p-n-name")
        await fill(pilot, app, "n-name", "vm10")
        await push(pilot, app, "add")
        assert len(app.session.draft.get("networks")) == 1
        await _next(pilot, app, "install")
        await _refused(pilot, app, "install")  # token, VIP, password
        await fill(pilot, app, "f-install-token", "t0ken")
        # the VIP is the node's own address
        await _bad_then_fixed(pilot, app, "install", "f-install-vip", "10.0.0.21", "10.0.0.99")
        await fill(pilot, app, "f-install-password", "pw")
        await _bad_then_fixed(pilot, app, "install", "f-install-password_again", "pX", "pw")
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
