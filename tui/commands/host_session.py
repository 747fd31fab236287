"""What the host commands share: pick the host once (real or simulated), turn a profile into
the node's target state against this host's inventory."""

from __future__ import annotations

import os
from dataclasses import dataclass

from tui.commands.common import load_inventory_file, load_profile_file, say
from tui.model import problems as P
from tui.model.netstate import Target
from tui.model.profile import Profile
from tui.model.topology import profile_target
from tui.model.validate import validate


def open_for(args):
    """The host for this run — and with it the journal, lock, log and revert timer: the
    simulated node's private ones with --demo, else the real ones (root needed). Chosen here,
    once; nothing after this asks again."""
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
    from tui.net.errors import HostUnsupported
    from tui.net.rtnl_dump import DumpInterrupted

    try:
        return body(host)
    except (HostUnsupported, DumpInterrupted, TimeoutError) as exc:
        say(f"error: {exc}")
        return INVALID
    finally:
        host.close()


def guarded(host, what: str, body) -> int:
    """Run ``body()`` holding the host's change lock (logging to its run directory); a second
    process, an unsafe journal or lock file: ``error: <path>: ...``, exit 1."""
    from tui.commands.common import INVALID
    from tui.net.journal import JournalError
    from tui.net.lock import Busy, exclusive

    try:
        with exclusive(host.journal, what):
            return body()
    except (Busy, JournalError) as exc:
        say(f"error: {exc}")
        return INVALID
    except OSError as exc:
        say(f"error: {host.journal.dir}: {exc.strerror or exc}")
        return INVALID


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
    return NodePlan(profile, profile_target(profile, inventory), problems)
