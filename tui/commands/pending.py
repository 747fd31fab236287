"""``confirm``, ``rollback`` and the detached ``revert-timer`` of a pending apply."""

from __future__ import annotations

import signal

from tui.model.outcome import FAILED as INVALID, OK  # not tui.commands.common: the timer starts light


def say(text: str) -> None:
    from tui.commands.common import say as out

    out(text)


def confirm(args) -> int:
    from tui.commands.host_session import guarded, with_host

    return with_host(args, lambda host: guarded(host, "confirm", lambda: _confirm(host)))


def _confirm(host) -> int:
    from tui.net.transaction import confirm_now

    v = confirm_now(host.journal)
    for line in v.lines:
        say(line)
    return v.code


def rollback(args) -> int:
    from tui.commands.host_session import guarded, with_host

    return with_host(args, lambda host: guarded(host, "rollback", lambda: _rollback(host)))


def _rollback(host) -> int:
    from tui.net.transaction import rollback_now

    v = rollback_now(host, report=lambda e, t: say(f"{e}: {t}"))
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
    from tui.net.revert_timer import revert_when_due

    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    host = open_host(simulated=False)
    to_file(host.journal.dir)  # before the lock: the wait is logged too
    try:
        return revert_when_due(host, args.token, exclusive, warm_up=lambda: host.netlink, owner=_owner(args.owner))
    except (JournalError, Busy) as exc:
        import logging

        logging.getLogger("tui.net.transaction").error("revert timer: %s", exc)
        return INVALID
    finally:
        host.close()


def _owner(text: str | None) -> tuple[int, int | None] | None:
    """``PID:START`` of the apply that started the timer (START ``None``: unknown)."""
    pid, _, start = (text or "").partition(":")
    if not pid.isdigit():
        return None
    return int(pid), int(start) if start.isdigit() else None


def run(args) -> int:
    return {"confirm": confirm, "rollback": rollback, "revert-timer": revert_timer}[args.command](args)
