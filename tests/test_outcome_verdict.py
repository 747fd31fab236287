"""One verdict for every outcome of a live apply (tui/model/outcome.py): the exit code and the
words the CLI, the runner and the wizard all show; no caller keeps its own rule. The apply
itself: tests/test_live_apply.py."""

from __future__ import annotations

import os

import pytest

from tui.model.outcome import Outcome, restore_verdict, verdict
from tui.model.plan import NetlinkOp


# ---- one verdict -------------------------------------------------------------------------
S = [NetlinkOp("link-add", "mgmt-bo", ("bond", ()))]


VERDICTS = [
    # (outcome, exit code, words that must appear, words that must not)
    (Outcome(True), 0, ["nothing to do"], ["error"]),
    (Outcome(True, S, 1), 0, ["applied and verified 1 steps"], ["pending"]),
    (Outcome(True, S, 1, pending_until=130.0), 0, ["within 30 s"], ["error"]),
    # --demo: no revert timer and a private journal that ends with the command
    (Outcome(True, S, 1, pending_until=130.0, timer=False), 0, ["demo", "no revert timer"],
     ["reverts by itself", "within 30 s"]),
    (Outcome(False, S, 0, "refused: x"), 1, ["error: refused: x", "nothing was changed"], ["verified"]),
    (Outcome(False, S, 0, "boom", started=True, restored=True), 1, ["prior network state is back (verified)"], []),
    # the first step half-applied and the restore failed: never "verified"
    (Outcome(False, S, 0, "boom", started=True, restore_problems=["eth0: mtu 9000, want 1500"], journal="/r/j.json"), 1,
     ["could not fully restore", "the host differs", "eth0: mtu 9000", "/r/j.json is kept", "rollback"], ["verified"]),
]


@pytest.mark.parametrize("out,code,must,mustnt", VERDICTS)
def test_one_verdict_per_outcome(out, code, must, mustnt):
    v = verdict(out, now=100.0)
    text = "\n".join(v.lines)
    assert v.code == code
    for m in must:
        assert m in text, (m, text)
    for m in mustnt:
        assert m not in text and m not in v.summary, (m, text)


def test_restore_verdict():
    assert restore_verdict(None).lines == ("nothing to roll back",) and restore_verdict(None).code == 0
    assert restore_verdict([]).code == 0 and "verified" in restore_verdict([]).lines[0]
    bad = restore_verdict(["eth0 missing"], "/r/journal.json")
    assert bad.code == 1 and "verified" not in bad.lines[0] and "/r/journal.json is kept" in bad.lines[0]


def test_run_and_the_wizard_use_the_one_verdict():
    """No caller keeps its own rule (the runner's and the wizard's said "verified" for a first
    step that half-applied with a failed restore)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for path in ("tui/commands/run.py", "tui/commands/apply.py", "tui/wizard/session.py"):
        text = open(os.path.join(root, path)).read()
        assert "verdict(" in text and "(verified)" not in text, path
