"""The revert timer: a process detached from the terminal (its own session) that restores the
journal's checkpoint when the applying process dies or hangs, or when a pending change
reaches its confirm deadline; and the checks that only our own timer ever gets a signal."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from typing import Callable

import tui.net.journal as J
from tui.net.restore import restore

log = logging.getLogger("tui.net.transaction")  # one log name for the whole live apply
POLL = 0.1  # the revert timer's poll interval (seconds)


def start_timer(journal: J.Journal, token: str) -> tuple[int, int | None]:
    """A revert timer in its own session: it survives the terminal and the SSH session."""
    env = dict(os.environ, HARVESTER_NETSETUP_RUN_DIR=journal.dir)
    me = os.getpid()
    proc = subprocess.Popen(  # its apply named: it may start after the apply has ended (TCG)
        [sys.executable, "-m", "tui", "revert-timer", "--token", token, "--owner", f"{me}:{J.start_time(me)}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True, env=env,
    )
    return proc.pid, J.start_time(proc.pid)


def stop_timer(entry: J.Entry) -> None:
    """SIGTERM the journal's timer, but only when it is verifiably our revert timer (a reused
    PID or a forged journal never gets a signal; an unverified timer exits by itself once
    the journal no longer carries its token)."""
    if J.is_our_timer(entry):
        try:
            os.kill(entry.timer_pid, signal.SIGTERM)
            log.info("revert timer %d stopped", entry.timer_pid)
        except ProcessLookupError:
            pass


def _kill_hung(entry: J.Entry) -> None:
    """The applier is past its limit (stopped, or blocked on a stalled terminal): it goes, so
    that it holds neither the lock nor the network, and the restore follows (its start time
    is checked: a reused PID is never signalled)."""
    if entry.pid_start is None or entry.pid == os.getpid():
        return
    log.warning("revert timer: the applying process %d is still applying past its limit (%s); killing it",
                entry.pid, time.ctime(entry.deadline or 0))
    try:
        os.kill(entry.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for _ in range(50):  # until /proc shows it gone (a zombie counts as gone)
        if not J.alive(entry.pid, entry.pid_start):
            return
        time.sleep(POLL)


def revert_when_due(host, token: str, lock, warm_up: Callable[[], object] | None = None,
                    owner: tuple[int, int | None] | None = None) -> int:
    """The revert timer's loop. On standby until the journal carries ``token`` (it exits if
    its ``owner`` (PID, start time), the applying process that started it, goes first: nothing
    was changed; default: the parent, as it is now).
    Then it restores when the applying process died before it finished, or when a pending
    change reaches its deadline unconfirmed, and exits when the journal no longer carries
    ``token`` (confirmed, rolled back, finished). ``warm_up`` (in a thread, while it polls)
    opens the netlink socket the restore will use."""
    journal: J.Journal = host.journal
    if owner is None:
        owner = (os.getppid(), J.start_time(os.getppid()))
    log.info("revert timer: started (token %s)", token[:4])
    warming, seen = None, False
    while True:
        entry = journal.read()
        if entry is None or entry.token != token:
            if seen or not J.alive(*owner):
                return 0  # finished, confirmed, rolled back; or its apply never armed it
            if warm_up is not None and warming is None:
                warming = threading.Thread(target=warm_up, name="warm-up", daemon=True)
                warming.start()
            time.sleep(POLL)
            continue
        seen = True
        if entry.state == "failed":
            return 0
        overdue = entry.deadline is not None and time.time() >= entry.deadline
        if entry.state == "applying" and overdue and J.alive(entry.pid, entry.pid_start):
            _kill_hung(entry)
        due = (entry.state == "applying" and not J.alive(entry.pid, entry.pid_start)) or (
            entry.state == "pending" and overdue)
        if due:
            break
        if warm_up is not None and warming is None:  # in a thread: the poll goes on, an exit is not delayed
            warming = threading.Thread(target=warm_up, name="warm-up", daemon=True)
            warming.start()
        time.sleep(POLL)
    log.info("revert timer: due (%s)", entry.state)
    if warming is not None:
        warming.join()
    with lock(journal, "revert timer", wait=60.0):
        entry = journal.read()  # a confirm may have come first
        if entry is None or entry.token != token:
            return 0
        why = "the applying process died" if entry.state == "applying" else "the confirm timeout passed"
        log.warning("revert timer: %s; restoring the checkpoint", why)
        left = restore(host, entry.checkpoint)
        if left:  # the journal first: a confirm must never find it "pending" after this
            journal.write(replace(entry, state="failed", deadline=None, timer_pid=None, timer_start=None))
        else:
            journal.clear()
        try:
            journal.record_revert(time.time(), left)
        except (OSError, J.JournalError) as exc:
            log.error("revert timer: cannot record the revert: %s", exc)
        return 1 if left else 0
