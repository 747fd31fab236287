"""``confirm``, ``rollback`` and the detached ``revert-timer`` of a pending apply."""

from __future__ import annotations

import signal
import time

from tui.model.outcome import FAILED as INVALID, OK  # not tui.commands.common: the timer starts light


def say(text: str) -> None:
    from tui.commands.common import say as out

    out(text)


def confirm(args) -> int:
    from tui.commands.host_session import guarded, with_host

    return with_host(args, lambda host: guarded(host, "confirm", lambda: _confirm(host)))


def _confirm(host) -> int:
    from tui.net.transaction import confirm_pending

    journal = host.journal
    entry = journal.read()
    if entry is not None and entry.state == "failed":
        say(f"error: a restore did not bring the prior state back; the host differs (journal {journal.path}): "
            "run 'harvester-netsetup rollback'")
        return INVALID
    if entry is not None and entry.state != "pending":
        say("error: the recorded apply did not finish; run 'harvester-netsetup rollback'")
        return INVALID
    if confirm_pending(journal) is not None:
        say("confirmed: the change stays")
        return OK
    revert = journal.last_revert()
    if revert is not None:
        when = time.strftime("%H:%M:%S", time.localtime(revert.at))
        if revert.left:
            say(f"error: too late: the revert timer ran at {when} and could not fully restore, the host differs: "
                + "; ".join(revert.left))
        else:
            say(f"error: too late: the revert timer already restored the prior state at {when}; the change is gone")
        return INVALID
    say("nothing is pending")
    return OK


def rollback(args) -> int:
    from tui.commands.host_session import guarded, with_host

    return with_host(args, lambda host: guarded(host, "rollback", lambda: _rollback(host)))


def _rollback(host) -> int:
    from tui.model.outcome import restore_verdict
    from tui.net.transaction import rollback_pending

    left = rollback_pending(host, report=lambda e, t: say(f"{e}: {t}"))
    v = restore_verdict(left, host.journal.path if left else None)
    for line in v.lines:
        say(line)
    return v.code


def revert_timer(args) -> int:
    """Runs detached; restores when the applying process dies before it finishes, or at the
    deadline of a pending change unless it was confirmed. Imports only what it needs, and
    loads pyroute2 while it waits, so a restore starts at once."""
    from tui.net import open_host
    from tui.net.journal import JournalError
    from tui.net.lock import Busy, exclusive
    from tui.net.logfile import to_file
    from tui.net.transaction import revert_when_due

    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    host = open_host(simulated=False)
    to_file(host.journal.dir)  # before the lock: the wait is logged too
    try:
        return revert_when_due(host, args.token, exclusive, warm_up=lambda: host.netlink)
    except (JournalError, Busy) as exc:
        import logging

        logging.getLogger("tui.net.transaction").error("revert timer: %s", exc)
        return INVALID
    finally:
        host.close()


def run(args) -> int:
    return {"confirm": confirm, "rollback": rollback, "revert-timer": revert_timer}[args.command](args)
