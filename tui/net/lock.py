"""One harvester-netsetup changes the host at a time: an exclusive flock on ``lock`` in the
run directory, held by apply, confirm, rollback, run, the wizard's apply and the revert
timer's restore. The file names its holder, so the second one says who it waits for."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time

from tui.net.journal import Journal, JournalError, check_file
from tui.net.logfile import to_file

log = logging.getLogger(__name__)


class Busy(Exception):
    """Another process holds the lock: ``str()`` is ``<path>: <who holds it>``."""


@contextlib.contextmanager
def exclusive(journal: Journal, what: str, wait: float = 0.0):
    """Hold the run directory's lock for ``what``; Busy when another process has it (after
    waiting up to ``wait`` seconds)."""
    journal.ensure_dir()
    path = os.path.join(journal.dir, "lock")
    check_file(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise JournalError(path, exc.strerror or str(exc)) from None
    try:
        give_up = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    raise Busy(f"{path}: another harvester-netsetup is changing this host: {holder}") from None
                time.sleep(0.05)
        to_file(journal.dir)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} ({what}) since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        log.info("lock taken for %s", what)
        yield
    finally:
        os.close(fd)
