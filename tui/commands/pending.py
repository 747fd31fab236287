"""``confirm``, ``rollback`` and the detached ``revert-timer`` of a pending apply."""

from __future__ import annotations

import os
import signal
import time

from tui.commands.common import INVALID, OK, say
from tui.net import journal


def confirm(args) -> int:
    from tui.net.apply import confirm_pending

    entry = journal.read()
    if entry is not None and entry.state != "pending":
        say("error: the recorded apply did not finish; run 'harvester-netsetup rollback'")
        return INVALID
    say("confirmed: the change stays" if confirm_pending() else "nothing is pending")
    return OK


def rollback(args) -> int:
    entry = journal.read()
    if entry is not None and entry.state == "applying" and journal.alive(entry.pid) and entry.pid != os.getpid():
        say(f"error: an apply is running (pid {entry.pid})")
        return INVALID
    return _rollback()


def _rollback() -> int:
    from tui.net import open_host
    from tui.net.apply import rollback_pending

    host = open_host(simulated=False)
    try:
        left = rollback_pending(host, report=lambda e, t: say(f"{e}: {t}"))
    finally:
        host.close()
    if left is None:
        say("nothing to roll back")
        return OK
    if left:
        say("error: could not fully restore: " + "; ".join(left))
        return INVALID
    say("rolled back: the prior network state is back (verified)")
    return OK


def revert_timer(args) -> int:
    """Runs detached; reverts at the deadline unless the change was confirmed."""
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    while (left := args.deadline - time.time()) > 0:
        time.sleep(min(left, 1.0))
        entry = journal.read()
        if entry is None or entry.deadline != args.deadline:
            return OK  # confirmed or rolled back meanwhile
    entry = journal.read()
    if entry is None or entry.state != "pending" or entry.deadline != args.deadline:
        return OK
    return _rollback()


def run(args) -> int:
    return {"confirm": confirm, "rollback": rollback, "revert-timer": revert_timer}[args.command](args)
