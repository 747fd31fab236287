"""What the host commands share: pick the host once (real or simulated), turn a profile into
the node's target state against this host's inventory."""

from __future__ import annotations

import os
from dataclasses import dataclass

from tui.commands.common import load_inventory_file, load_profile_file, say
from tui.model import problems as P
from tui.model.netstate import Target
from tui.model.profile import Profile
from tui.model.selectors import resolve
from tui.model.topology import node_target
from tui.model.validate import validate


def open_for(args):
    """The host for this run: simulated with --demo, else the real one (root needed)."""
    from tui.net import open_host

    demo = bool(getattr(args, "demo", False))
    if not demo and os.geteuid() != 0:
        raise PermissionError("changing or probing the host's network needs root "
                              "(or try --demo for the simulated node)")
    return open_host(simulated=demo)


def with_host(args, body) -> int:
    """Run ``body(host)`` with the host of this run, closed afterwards; no root: exit 1."""
    from tui.commands.common import INVALID

    try:
        host = open_for(args)
    except PermissionError as exc:
        say(f"error: {exc}")
        return INVALID
    try:
        return body(host)
    finally:
        host.close()


@dataclass
class NodePlan:
    profile: Profile | None
    target: Target | None
    problems: list[P.Problem]


def node_plan(host, profile_path: str, inventory_path: str | None = None) -> NodePlan:
    loaded = load_profile_file(profile_path)
    inventory, problems = load_inventory_file(inventory_path)
    if inventory is None and not problems:
        inventory = host.inventory()
    problems += validate(loaded, inventory)
    if P.has_errors(problems):
        return NodePlan(None, None, problems)
    profile = loaded.profile
    if profile.management is None:
        return NodePlan(profile, None, problems + [P.error("management",
                                                           "the profile has no management network to apply")])
    res = resolve(profile, inventory)
    return NodePlan(profile, node_target(profile, res.management, res.vlan), problems)
