"""Safe live apply: checkpoint, apply the plan, verify by re-reading, probe the gateway;
on any failure restore the checkpoint exactly.

Before the first step the checkpoint is in the journal (fsynced) and, on the real host, a
revert timer detached from the terminal is running: if this process dies (kill -9, a lost
SSH session, a crash) the timer sees it gone and restores the checkpoint. SIGINT and SIGTERM
restore in-process. A restore that fails keeps the journal for ``rollback``. With a confirm
timeout the change stays pending until ``confirm``; the timer reverts it at the deadline.

The journal and the timer come with the host (``host.journal``, ``host.arm_timer``): the
simulated demo node has its own private journal and no timer, so ``--demo`` never reaches
the real ones.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import replace

from tui.model.netstate import HostState, Target
from tui.model.outcome import Outcome
from tui.model.plan import NetlinkOp, expand_scope, plan
import tui.net.journal as J
from tui.net.restore import Report, quiet as _quiet, restore, wait_verified
from tui.net.revert_timer import stop_timer

log = logging.getLogger(__name__)
APPLY_LIMIT = 120.0  # an applier still "applying" after this long is hung (stopped, blocked): the timer acts

__all__ = ["Outcome", "apply", "prepare", "restore", "confirm_pending", "confirm_now", "rollback_now",
           "rollback_pending"]


def prepare(before: HostState, target: Target) -> tuple[Target, Target, list[NetlinkOp]]:
    """The full target (scope grown by what hangs off it now), the checkpoint and the steps."""
    scope = expand_scope(before, target.scope)
    full = replace(target, scope=scope)
    checkpoint = Target(full.current(before), scope, owns_default=target.owns_default)
    return full, checkpoint, plan(before, full)


def ssh_conflict(before: HostState, steps: list[NetlinkOp], ssh_ip: str | None) -> str | None:
    """The step that would cut this SSH session, if any."""
    if not ssh_ip:
        return None
    devs = {dev for dev, cidr in before.addresses if cidr.split("/")[0] == ssh_ip}
    for dev in devs:
        for s in steps:
            if s.dev == dev and (s.op in ("addr-del", "link-del", "link-down", "master", "nomaster")
                                 or (s.op == "route-del" and s.args[0] == "default")):
                return f"{s.describe()} would cut this SSH session (it arrives on {ssh_ip}, {dev})"
    return None


def kernel_needs(steps: list[NetlinkOp]) -> set[str]:
    """What the steps need of the kernel: "bond", "bridge" (VLAN filtering) and "vlan"."""
    needs = set()
    for s in steps:
        attrs = dict(s.args[-1]) if s.op in ("link-add", "link-attrs") else {}
        if s.op == "link-add" and s.args[0] in ("bond", "vlan"):
            needs.add(s.args[0])
        elif s.op == "vlans" or str(attrs.get("vlan_filtering")) == "1":
            needs.add("bridge")
    return needs


class Interrupted(BaseException):
    """SIGINT or SIGTERM during an apply: restore, then report."""


class _Signals:
    """While steps run (main thread only), SIGINT/SIGTERM raise `Interrupted` once; later
    ones during the restore are held back until it is done."""

    def __init__(self):
        self.saved: dict[int, object] = {}
        self.pending: list[int] = []
        self.armed = False

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.saved[sig] = signal.signal(sig, self._handle)
            self.armed = True
        return self

    def _handle(self, signum, _frame):
        self.pending.append(signum)
        if self.armed:
            self.armed = False
            raise Interrupted(signal.Signals(signum).name)

    def quiet(self) -> None:
        self.armed = False

    def __exit__(self, *exc):
        for sig, old in self.saved.items():
            signal.signal(sig, old)
        return False


def recorded_apply(journal: J.Journal) -> str | None:
    """Why a new apply must wait: an earlier one is still recorded (None: nothing is)."""
    recorded = journal.read()
    if recorded is None:
        return None
    what = {"applying": "an interrupted apply", "pending": "a pending apply",
            "failed": "an apply whose restore failed"}[recorded.state]
    also = " (or 'confirm')" if recorded.state == "pending" else ""  # confirm refuses the others
    return f"{journal.path}: {what} is recorded: run 'harvester-netsetup rollback'{also} first"


def apply(host, target: Target, *, confirm_timeout: float | None = None, report: Report = _quiet,
          ssh_ip: str | None = None) -> Outcome:
    out = _apply(host, target, confirm_timeout=confirm_timeout, report=report, ssh_ip=ssh_ip)
    if not out.ok and not out.started:  # refused before any change: the log says why too
        log.error("apply refused: %s", out.error)
    return out


def _apply(host, target: Target, *, confirm_timeout: float | None, report: Report, ssh_ip: str | None) -> Outcome:
    from tui.net.errors import HostUnsupported
    from tui.net.rtnl_dump import DumpInterrupted

    journal: J.Journal = host.journal
    recorded = recorded_apply(journal)
    if recorded:
        return Outcome(ok=False, error=recorded)
    try:
        before = host.snapshot()
    except (HostUnsupported, DumpInterrupted, TimeoutError) as exc:
        return Outcome(ok=False, error=str(exc))
    full, checkpoint, steps = prepare(before, target)
    out = Outcome(ok=False, steps=steps)
    conflict = ssh_conflict(before, steps, ssh_ip)
    if conflict and confirm_timeout is None:
        out.error = f"refused: {conflict}; use --confirm-timeout SEC so that it reverts by itself if you lose access"
        return out
    if not steps:
        out.ok = True
        return out
    summary = f"{len(steps)} steps"
    log.info("apply: %s planned", summary)
    # the timer starts now, on standby: the kernel check and the gateway probe give it time to
    # load what a restore needs before the first step
    token = os.urandom(8).hex()
    armed = False
    try:
        timer = host.arm_timer(token)
    except OSError as exc:
        out.error = f"cannot start the revert timer ({exc}): nothing was changed"
        return out
    try:
        missing = host.missing_features(kernel_needs(steps))
        if missing:
            out.error = f"this kernel lacks {', '.join(missing)}: nothing was changed"
            return out
        gateway_before = bool(full.gateway) and host.reachable(full.gateway, 1.0)
        try:
            entry = _arm(journal, checkpoint, summary, token, timer)
        except (OSError, J.JournalError) as exc:
            journal.clear()
            out.error = f"cannot write the journal ({exc}): nothing was changed"
            return out
        armed = True
    finally:
        if not armed:
            _stop_own_timer(timer)
    with _Signals() as sigs:
        try:
            for s in steps:
                report("step", s.describe())
                log.info("step %d/%d: %s", out.done + 1, len(steps), s.describe())
                out.started = True
                host.run(s)
                out.done += 1
            report("verify", "re-reading the host")
            diff = wait_verified(host, full)
            if diff:
                raise RuntimeError("verify failed: " + "; ".join(diff))
            log.info("verify: the host matches the profile")
            if gateway_before:
                report("probe", f"gateway {full.gateway}")
                if not any(host.reachable(full.gateway, 1.0) for _ in range(3)):
                    raise RuntimeError(f"the gateway {full.gateway} answered before the change and does not answer now")
                log.info("probe: gateway %s answers", full.gateway)
        except (Exception, Interrupted) as exc:
            sigs.quiet()
            out.error = f"interrupted by {exc}" if isinstance(exc, Interrupted) else str(exc)
            log.error("apply failed after %d of %d steps: %s", out.done, len(steps), out.error)
            out.restore_problems = restore(host, checkpoint, report)
            out.restored = not out.restore_problems
            if out.restored:
                journal.clear()
            else:
                journal.write(replace(entry, state="failed", deadline=None))
                out.journal = journal.path
            _stop_own_timer(timer)
            return out
    out.ok = True
    if confirm_timeout is not None:
        out.pending_until = time.time() + confirm_timeout
        out.timer = timer is not None
        journal.write(replace(entry, state="pending", deadline=out.pending_until))
        log.info("apply: verified, pending until %s", time.ctime(out.pending_until))
    else:
        journal.clear()
        _stop_own_timer(timer)
        log.info("apply: verified")
    return out


def _arm(journal: J.Journal, checkpoint: Target, summary: str, token: str, timer) -> J.Entry:
    """The checkpoint written and fsynced, carrying the token of the (running) revert timer:
    from here on the timer restores it if this process dies."""
    journal.forget_revert()
    pid_t, start_t = timer if timer is not None else (None, None)
    me = os.getpid()
    limit = time.time() + APPLY_LIMIT  # for "applying", the deadline is the hung-applier limit
    entry = J.Entry("applying", me, checkpoint, limit, pid_t, summary, J.start_time(me), start_t, token)
    journal.write(entry)
    if timer is not None:
        log.info("revert timer armed: pid %d", pid_t)
    return entry


def _stop_own_timer(timer: tuple[int, int | None] | None) -> None:
    """The apply ended with nothing pending (nothing changed, verified, restored, or a failed
    restore the journal keeps): the timer it started goes. It may have started too late to
    see its token, and then it would wait on its living applier. It is our child; the start
    time guards against a reused PID all the same."""
    if timer is None:
        return
    pid, start = timer
    if pid <= 0 or pid == os.getpid():  # never ourselves, never a process group
        return
    if start is not None and J.start_time(pid) == start:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def confirm_pending(journal: J.Journal) -> J.Entry | None:
    """Keep a pending change: the entry kept, or None when nothing was pending."""
    entry = journal.read()
    if entry is None or entry.state != "pending":
        return None
    journal.clear()
    stop_timer(entry)
    log.info("confirmed: the change stays")
    return entry


def confirm_now(journal: J.Journal):
    """``confirm`` and the wizard's Keep: keep a pending change, or say why not (the revert
    timer came first, a restore failed), in the one verdict's words."""
    from tui.model.outcome import confirm_verdict

    entry = journal.read()
    kept = entry is not None and entry.state == "pending" and confirm_pending(journal) is not None
    revert = journal.last_revert() if entry is None else None
    when = time.strftime("%H:%M:%S", time.localtime(revert.at)) if revert else ""
    return confirm_verdict(None if entry is None else entry.state, kept, revert and revert.left, when, journal.path)


def rollback_now(host, report: Report = _quiet):
    """``rollback`` and the wizard's Revert: restore the recorded checkpoint now, in the one
    verdict's words (nothing recorded because the revert timer already restored: it says so)."""
    from tui.model.outcome import restore_verdict

    left = rollback_pending(host, report)
    revert = host.journal.last_revert() if left is None else None
    at = time.strftime("%H:%M:%S", time.localtime(revert.at)) if revert and not revert.left else ""
    return restore_verdict(left, host.journal.path if left else None, at)


def rollback_pending(host, report: Report = _quiet) -> list[str] | None:
    """Restore the recorded checkpoint now. None: nothing recorded; else what still differs
    (the journal is kept, state "failed", when the restore did not verify)."""
    journal: J.Journal = host.journal
    entry = journal.read()
    if entry is None:
        return None
    stop_timer(entry)
    left = restore(host, entry.checkpoint, report)
    if left:
        journal.write(replace(entry, state="failed", deadline=None))
    else:
        journal.clear()
    return left


