"""Drives the wizard with Textual's Pilot on the demo session (the simulated node and
cluster of ``--demo``; every other code path is the real one)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from screens.app import WizardApp
from tui.commands.wizard import demo_session


def demo_app(out_dir) -> WizardApp:
    return WizardApp(demo_session(str(out_dir), delay=0))


async def settle(pilot, app, seconds: float = 0.1) -> None:
    await pilot.pause(seconds)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def fill(pilot, app, widget_id: str, text: str) -> None:
    widget = app.screen.query_one(f"#{widget_id}")
    widget.focus()
    if hasattr(widget, "value") and isinstance(widget.value, str):
        widget.value = ""
    await pilot.press(*list(text))
    await pilot.pause()


async def choose(pilot, app, widget_id: str, value: str) -> None:
    app.screen.query_one(f"#{widget_id}").value = value
    await pilot.pause()


async def pick_nics(pilot, app, names: list[str]) -> None:
    table = app.screen.query_one("#nics")
    table.focus()
    rows = [k.value for k in table.rows]
    for name in names:
        table.move_cursor(row=rows.index(name))
        await pilot.press("enter")
        await pilot.pause()


async def start(pilot, app, install: bool = False, draft: dict | None = None) -> None:
    """Past the welcome screen: install config (``install``) or reconfigure this node; the
    draft gets ``draft`` (path -> value) first."""
    await settle(pilot, app)
    for path, value in (draft or {}).items():
        app.session.draft.set(path, value)
    await pilot.press(*(["enter"] if install else ["down", "enter"]))
    await settle(pilot, app)


async def goto(pilot, app, key: str) -> None:
    app.show_step(key)
    await settle(pilot, app, 0.2)
    assert app.screen.key == key


async def push(pilot, app, button_id: str) -> None:
    """Press a button from the keyboard (Tab to it, Enter), wherever it is scrolled."""
    app.screen.query_one(f"#{button_id}").focus()
    await pilot.press("enter")
    await settle(pilot, app)


async def confirm_apply(pilot, app) -> None:
    """From Review: Ctrl+N to the confirmation, which reads what Apply will do; type yes."""
    await pilot.press("ctrl+n")
    await settle(pilot, app, 0.3)
    assert app.screen.key == "confirm", [p.line() for p in app.session.problems()]
    app.screen.query_one("#yes").focus()
    await pilot.press("y", "e", "s", "enter")
    await settle(pilot, app, 0.5)


# a node the demo session knows: DHCP on its own NIC, under the demo cluster's node name
NODE = {"management.interfaces": [{"name": "eno1"}], "management.ipv4.method": "dhcp",
        "node.hostname": "harvester-node-0"}


async def to_review(pilot, app, draft: dict) -> None:
    """Past the welcome screen with ``draft`` (reconfigure this node), straight to Review."""
    await start(pilot, app, draft=draft)
    await goto(pilot, app, "review")
    await settle(pilot, app, 0.3)


def shown(app, widget_id: str) -> str:
    """The text a widget of the current screen renders."""
    return str(app.screen.query_one(f"#{widget_id}").render())


@asynccontextmanager
async def wizard(tmp_path, size: tuple[int, int] = (80, 24)):
    """The demo wizard (its output under ``tmp_path/out``) running at ``size``: (app, pilot)."""
    app = demo_app(tmp_path / "out")
    async with app.run_test(size=size) as pilot:
        yield app, pilot
