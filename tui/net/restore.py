"""Restore a checkpoint exactly and verify it by re-reading the host: the one restore that a
failed apply, ``rollback`` and the revert timer all run."""

from __future__ import annotations

import logging
import time
from typing import Callable

from tui.model.netstate import Target
from tui.model.plan import differences, plan

log = logging.getLogger("tui.net.transaction")  # one log name for the whole live apply
Report = Callable[[str, str], None]  # (event, text): step | verify | probe | restore | info


def quiet(event: str, text: str) -> None:
    pass


def wait_verified(host, target: Target, tries: int = 40, delay: float = 0.1) -> list[str]:
    """Re-read until the host matches the target; the kernel settles asynchronously."""
    diff: list[str] = []
    for _ in range(tries):
        diff = differences(host.snapshot(), target)
        if not diff:
            return []
        time.sleep(delay)
    return diff


def restore(host, checkpoint: Target, report: Report = quiet) -> list[str]:
    """Bring the links of the checkpoint's scope back exactly; returns what still differs."""
    try:
        steps = plan(host.snapshot(), checkpoint)
    except Exception as exc:  # the host cannot even be read: it differs, as far as we know
        log.error("restore: cannot read the host: %s", exc)
        return [f"cannot read the host: {exc}"]
    for s in steps:
        report("restore", s.describe())
        log.info("restore: %s", s.describe())
        try:
            host.run(s)
        except Exception as exc:  # keep going: restore as much as possible
            report("restore", f"failed: {exc}")
            log.warning("restore: %s failed: %s", s.describe(), exc)
    try:
        left = wait_verified(host, checkpoint)
    except Exception as exc:
        left = [f"cannot read the host: {exc}"]
    log.info("restore: %s", "verified" if not left else "the host differs: " + "; ".join(left))
    return left
