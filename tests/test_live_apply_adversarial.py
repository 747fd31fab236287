"""The live apply as an adversarial operator tried it: confirm/Keep and rollback/Revert when the
revert timer came first, refusals logged with advice that works, group-writable files refused,
a hung applier killed and restored by the timer, the timer signalled only when it is this
journal's. The simulated node and files (no root); the helpers are tests/test_live_apply.py's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tui.model.load import load_text
from tui.net import journal as J
from tui.net.lock import exclusive
from tui.net.simulated import SimulatedHost
from tui.net.transaction import apply, prepare

from tests.test_live_apply import PROFILE, Failing, _valid, target_for


def _timer_restored(host, left):
    host.journal.clear()
    host.journal.record_revert(time.time(), left)


def _restore_failed(host, left):
    from dataclasses import replace

    host.journal.write(replace(host.journal.read(), state="failed", deadline=None))


KEEPS = [
    # (what happened before Keep/confirm, exit code, network afterwards, words)
    (lambda host: None, 0, "kept", "confirmed: the change stays"),
    (lambda host: _timer_restored(host, []), 1, "reverted", "too late: the revert timer already restored"),
    (lambda host: _timer_restored(host, ["br0 should not exist"]), 1, "restore failed", "br0 should not exist"),
    (lambda host: _restore_failed(host, None), 1, "restore failed", "run 'harvester-netsetup rollback'"),
]


@pytest.mark.parametrize("before,code,network,words", KEEPS)
def test_confirm_and_the_wizards_keep_say_when_the_timer_came_first(before, code, network, words):
    """The wizard's Keep said "kept: the change stays" (and exit 0) after the revert timer had
    already restored the old network; confirm and Keep share one rule."""
    from tui.commands.pending import _confirm
    for who in ("confirm", "wizard"):
        host, s = _pending_session()
        before(host)
        if who == "wizard":
            lines = s.keep()
            assert s.result.network == network, who
        else:
            import io
            from contextlib import redirect_stderr

            err = io.StringIO()
            with redirect_stderr(err):
                assert _confirm(host) == code
            lines = tuple(err.getvalue().splitlines())
        assert any(words in line for line in lines), (who, lines)
        assert not code or not any("the change stays" in line for line in lines), (who, lines)
        host.close()


# ---- a refused apply says why in the log, and suggests only what works ----------------------
class Refusing(SimulatedHost):
    def __init__(self, why):
        demo = SimulatedHost.demo(delay=0)
        super().__init__(demo.nics, demo.snapshot(), 0)
        self.why = why

    def arm_timer(self, token):
        if self.why == "timer":
            raise OSError("no fork")
        return None

    def missing_features(self, kinds):
        return ["bonding"] if self.why == "kernel" else []


def _record(state):
    def make(host):
        _, checkpoint, _ = prepare(host.snapshot(), target_for(host))
        host.journal.write(J.Entry(state, os.getpid(), checkpoint, 1e10 if state == "pending" else None))
    return make


REFUSALS = [
    # (why, before the apply, ssh ip, words in the error (and the log), words that must not be in the error)
    ("kernel", None, None, "this kernel lacks bonding", None),
    ("timer", None, None, "cannot start the revert timer", None),
    ("ssh", None, "10.0.0.11", "would cut this SSH session", None),
    ("recorded", _record("failed"), None, "an apply whose restore failed is recorded", "confirm"),
    ("recorded", _record("applying"), None, "an interrupted apply is recorded", "confirm"),
    ("recorded", _record("pending"), None, "(or 'confirm') first", None),
]


@pytest.mark.parametrize("why,before,ssh,words,never", REFUSALS)
def test_a_refused_apply_is_logged_and_suggests_only_what_works(why, before, ssh, words, never):
    """A night-time rollout refused before any change left only "apply: N steps planned" in
    the log; `confirm` was suggested for journals it refuses (failed, interrupted)."""
    from tui.net.logfile import NAME

    host = Refusing(why)
    if before:
        before(host)
    target = target_for(host)
    with exclusive(host.journal, "apply"):
        out = apply(host, target, ssh_ip=ssh)
    assert not out.ok and not out.started and words in out.error, out.error
    assert never is None or never not in out.error, out.error
    log = open(os.path.join(host.journal.dir, NAME)).read()
    assert out.error in log, log
    host.close()


GROUP_WRITABLE = [
    # (what is group-writable, the path the error names)
    ("the journal", lambda host: (_valid(host), os.chmod(host.journal.path, 0o620)), "journal.json"),
    ("the run dir", lambda host: (_valid(host), os.chmod(host.journal.dir, 0o770)), ""),
]


@pytest.mark.parametrize("name,make,leaf", GROUP_WRITABLE, ids=[g[0] for g in GROUP_WRITABLE])
def test_a_group_writable_journal_or_run_dir_is_refused(name, make, leaf):
    """A group member could forge the journal (what gets restored, which PID is signalled):
    as untrusted as a world-writable one."""
    host = SimulatedHost.demo(delay=0)
    make(host)
    path = os.path.join(host.journal.dir, leaf) if leaf else host.journal.dir
    entry = J.parse(host.journal.path, json.loads(open(host.journal.path).read()))
    for action in (host.journal.read, lambda: host.journal.write(entry)):
        with pytest.raises(J.JournalError) as err:  # read or written: the directory is checked too
            action()
        assert str(err.value).startswith(path + ": ") and "group-writable" in str(err.value), str(err.value)
    if not leaf:  # the lock lives there too
        with pytest.raises(J.JournalError):
            with exclusive(host.journal, "apply"):
                pass
    host.close()


# ---- a hung applier cannot hold the rollback off --------------------------------------------
HUNG = [
    # (the applier's journal deadline, in seconds from now; the applier killed and the state restored)
    (-1, True),    # stopped (Ctrl+Z), blocked on a stalled terminal, stuck in a call: past its limit
    (30, False),   # still within its limit: left alone
]


@pytest.mark.parametrize("deadline,restored", HUNG)
def test_an_applier_hung_past_its_limit_is_killed_and_restored_by_the_timer(deadline, restored):
    """The timer acted only when the applying process was gone: a stopped or hung one kept the
    half-applied network for ever (SIGSTOP mid-apply in a namespace: 20 s, no restore)."""
    from tui.net.revert_timer import revert_when_due

    hung = subprocess.Popen(["sleep", "30"])
    try:
        host = SimulatedHost.demo(delay=0)
        before = host.snapshot()
        _, checkpoint, steps = prepare(before, target_for(host))
        for s in steps[:3]:
            host.run(s)
        started = J.start_time(hung.pid)
        host.journal.write(J.Entry("applying", hung.pid, checkpoint, time.time() + deadline, None, "", started,
                                   None, "T"))
        if restored:
            assert revert_when_due(host, "T", exclusive, owner=(-1, None)) == 0
            assert hung.wait(timeout=5) == -signal.SIGKILL
            assert host.snapshot() == before and host.journal.read() is None
        else:
            import threading

            t = threading.Thread(target=revert_when_due, args=(host, "T", exclusive), kwargs={"owner": (-1, None)},
                                 daemon=True)
            t.start()
            time.sleep(0.5)
            assert hung.poll() is None and host.snapshot() != before and host.journal.read().state == "applying"
            host.journal.clear()  # the apply finished: the timer exits
            t.join(timeout=5)
            assert not t.is_alive()
        host.close()
    finally:
        hung.kill()
        hung.wait()


def test_an_apply_journals_its_own_limit():
    seen = []

    class Watching(SimulatedHost):
        def run(self, step):
            seen.append(self.journal.read().deadline)
            super().run(step)

    demo = SimulatedHost.demo(delay=0)
    host = Watching(demo.nics, demo.snapshot(), 0)
    t0 = time.time()
    assert apply(host, target_for(host)).ok
    from tui.net.transaction import APPLY_LIMIT

    assert seen and all(d is not None and t0 + APPLY_LIMIT <= d <= time.time() + APPLY_LIMIT for d in seen)
    host.close()


REVERTS = [
    # (what happened before Revert/rollback (the countdown's end), exit code, network afterwards, words)
    (lambda host: None, 0, "reverted", "rolled back: the prior network state is back (verified)"),
    (lambda host: _timer_restored(host, []), 0, "reverted", "the revert timer already restored the prior state"),
]


@pytest.mark.parametrize("before,code,network,words", REVERTS)
def test_rollback_and_the_wizards_revert_say_when_the_timer_came_first(before, code, network, words):
    """On a node the timer (polling every 0.1 s) reaches the deadline before the wizard's 1 s
    countdown: its revert then said only "nothing to roll back"."""
    import io
    from contextlib import redirect_stderr

    from tui.commands.pending import _rollback
    for who in ("rollback", "wizard"):
        host, s = _pending_session()
        before(host)
        if who == "wizard":
            lines = s.revert(lambda e, t: None)
            assert s.result.network == network
        else:
            err = io.StringIO()
            with redirect_stderr(err):
                assert _rollback(host) == code
            lines = tuple(err.getvalue().splitlines())
        assert any(words in line for line in lines), (who, lines)
        host.close()


@pytest.mark.parametrize("action", ["keep", "revert"])
def test_the_wizards_keep_and_revert_turn_an_unsafe_journal_into_an_error_line(action, tmp_path):
    host, s = _pending_session()
    os.rename(host.journal.path, tmp_path / "elsewhere.json")
    os.symlink(tmp_path / "elsewhere.json", host.journal.path)
    lines = s.keep() if action == "keep" else s.revert(lambda e, t: None)
    assert lines == (f"error: {host.journal.path}: is a symbolic link; refusing to use it",)
    assert s.result.network == "restore failed"
    host.close()


TIMER_IDS = [
    # (the process's arguments after "python -c ...", is it the journal's timer (token "t")?)
    (["revert-timer", "--token", "t"], True),
    (["revert-timer", "--token", "other"], False),  # another run directory's timer: not this journal's
    (["revert-timer"], False),
    (["--token", "t"], False),
]


@pytest.mark.parametrize("args,ours", TIMER_IDS)
def test_the_timer_signalled_is_the_one_this_journal_armed(args, ours):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", *args])
    try:
        time.sleep(0.2)
        host = SimulatedHost.demo(delay=0)
        _valid(host)
        from dataclasses import replace

        entry = replace(host.journal.read(), timer_pid=proc.pid, timer_start=J.start_time(proc.pid))
        assert entry.token == "t" and J.is_our_timer(entry) == ours
        host.close()
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("left", [False, True])
def test_a_timer_revert_that_cannot_be_recorded_still_settles_the_journal(left):
    """last-revert.json unusable (here a directory): the timer restored but left the journal
    "pending", so a later confirm said "confirmed: the change stays" of a reverted change."""
    from tui.net.revert_timer import revert_when_due
    from tui.net.transaction import confirm_now

    class Stuck(SimulatedHost):
        def run(self, step):
            if left:
                raise RuntimeError("the kernel refuses")
            super().run(step)

    demo = SimulatedHost.demo(delay=0)
    host = Stuck(demo.nics, demo.snapshot(), 0)
    before = host.snapshot()
    _, checkpoint, steps = prepare(before, target_for(host))
    for s in steps[:3]:
        SimulatedHost.run(host, s)
    host.journal.write(J.Entry("pending", os.getpid(), checkpoint, time.time() - 1, None, "", None, None, "T"))
    os.mkdir(host.journal.revert_path)
    revert_when_due(host, "T", exclusive, owner=(-1, None))
    entry = host.journal.read()
    assert (entry is None) != left and (left or host.snapshot() == before)
    assert left == (entry is not None and entry.state == "failed")
    try:
        lines = confirm_now(host.journal).lines
    except J.JournalError as exc:  # confirm prints it: error: <path>: ..., exit 1
        lines = (f"error: {exc}",)
    assert "the change stays" not in " ".join(lines), lines
    host.close()


def test_a_timer_whose_apply_ended_before_it_started_exits(tmp_path):
    """In the VM (TCG) the timer's Python starts slower than a short apply ends: it took the
    reaper that had adopted it for its apply, waited for ever, and timers piled up. Its apply
    is named on its command line (PID and start time), not guessed from its parent. (In a
    namespace of its own: a timer may touch the network.)"""
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    code = ("import os\nfrom tui.net.journal import Journal\nfrom tui.net.revert_timer import start_timer\n"
            f"pid, _ = start_timer(Journal({str(run)!r}), 'T')\nprint(pid, flush=True)\nos._exit(0)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    pid = int(r.stdout)
    deadline = time.time() + 20
    while J.alive(pid) and time.time() < deadline:
        time.sleep(0.1)
    lingering = J.alive(pid)
    if lingering:
        os.kill(pid, signal.SIGKILL)
    assert not lingering, "the timer outlived its apply, which never armed it"


class WithTimer(Failing):
    """The simulated node with a stand-in revert timer: a real child process (sleep) whose
    PID and start time the journal records, as the real timer's are."""

    def __init__(self, k: int = 10**6, broken: bool = False):
        super().__init__(k, broken=broken)
        self.timer = None

    def arm_timer(self, token):
        self.timer = subprocess.Popen(["sleep", "300"], start_new_session=True)
        return self.timer.pid, J.start_time(self.timer.pid)


ENDS = [
    # (how the apply ends, confirm timeout, fail at step k, restore broken, the timer stays)
    ("verified", None, 10**6, False, False),
    ("pending", 60.0, 10**6, False, True),
    ("restored", None, 2, False, False),
    ("restore failed", None, 2, True, False),
]


@pytest.mark.parametrize("end,timeout,k,broken,stays", ENDS, ids=[e[0] for e in ENDS])
def test_an_apply_that_ends_unpending_stops_its_own_timer(end, timeout, k, broken, stays):
    """The VM found revert timers piling up: a timer that starts slower than its apply ends
    (TCG; a loaded node) never sees its token, and its apply (the wizard, a test) lives on,
    so it waited for ever. The apply stops its own timer unless the change is pending."""
    host = WithTimer(k, broken)
    try:
        out = apply(host, target_for(host), confirm_timeout=timeout)
        assert out.ok == (end in ("verified", "pending")), out.error
        try:
            host.timer.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        assert (host.timer.poll() is None) == stays, end
    finally:
        if host.timer.poll() is None:
            host.timer.kill()
            host.timer.wait()


def _pending_session():
    """The simulated node and a wizard session whose apply is pending (confirm timeout 30 s)."""
    from tui.wizard.draft import Draft
    from tui.wizard.session import Session

    host = SimulatedHost.demo(delay=0)
    s = Session(host, "/nonexistent", Draft.from_profile(load_text(PROFILE)), simulated=True)
    assert s.apply_network(lambda e, t: None, confirm_timeout=30).pending_until
    return host, s
