"""What a live apply came to, and the one rule that turns it into words and an exit code.

`apply`, the unattended runner and the wizard all print `verdict(outcome)`, so the same
outcome never reads "verified" in one place and "incomplete" in another. Pure: the caller
passes the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, FAILED = 0, 1


@dataclass
class Outcome:
    ok: bool
    steps: list = field(default_factory=list)  # the planned steps (tui.model.plan.NetlinkOp)
    done: int = 0  # steps that completed
    error: str | None = None
    started: bool = False  # a step was started: the host may differ, a restore ran
    restored: bool = False  # the restore ran and the re-read host matches the checkpoint
    restore_problems: list[str] = field(default_factory=list)
    pending_until: float | None = None
    journal: str | None = None  # the journal kept for 'rollback' after a failed restore
    timer: bool = True  # a revert timer guards a pending change (the demo's simulated node has none)


@dataclass(frozen=True)
class Verdict:
    code: int
    lines: tuple[str, ...]
    summary: str  # one line for a report or a status bar
    network: str = ""  # confirm: what the network is now (kept | reverted | restore failed)


def verdict(out: Outcome, now: float = 0.0) -> Verdict:
    """The words and the exit code of an apply outcome (``now`` for a pending countdown)."""
    if out.ok:
        if not out.steps:
            line = "nothing to do: the host already matches the profile"
            return Verdict(OK, (line,), line)
        line = f"applied and verified {len(out.steps)} steps"
        lines = [line]
        if out.pending_until is not None and not out.timer:
            lines.append("pending (demo): the simulated node has no revert timer and forgets this change when the "
                         "command ends; on a node it would wait for 'harvester-netsetup confirm'")
        elif out.pending_until is not None:
            lines.append(f"pending: run 'harvester-netsetup confirm' within {max(0.0, out.pending_until - now):.0f} s "
                         "to keep it; it reverts by itself otherwise")
        return Verdict(OK, tuple(lines), line)
    error = f"error: {out.error or 'the apply failed'}"
    if not out.started:
        if error.endswith("nothing was changed"):
            return Verdict(FAILED, (error,), out.error or "")
        return Verdict(FAILED, (error, "nothing was changed"), f"{out.error}; nothing was changed")
    if out.restored:
        back = "the prior network state is back (verified)"
        return Verdict(FAILED, (error, back), f"{out.error}; {back}")
    left = "; ".join(out.restore_problems) or "the host could not be re-read"
    kept = (f"; the journal {out.journal} is kept: run 'harvester-netsetup rollback' to try again"
            if out.journal else "")
    back = f"error: could not fully restore the prior state, the host differs: {left}{kept}"
    return Verdict(FAILED, (error, back), f"{out.error}; restore incomplete, the host differs: {left}")


def restore_verdict(left: list[str] | None, journal: str | None = None, timer_at: str = "") -> Verdict:
    """The words of a rollback (``left``: what still differs; None: nothing was recorded, and
    with ``timer_at`` the revert timer restored it then)."""
    if left is None:
        line = "nothing to roll back"
        if timer_at:
            line += f": the revert timer already restored the prior state at {timer_at} (verified)"
        return Verdict(OK, (line,), line)
    if not left:
        line = "rolled back: the prior network state is back (verified)"
        return Verdict(OK, (line,), line)
    kept = f"; the journal {journal} is kept: run 'harvester-netsetup rollback' to try again" if journal else ""
    line = "error: could not fully restore, the host differs: " + "; ".join(left) + kept
    return Verdict(FAILED, (line,), line)


def confirm_verdict(state: str | None, kept: bool, revert_left: tuple[str, ...] | None = None, when: str = "",
                    journal: str = "") -> Verdict:
    """The words of ``confirm`` and of the wizard's Keep. ``state``: the journal's before it
    (None: none); ``kept``: a pending change was confirmed; ``revert_left``: what the revert
    timer left different when it ran (None: it did not run), at ``when``."""
    if kept:
        line = "confirmed: the change stays"
        return Verdict(OK, (line,), line, "kept")
    if state == "failed":
        line = (f"error: a restore did not bring the prior state back; the host differs (journal {journal}): "
                "run 'harvester-netsetup rollback'")
        return Verdict(FAILED, (line,), line, "restore failed")
    if state is not None:
        line = "error: the recorded apply did not finish; run 'harvester-netsetup rollback'"
        return Verdict(FAILED, (line,), line, "restore failed")
    if revert_left:
        line = (f"error: too late: the revert timer ran at {when} and could not fully restore, the host differs: "
                + "; ".join(revert_left))
        return Verdict(FAILED, (line,), line, "restore failed")
    if revert_left is not None:
        line = f"error: too late: the revert timer already restored the prior state at {when}; the change is gone"
        return Verdict(FAILED, (line,), line, "reverted")
    return Verdict(OK, ("nothing is pending",), "nothing is pending", "kept")
