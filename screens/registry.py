"""Which screen shows which step. A screen's module is imported when its step is first
shown, so the first screen does not wait for the widgets of the others (tables, text areas,
logs)."""

from __future__ import annotations

import importlib

SCREENS = {
    "welcome": "screens.welcome:WelcomeScreen",
    "nics": "screens.nics:NicsScreen",
    "uplink": "screens.nics:UplinkScreen",
    "networks": "screens.networks:NetworksScreen",
    "ipv4": "screens.flow:Ipv4Screen",
    "review": "screens.flow:ReviewScreen",
    "confirm": "screens.flow:ConfirmScreen",
    "apply": "screens.flow:ApplyScreen",
    "done": "screens.flow:DoneScreen",
}


def make(key: str, session):
    """The screen for step ``key``; steps without their own screen are forms of their fields."""
    if key in SCREENS:
        module, name = SCREENS[key].split(":")
        return getattr(importlib.import_module(module), name)(session)
    from screens.form import FormScreen

    return type(f"{key.title()}Screen", (FormScreen,), {"key": key})(session)
