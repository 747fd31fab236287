"""Every wizard screen at 80x24 on the simulated node (pytest-textual-snapshot; regenerate
with --snapshot-update and review the SVGs under tests/__snapshots__/)."""

from __future__ import annotations

import pytest

from tests.wizard_driver import choose, demo_app, fill, pick_nics, settle

# step key -> how to get there from the welcome screen (reconfigure-this-node path; the
# install step exists only on the install-config path)
OUT = "out"  # the Done screen shows it: relative, inside each test's own directory (_in_tmp)
NODE_PATH = ["nics", "bond", "vlan", "ipv4", "node", "uplink", "networks", "review", "confirm", "apply", "done"]


pytestmark = pytest.mark.usefixtures("run_dir")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Each test writes in its own directory (two runs at once never share one)."""
    monkeypatch.chdir(tmp_path)


def _walk_to(target: str, install: bool = False):
    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot, app)
        if target == "welcome":
            return
        await pilot.press("enter" if install else "down", *([] if install else ["enter"]))
        await settle(pilot, app)
        await pick_nics(pilot, app, ["ens1f0", "ens1f1"] if install else ["eno1", "ens1f0", "ens1f1"])
        while app.screen.key != target:
            key = app.screen.key
            if key == "vlan":
                await fill(pilot, app, "f-management-vlan_id", "100")
            if key == "node":
                await fill(pilot, app, "f-node-hostname", "node7")
                await fill(pilot, app, "f-node-dns", "10.0.0.53")
            if key == "install":
                await fill(pilot, app, "f-install-token", "token")
                await fill(pilot, app, "f-install-vip", "10.0.100.99")
                await fill(pilot, app, "f-install-password", "secret")
                await fill(pilot, app, "f-install-password_again", "secret")
            if key == "apply":
                await pilot.click("#keep")
                await settle(pilot, app)
            if key == "confirm":
                app.screen.query_one("#yes").focus()
                await pilot.press("y", "e", "s", "enter")
                await settle(pilot, app, 0.3)
                continue
            await pilot.press("ctrl+n")
            await settle(pilot, app, 0.3)
            assert app.screen.key != key or key == target, f"stuck on {key}"
        if target == "ipv4":
            await pilot.click("#probe-dhcp")
            await settle(pilot, app, 0.3)
        if target == "bond":
            await choose(pilot, app, "f-management-bond-mode", "802.3ad")
        if target == "apply":
            await settle(pilot, app, 0.5)
            app.screen.query_one("#countdown").update("Keep this network? It reverts in 60 s unless you press Keep.")
            app.screen._tick.stop()
        await settle(pilot, app, 0.3)
        for widget in app.screen.query("Input, TextArea"):  # a blinking cursor is not a state
            widget.cursor_blink = False
        for log in app.screen.query("RichLog"):  # the log shows its end, however fast it filled
            log.scroll_end(animate=False, immediate=True)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("step", ["welcome"] + NODE_PATH)
def test_screen(step, snap_compare, tmp_path):
    assert snap_compare(demo_app(OUT), terminal_size=(80, 24), run_before=_walk_to(step))


def test_install_screen(snap_compare, tmp_path):
    assert snap_compare(demo_app(OUT), terminal_size=(80, 24), run_before=_walk_to("install", install=True))


def test_help_screen(snap_compare):
    async def press_f1(pilot) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("f1")
        await settle(pilot, pilot.app)

    assert snap_compare(demo_app(OUT), terminal_size=(80, 24), run_before=press_f1)


def test_too_small_notice(snap_compare):
    assert snap_compare(demo_app(OUT), terminal_size=(70, 20), run_before=lambda pilot: settle(pilot, pilot.app))
