"""The live apply's safety on the simulated node and on files (no root): the journal kept when
a restore fails, signals restore in-process, the lock, and a journal that is never trusted
blindly. The one verdict for every outcome: tests/test_outcome_verdict.py. The real kernel:
tests/test_netns.py and tests/vm/."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tui.model.load import load_text
from tui.model.outcome import verdict
from tui.model.selectors import resolve
from tui.model.topology import node_target
from tui.net import journal as J
from tui.net.lock import Busy, exclusive
from tui.net.simulated import SimulatedHost
from tui.net.transaction import apply, confirm_pending, prepare, rollback_pending


PROFILE = """version: 1
harvester: v1.6
node: {hostname: n1, dns: [10.0.0.53]}
management:
  interfaces: [{name: ens1f0}, {name: ens1f1}]
  bond: {mode: active-backup}
  ipv4: {method: static, address: 10.0.0.21/24, gateway: 10.0.0.1}
"""


def target_for(host):
    loaded = load_text(PROFILE)
    res = resolve(loaded.profile, host.inventory())
    return node_target(loaded.profile, res.management, res.vlan)


class Failing(SimulatedHost):
    """Fails at step ``k`` (``how``: raise, or a signal to this process); with ``broken``
    every later step fails too, so the restore cannot succeed."""

    def __init__(self, k: int, how="raise", broken=False):
        demo = SimulatedHost.demo(delay=0)
        super().__init__(demo.nics, demo.snapshot(), 0)
        self.k, self.how, self.broken = k, how, broken

    def run(self, step):
        if self.k == 0:
            self.k = -1
            super().run(step)  # the step half-applies (its effect lands), then the failure
            if self.how == "raise":
                raise RuntimeError("injected")
            os.kill(os.getpid(), self.how)
            time.sleep(1)  # the handler interrupts this
            raise AssertionError("the signal did not interrupt the apply")
        if self.k < 0 and self.broken:
            raise RuntimeError("the kernel refuses")
        self.k -= 1
        super().run(step)


# ---- the journal survives a failed restore ---------------------------------------------
@pytest.mark.parametrize("k", [0, 3])
def test_a_failed_restore_keeps_the_journal_and_says_the_host_differs(k):
    host = Failing(k, broken=True)
    before = host.snapshot()
    out = apply(host, target_for(host))
    assert not out.ok and out.started and not out.restored and out.restore_problems
    entry = host.journal.read()
    assert entry is not None and entry.state == "failed" and out.journal == host.journal.path
    v = verdict(out)
    assert v.code == 1 and "verified" not in " ".join(v.lines)
    # rollback can try again; it works once the kernel does
    host.broken = False
    assert rollback_pending(host) == [] and host.journal.read() is None and host.snapshot() == before
    host.close()


def test_a_new_apply_is_refused_while_a_failed_restore_is_recorded():
    host = Failing(1, broken=True)
    apply(host, target_for(host))
    host.broken = False
    out = apply(host, target_for(host))
    assert not out.ok and not out.started and "restore failed is recorded" in out.error and "rollback" in out.error


# ---- signals -----------------------------------------------------------------------------
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("k", [0, 4])
def test_sigterm_or_sigint_mid_apply_restores_in_process(sig, k):
    host = Failing(k, how=sig)
    before = host.snapshot()
    old = signal.getsignal(sig)
    out = apply(host, target_for(host))
    assert not out.ok and out.restored and out.error == f"interrupted by {signal.Signals(sig).name}"
    assert host.snapshot() == before and host.journal.read() is None
    assert signal.getsignal(sig) == old  # the handlers are put back


# ---- the journal is armed before the first step ----------------------------------------
def test_the_checkpoint_is_journalled_and_the_timer_armed_before_the_first_step():
    seen = []

    class Watching(SimulatedHost):
        def arm_timer(self, token):
            seen.append(("timer started", token))
            return (os.getpid(), J.start_time(os.getpid()))

        def missing_features(self, kinds):
            seen.append(("kernel check",))
            return []

        def run(self, step):
            e = self.journal.read()
            seen.append(("step", e.state, e.token, e.timer_pid == os.getpid(), e.checkpoint is not None))
            super().run(step)

    demo = SimulatedHost.demo(delay=0)
    host = Watching(demo.nics, demo.snapshot(), 0)
    assert apply(host, target_for(host)).ok
    token = seen[0][1]
    assert seen[:3] == [("timer started", token), ("kernel check",), ("step", "applying", token, True, True)]
    assert host.journal.read() is None


def test_a_refused_apply_stops_the_timer_it_started():
    victim = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        class NoBonding(SimulatedHost):
            def arm_timer(self, token):
                return (victim.pid, J.start_time(victim.pid))

            def missing_features(self, kinds):
                return ["bonding"]

        demo = SimulatedHost.demo(delay=0)
        host = NoBonding(demo.nics, demo.snapshot(), 0)
        out = apply(host, target_for(host))
        assert not out.ok and "lacks bonding" in out.error and host.journal.read() is None
        assert victim.wait(timeout=5) == -signal.SIGTERM
    finally:
        victim.kill()


# ---- demo isolation ----------------------------------------------------------------------
def test_demo_never_touches_the_real_journal_or_timer(tmp_path, monkeypatch):
    from tests.conftest import run_cli

    real = tmp_path / "real-run"
    monkeypatch.setenv("HARVESTER_NETSETUP_RUN_DIR", str(real))
    spawned = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: spawned.append(a) or pytest.fail("a process was started"))
    r = run_cli("--demo", "apply", "profiles/lacp-vlan-jumbo.yaml", "--confirm-timeout", "3")
    assert r.code == 0, r.err
    assert "pending" in r.err
    for cmd in ("rollback", "confirm"):
        r = run_cli("--demo", cmd)
        assert r.code == 0, r.err
    assert not real.exists() and not spawned
    assert SimulatedHost.demo().journal.dir != str(real)


# ---- the lock ----------------------------------------------------------------------------
def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    journal = J.Journal(str(tmp_path / "run"))
    with exclusive(journal, "apply"):
        with pytest.raises(Busy) as err:
            with exclusive(journal, "rollback"):
                pass
        assert str(err.value).startswith(f"{tmp_path / 'run' / 'lock'}: ")
        assert f"pid {os.getpid()} (apply)" in str(err.value)
    with exclusive(journal, "rollback"):  # released
        pass


def test_the_lock_is_held_across_processes(tmp_path):
    journal = J.Journal(str(tmp_path / "run"))
    code = ("import sys; from tui.net.journal import Journal; from tui.net.lock import exclusive, Busy\n"
            f"try:\n  with exclusive(Journal({journal.dir!r}), 'apply'): pass\n"
            "except Busy as e: print(e); sys.exit(1)\n")
    with exclusive(journal, "run"):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 1 and f"pid {os.getpid()} (run)" in r.stdout
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_the_wizard_apply_takes_the_lock():
    from tui.wizard.draft import Draft
    from tui.wizard.session import Session

    host = SimulatedHost.demo(delay=0)
    s = Session(host, "/nonexistent", Draft.from_profile(load_text(PROFILE)), simulated=True)
    with exclusive(host.journal, "apply"):
        out = s.apply_network(lambda e, t: None)
    assert not out.ok and "(apply)" in out.error and host.snapshot() == SimulatedHost.demo().snapshot()
    assert s.outcome_lines(out)[0].startswith("error: ")


# ---- the journal is not trusted blindly -------------------------------------------------
def _valid(host) -> dict:
    _, checkpoint, _ = prepare(host.snapshot(), target_for(host))
    host.journal.write(J.Entry("pending", os.getpid(), checkpoint, 1e10, None, "", None, None, "t"))
    return json.loads(open(host.journal.path).read())


def _with(**kw):
    def change(d):
        d.update(kw)
        return d
    return change


CORRUPT = [
    ("garbage", "garbage{{{", "not JSON"),
    ("empty object", "{}", "state: missing"),
    ("list", "[]", "not an object"),
    ("null", "null", "not an object"),
    ("pid -1", _with(pid=-1), "pid: invalid"),
    ("pid 0", _with(pid=0), "pid: invalid"),
    ("timer pid -1", _with(timer_pid=-1), "timer_pid: invalid"),
    ("timer pid text", _with(timer_pid="1"), "timer_pid: invalid"),
    ("state", _with(state="done"), "state: invalid"),
    ("scope", _with(scope="mgmt-br"), "scope: invalid"),
    ("checkpoint", _with(checkpoint=[]), "checkpoint: invalid"),
    ("link", lambda d: d["checkpoint"]["links"].append({"name": 3}) or d, "checkpoint.links["),
    ("route", lambda d: d["checkpoint"]["routes"].append({"dst": "default"}) or d, "].gateway: missing"),
    ("address", lambda d: d["checkpoint"]["addresses"].append("x") or d, "checkpoint.addresses[0]"),
]


@pytest.mark.parametrize("name,content,message", CORRUPT, ids=[c[0] for c in CORRUPT])
def test_a_corrupt_journal_is_a_path_addressed_error(name, content, message):
    host = SimulatedHost.demo(delay=0)
    data = _valid(host)
    text = content if isinstance(content, str) else json.dumps(content(data))
    with open(host.journal.path, "w") as fh:
        fh.write(text)
    with pytest.raises(J.JournalError) as err:
        host.journal.read()
    assert str(err.value).startswith(host.journal.path + ": ") and message in str(err.value), str(err.value)
    host.close()


UNSAFE = [
    ("symlink", lambda p, other: os.symlink(other, p), "symbolic link"),
    ("directory", lambda p, other: os.mkdir(p), "is a directory"),
    ("world-writable", lambda p, other: (os.rename(other, p), os.chmod(p, 0o666)), "world-writable"),
    ("foreign-owned", lambda p, other: (os.rename(other, p), os.chown(p, 12345, 12345)), "owned by uid 12345"),
]


@pytest.mark.parametrize("name,make,message", UNSAFE, ids=[u[0] for u in UNSAFE])
def test_an_unsafe_journal_file_is_refused(name, make, message, tmp_path):
    if name == "foreign-owned" and os.geteuid() != 0:
        pytest.skip("chown needs root")
    host = SimulatedHost.demo(delay=0)
    _valid(host)
    other = str(tmp_path / "elsewhere.json")
    os.rename(host.journal.path, other)
    make(host.journal.path, other)
    with pytest.raises(J.JournalError) as err:
        host.journal.read()
    assert str(err.value).startswith(host.journal.path + ": ") and message in str(err.value)
    host.close()


def test_a_forged_timer_pid_is_never_signalled():
    """The journal names a live process that is not our revert timer (a reused PID): confirm
    and rollback clear the journal but never signal it."""
    victim = subprocess.Popen(["sleep", "30"])
    try:
        host = SimulatedHost.demo(delay=0)
        data = _valid(host)
        for start in (J.start_time(victim.pid), 12345):
            data.update(timer_pid=victim.pid, timer_start=start)
            with open(host.journal.path, "w") as fh:
                json.dump(data, fh)
            assert not J.is_our_timer(host.journal.read())
            assert confirm_pending(host.journal) is not None
            time.sleep(0.1)
            assert victim.poll() is None, "a process the journal named was signalled"
    finally:
        victim.kill()
        victim.wait()


def test_our_timer_is_recognised_by_cmdline_and_start_time():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "revert-timer", "--token", "t"])
    try:
        time.sleep(0.2)
        host = SimulatedHost.demo(delay=0)
        _valid(host)
        entry = host.journal.read()
        from dataclasses import replace

        assert J.is_our_timer(replace(entry, timer_pid=proc.pid, timer_start=J.start_time(proc.pid)))
        assert not J.is_our_timer(replace(entry, timer_pid=proc.pid, timer_start=J.start_time(proc.pid) + 1))
    finally:
        proc.kill()
        proc.wait()


# ---- the log -----------------------------------------------------------------------------
def test_steps_verify_restore_and_the_lock_are_logged_in_the_run_dir():
    from tui.net.logfile import NAME

    ok, failing = SimulatedHost.demo(delay=0), Failing(3)
    for host in (ok, failing):
        with exclusive(host.journal, "apply"):
            apply(host, target_for(host))
    good = open(os.path.join(ok.journal.dir, NAME)).read()
    bad = open(os.path.join(failing.journal.dir, NAME)).read()
    assert "lock taken for apply" in good and "step 1/" in good and "verify: the host matches the profile" in good
    assert "journal " in good and ": cleared" in good
    assert "apply failed after 3 of" in bad and "injected" in bad and "restore: verified" in bad
    assert oct(os.stat(os.path.join(ok.journal.dir, NAME)).st_mode & 0o777) == "0o600"


# ---- the revert timer's decisions --------------------------------------------------------
def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


TIMER_CASES = [
    # (journal state, owner alive, deadline passed, token matches, restored)
    ("applying", False, False, True, True),   # the applier died mid-way (kill -9)
    ("pending", False, True, True, True),     # unconfirmed at the deadline
    ("applying", True, False, False, False),  # another apply's journal, and our owner is gone: exit
    ("failed", False, False, True, False),    # the applier's restore failed: left for rollback
]


@pytest.mark.parametrize("state,alive,passed,mine,restored", TIMER_CASES)
def test_the_revert_timer_restores_only_when_due_and_ours(state, alive, passed, mine, restored):
    from tui.net.revert_timer import revert_when_due

    host = SimulatedHost.demo(delay=0)
    before = host.snapshot()
    full, checkpoint, steps = prepare(before, target_for(host))
    for s in steps[:3]:  # half applied
        host.run(s)
    pid = os.getpid() if alive else _dead_pid()
    entry = J.Entry(state, pid, checkpoint, (time.time() - 1) if passed else None, None, "", J.start_time(pid), None,
                    "T")
    host.journal.write(entry)
    warmed = []
    code = revert_when_due(host, "T" if mine else "other", exclusive, warm_up=lambda: warmed.append(1),
                           owner=(-1, None))
    assert code == 0
    assert (host.snapshot() == before) == restored
    assert (host.journal.read() is None) == restored
    if restored:
        assert host.journal.last_revert().left == ()
    host.close()


# ---- the log file is never a trap --------------------------------------------------------
LOG_FILES = [
    # (what is at the log's path, what it must be afterwards: "file" = ours, 0600; "same" = left alone)
    ("missing", lambda p: None, "file"),
    ("a 0644 file", lambda p: (open(p, "w").close(), os.chmod(p, 0o644)), "file"),
    ("a fifo", lambda p: os.mkfifo(p, 0o600), "same"),  # an open() for writing would wait for a reader
    ("a symlink", lambda p: os.symlink("/etc/passwd", p), "same"),
    ("a directory", lambda p: os.mkdir(p, 0o700), "same"),
]


@pytest.mark.parametrize("name,make,after", LOG_FILES, ids=[c[0] for c in LOG_FILES])
def test_the_log_file_never_blocks_or_follows_and_is_0600(tmp_path, name, make, after):
    """A lock (every command, the revert timer) attaches the log: whatever sits at its path,
    it returns at once (a FIFO hung apply, confirm, rollback and the timer), writes only a
    regular file of ours, mode 0600."""
    from tui.net.logfile import NAME

    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    path = str(run / NAME)
    make(path)
    kind = os.lstat(path).st_mode if os.path.lexists(path) else None
    code = ("import logging; from tui.net.journal import Journal; from tui.net.lock import exclusive\n"
            f"with exclusive(Journal({str(run)!r}), 'apply'):\n"
            "    logging.getLogger('tui.test').info('hello')\nprint('done')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0 and r.stdout == "done\n", r.stderr
    if after == "file":
        st = os.lstat(path)
        assert oct(st.st_mode & 0o777) == "0o600" and "hello" in open(path).read()
    else:
        assert os.lstat(path).st_mode == kind


# ---- keep/confirm says what happened -----------------------------------------------------
