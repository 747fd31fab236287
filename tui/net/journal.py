"""The apply journal: what an apply changed and how to put it back.

It is written (and fsynced) before the first change and exists until the apply is verified
(with a confirm timer: until ``confirm``); after a restore that failed it stays, so
``rollback`` can try again. Found with its process gone, it means an apply was interrupted.

The journal decides which process the revert timer may signal and what gets restored, so it
is trusted only when it is a regular file of ours that nobody else can write, and its shape
is checked field by field; anything else is a `JournalError` naming the file.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass

from tui.files import atomic_write
from tui.model.netstate import Target, as_data, from_data

log = logging.getLogger(__name__)

DEFAULT_DIR = "/run/harvester-netsetup"
STATES = ("applying", "pending", "failed")  # failed: a restore did not bring the prior state back
MAX_BYTES = 4 << 20


def run_dir() -> str:
    return os.environ.get("HARVESTER_NETSETUP_RUN_DIR", DEFAULT_DIR)


class JournalError(Exception):
    """An unsafe or malformed journal: ``str()`` is ``<path>: <message>``."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


@dataclass(frozen=True)
class Entry:
    state: str  # applying | pending | failed
    pid: int  # the applying process
    checkpoint: Target
    deadline: float | None = None  # pending: when the timer reverts
    timer_pid: int | None = None
    summary: str = ""
    pid_start: int | None = None  # /proc start times: a reused PID is not ours
    timer_start: int | None = None
    token: str = ""  # the armed timer's identity: it acts only on the entry carrying its token


@dataclass(frozen=True)
class Revert:
    """What the revert timer did last (``confirm`` reports it)."""

    at: float
    left: tuple[str, ...]  # empty: the prior state is back (verified)


def check_file(path: str, want_dir: bool = False) -> os.stat_result | None:
    """Refuse a symlink, a directory (or a non-directory), a group- or world-writable or
    foreign-owned file. None: it does not exist."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise JournalError(path, exc.strerror or str(exc)) from None
    if stat.S_ISLNK(st.st_mode):
        raise JournalError(path, "is a symbolic link; refusing to use it")
    if want_dir and not stat.S_ISDIR(st.st_mode):
        raise JournalError(path, "is not a directory")
    if not want_dir and not stat.S_ISREG(st.st_mode):
        raise JournalError(path, "is a directory, not a file" if stat.S_ISDIR(st.st_mode) else "is not a regular file")
    if st.st_mode & stat.S_IWOTH:
        raise JournalError(path, "is world-writable; refusing to trust it")
    if st.st_mode & stat.S_IWGRP:  # a group member could forge what gets restored and signalled
        raise JournalError(path, "is group-writable; refusing to trust it")
    if st.st_uid != os.geteuid():
        raise JournalError(path, f"is owned by uid {st.st_uid}, not by this user; refusing to trust it")
    return st


class Journal:
    """The journal files of one run directory (the real /run one, or the demo's own)."""

    def __init__(self, directory: str):
        self.dir = directory
        self.path = os.path.join(directory, "journal.json")
        self.revert_path = os.path.join(directory, "last-revert.json")

    # ---- writing -------------------------------------------------------------------------
    def ensure_dir(self) -> None:
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        check_file(self.dir, want_dir=True)

    def write(self, entry: Entry) -> None:
        self.ensure_dir()
        check_file(self.path)
        data = {
            "state": entry.state, "pid": entry.pid, "pid_start": entry.pid_start, "deadline": entry.deadline,
            "timer_pid": entry.timer_pid, "timer_start": entry.timer_start, "token": entry.token,
            "summary": entry.summary, "scope": sorted(entry.checkpoint.scope),
            "owns_default": entry.checkpoint.owns_default, "checkpoint": as_data(entry.checkpoint.state),
        }
        atomic_write(self.path, json.dumps(data, indent=1) + "\n")
        _sync_dir(self.dir)
        log.info("journal %s: %s (pid %s, timer %s)", self.path, entry.state, entry.pid, entry.timer_pid)

    def clear(self) -> None:
        try:
            os.unlink(self.path)
            _sync_dir(self.dir)
            log.info("journal %s: cleared", self.path)
        except FileNotFoundError:
            pass

    def record_revert(self, at: float, left: list[str]) -> None:
        self.ensure_dir()
        check_file(self.revert_path)
        atomic_write(self.revert_path, json.dumps({"at": at, "left": list(left)}) + "\n")

    def forget_revert(self) -> None:
        try:
            os.unlink(self.revert_path)
        except FileNotFoundError:
            pass

    # ---- reading -------------------------------------------------------------------------
    def read(self) -> Entry | None:
        data = self._load(self.path)
        return None if data is _MISSING else parse(self.path, data)

    def last_revert(self) -> Revert | None:
        data = self._load(self.revert_path)
        if data is _MISSING:
            return None
        if not (isinstance(data, dict) and _number(data.get("at")) and isinstance(data.get("left"), list)
                and all(isinstance(x, str) for x in data["left"])):
            raise JournalError(self.revert_path, "is not a revert record")
        return Revert(float(data["at"]), tuple(data["left"]))

    def _load(self, path: str):
        if check_file(self.dir, want_dir=True) is None or check_file(path) is None:
            return _MISSING
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return _MISSING
        except OSError as exc:
            raise JournalError(path, f"unreadable ({exc.strerror or exc})") from None
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise JournalError(path, f"larger than {MAX_BYTES} bytes")
        try:
            return json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise JournalError(path, f"not JSON ({exc}); check the network by hand, then remove it") from None


_MISSING = object()


def _sync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- shape -----------------------------------------------------------------------------
def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _opt(check):
    return lambda v: v is None or check(v)


def _str(v) -> bool:
    return isinstance(v, str)


def _pid(v) -> bool:
    return _int(v) and v > 0


def _scalar(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


LINK_FIELDS = {
    "name": _str, "kind": lambda v: v in (None, "bond", "bridge", "vlan"), "up": lambda v: isinstance(v, bool),
    "mtu": _opt(lambda v: _int(v) and v > 0), "master": _opt(_str),
    "attrs": lambda v: isinstance(v, dict) and all(_str(k) and _scalar(x) for k, x in v.items()),
    "vlans": _opt(lambda v: isinstance(v, list) and all(
        isinstance(e, list) and len(e) == 3 and _int(e[0]) and isinstance(e[1], bool) and isinstance(e[2], bool)
        for e in v)),
}
ENTRY_FIELDS = {
    "state": lambda v: v in STATES, "pid": _pid, "pid_start": _opt(_int), "deadline": _opt(_number),
    "timer_pid": _opt(_pid), "timer_start": _opt(_int), "token": _str, "summary": _str,
    "scope": lambda v: isinstance(v, list) and all(_str(x) for x in v), "owns_default": lambda v: isinstance(v, bool),
    "checkpoint": lambda v: isinstance(v, dict),
}


def _check(path: str, where: str, data, fields: dict) -> None:
    if not isinstance(data, dict):
        raise JournalError(path, f"{where or 'the journal'} is not an object")
    for key, ok in fields.items():
        if key not in data:
            raise JournalError(path, f"{where}{key}: missing")
        if not ok(data[key]):
            raise JournalError(path, f"{where}{key}: invalid value {json.dumps(data[key])[:60]}")


def parse(path: str, data) -> Entry:
    """The journal's JSON, checked field by field."""
    _check(path, "", data, ENTRY_FIELDS)
    cp = data["checkpoint"]
    _check(path, "checkpoint.", cp, {
        "links": lambda v: isinstance(v, list), "addresses": lambda v: isinstance(v, list),
        "routes": lambda v: isinstance(v, list), "dhcp": lambda v: isinstance(v, list) and all(_str(x) for x in v)})
    for i, link in enumerate(cp["links"]):
        _check(path, f"checkpoint.links[{i}].", link, LINK_FIELDS)
    for i, a in enumerate(cp["addresses"]):
        if not (isinstance(a, list) and len(a) == 2 and all(_str(x) for x in a)):
            raise JournalError(path, f"checkpoint.addresses[{i}]: not [device, cidr]")
    for i, r in enumerate(cp["routes"]):
        _check(path, f"checkpoint.routes[{i}].", r, {"dst": _str, "gateway": _opt(_str), "dev": _str})
    checkpoint = Target(from_data(cp), frozenset(data["scope"]), owns_default=data["owns_default"])
    return Entry(data["state"], data["pid"], checkpoint, data["deadline"], data["timer_pid"], data["summary"],
                 data["pid_start"], data["timer_start"], data["token"])


# ---- processes -------------------------------------------------------------------------
def start_time(pid: int | None) -> int | None:
    """The process's start time (clock ticks after boot, /proc/PID/stat field 22); None: gone
    (or a zombie: dead, only not yet reaped)."""
    if not pid or pid <= 0:
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            text = fh.read()
    except OSError:
        return None
    fields = text[text.rindex(b")") + 2:].split()
    return None if fields[0] in (b"Z", b"X") else int(fields[19])


def cmdline(pid: int) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().split(b"\0")
    except OSError:
        return []


def alive(pid: int | None, started: int | None = None) -> bool:
    """The process exists (and, with ``started``, is the one that started then)."""
    now = start_time(pid)
    return now is not None and (started is None or now == started)


def is_our_timer(entry: Entry) -> bool:
    """The journal's timer PID is the revert timer it armed: same start time, our command line
    with this journal's token (another run directory's timer is not ours)."""
    pid = entry.timer_pid
    if not pid or pid <= 0 or pid == os.getpid() or entry.timer_start is None or not entry.token:
        return False
    args = cmdline(pid)
    return start_time(pid) == entry.timer_start and b"revert-timer" in args and (
        [b"--token", entry.token.encode()] in (args[i:i + 2] for i in range(len(args))))
