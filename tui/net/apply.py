"""Safe live apply: checkpoint, apply the plan, verify by re-reading, probe the gateway;
on any failure restore the checkpoint exactly. Optionally keep the change pending behind a
revert timer that outlives the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from tui.model.hoststate import HostState, Target
from tui.model.plan import Step, differences, expand_scope, plan
from tui.net import journal

Report = Callable[[str, str], None]  # (event, text): step | verify | probe | restore | info


@dataclass
class Outcome:
    ok: bool
    steps: list[Step] = field(default_factory=list)
    done: int = 0
    error: str | None = None
    restored: bool = False
    restore_problems: list[str] = field(default_factory=list)
    pending_until: float | None = None


def _quiet(event: str, text: str) -> None:
    pass


def prepare(before: HostState, target: Target) -> tuple[Target, Target, list[Step]]:
    """The full target (scope grown by what hangs off it now), the checkpoint and the steps."""
    scope = expand_scope(before, target.scope)
    full = replace(target, scope=scope)
    checkpoint = Target(full.current(before), scope, owns_default=target.owns_default)
    return full, checkpoint, plan(before, full)


def ssh_conflict(before: HostState, steps: list[Step], ssh_ip: str | None) -> str | None:
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


def kernel_needs(steps: list[Step]) -> set[str]:
    """What the steps need of the kernel: "bond", "bridge" (VLAN filtering) and "vlan"."""
    needs = set()
    for s in steps:
        attrs = dict(s.args[-1]) if s.op in ("link-add", "link-attrs") else {}
        if s.op == "link-add" and s.args[0] in ("bond", "vlan"):
            needs.add(s.args[0])
        elif s.op == "vlans" or str(attrs.get("vlan_filtering")) == "1":
            needs.add("bridge")
    return needs


def wait_verified(host, target: Target, tries: int = 40, delay: float = 0.1) -> list[str]:
    """Re-read until the host matches the target; the kernel settles asynchronously."""
    diff: list[str] = []
    for _ in range(tries):
        diff = differences(host.snapshot(), target)
        if not diff:
            return []
        time.sleep(delay)
    return diff


def restore(host, checkpoint: Target, report: Report = _quiet) -> list[str]:
    """Bring the links of the checkpoint's scope back exactly; returns what still differs."""
    steps = plan(host.snapshot(), checkpoint)
    for s in steps:
        report("restore", s.describe())
        try:
            host.run(s)
        except Exception as exc:  # keep going: restore as much as possible
            report("restore", f"failed: {exc}")
    return wait_verified(host, checkpoint)


def apply(host, target: Target, *, confirm_timeout: float | None = None, report: Report = _quiet,
          ssh_ip: str | None = None, timer: Callable[[float], int] | None = None) -> Outcome:
    """``timer`` starts the revert timer of a pending change (default: a detached process);
    the simulated node passes one that does nothing, its wizard counts down itself."""
    before = host.snapshot()
    full, checkpoint, steps = prepare(before, target)
    out = Outcome(ok=False, steps=steps)
    conflict = ssh_conflict(before, steps, ssh_ip)
    if conflict and confirm_timeout is None:
        out.error = f"refused: {conflict}; use --confirm-timeout SEC so that it reverts by itself if you lose access"
        return out
    if not steps:
        out.ok = True
        return out
    missing = host.missing_features(kernel_needs(steps))
    if missing:
        out.error = f"this kernel lacks {', '.join(missing)}: nothing was changed"
        return out
    gateway_before = bool(full.gateway) and host.reachable(full.gateway, 1.0)
    journal.write(journal.Entry("applying", os.getpid(), checkpoint, summary=f"{len(steps)} steps"))
    try:
        for s in steps:
            report("step", s.describe())
            host.run(s)
            out.done += 1
        report("verify", "re-reading the host")
        diff = wait_verified(host, full)
        if diff:
            raise RuntimeError("verify failed: " + "; ".join(diff))
        if gateway_before:
            report("probe", f"gateway {full.gateway}")
            if not any(host.reachable(full.gateway, 1.0) for _ in range(3)):
                raise RuntimeError(f"the gateway {full.gateway} answered before the change and does not answer now")
    except Exception as exc:
        out.error = str(exc)
        out.restore_problems = restore(host, checkpoint, report)
        out.restored = not out.restore_problems
        journal.clear()
        return out
    out.ok = True
    if confirm_timeout is not None:
        deadline = time.time() + confirm_timeout
        timer_pid = (timer or start_timer)(deadline)
        journal.write(journal.Entry("pending", os.getpid(), checkpoint, deadline, timer_pid, f"{len(steps)} steps"))
        out.pending_until = deadline
    else:
        journal.clear()
    return out


def start_timer(deadline: float) -> int:
    """A revert timer in its own session: it survives the terminal and the SSH session."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "revert-timer", "--deadline", repr(deadline)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )
    return proc.pid


def stop_timer(entry: journal.Entry) -> None:
    import signal

    if entry.timer_pid and entry.timer_pid != os.getpid() and journal.alive(entry.timer_pid):
        try:
            os.kill(entry.timer_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def confirm_pending() -> bool:
    """Keep a pending change. False: nothing was pending."""
    entry = journal.read()
    if entry is None or entry.state != "pending":
        return False
    stop_timer(entry)
    journal.clear()
    return True


def rollback_pending(host, report: Report = _quiet) -> list[str] | None:
    """Restore the recorded checkpoint now. None: nothing recorded; else what still differs."""
    entry = journal.read()
    if entry is None:
        return None
    stop_timer(entry)
    left = restore(host, entry.checkpoint, report)
    if not left:
        journal.clear()
    return left
