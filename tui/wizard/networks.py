"""The VM-network form: its fields as profile data and back. Pure; the session checks an
entry against the whole draft before it is added or saved (an invalid entry is not added)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "none": no route settings at all (the only choice for an untagged network)
ROUTE_MODES = ("none", "auto", "manual")
FIELDS = ("name", "vlan_id", "mode", "cidr", "gateway")


@dataclass
class NetForm:
    name: str = ""
    vlan_id: str = ""  # empty: untagged
    mode: str = "none"
    cidr: str = ""
    gateway: str = ""


def network_from_form(form: NetForm) -> tuple[dict, dict[str, str]]:
    """The profile entry, and the form's own errors (field -> message) that the profile
    format cannot even hold (a VLAN ID that is not a number)."""
    errors: dict[str, str] = {}
    net: dict = {"name": form.name.strip()}
    vid = form.vlan_id.strip()
    if vid:
        if re.fullmatch(r"\d+", vid):
            net["vlan_id"] = int(vid)
        else:
            errors["vlan_id"] = f"{vid!r} is not a whole number (leave it empty for an untagged network)"
    if form.mode == "auto":
        net["route"] = {"mode": "auto"}
    elif form.mode == "manual":
        net["route"] = {"mode": "manual", "cidr": form.cidr.strip(), "gateway": form.gateway.strip()}
    return net, errors


def form_from_network(net: dict) -> NetForm:
    route = net.get("route") or {}
    return NetForm(str(net.get("name", "")), "" if net.get("vlan_id") is None else str(net["vlan_id"]),
                   route.get("mode", "none") if route else "none", str(route.get("cidr") or ""),
                   str(route.get("gateway") or ""))


def describe(net: dict) -> str:
    """One line of the list: name, VLAN (or untagged), route."""
    route = net.get("route") or {}
    vlan = f"VLAN {net['vlan_id']}" if net.get("vlan_id") is not None else "untagged"
    how = "no route" if not route else f"route {route.get('mode', 'auto')}"
    if route.get("cidr"):
        how += f" {route['cidr']} via {route.get('gateway') or '-'}"
    return f"{net.get('name') or '?'}  {vlan}  {how}"


def field_of(path: str, index: int) -> str | None:
    """The form field a problem at ``path`` is about (``networks[2].route.cidr`` -> cidr)."""
    prefix = f"networks[{index}]"
    if not (path == prefix or path.startswith(prefix + ".")):
        return None
    rest = path[len(prefix) + 1:]
    for key, field_name in (("route.cidr", "cidr"), ("route.gateway", "gateway"), ("route", "mode"),
                            ("vlan_id", "vlan_id"), ("name", "name")):
        if rest.startswith(key):
            return field_name
    return "name"
