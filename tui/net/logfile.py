"""The host side logs to ``harvester-netsetup.log`` in the run directory: every step, verify
result, restore and timer event, so a failed night-time rollout can be diagnosed. Module
loggers under ``tui``; what they log is steps and states, never profile secrets."""

from __future__ import annotations

import logging
import os
import stat

NAME = "harvester-netsetup.log"
_attached: set[str] = set()


def to_file(directory: str) -> None:
    """Append the ``tui`` loggers' records to the log file in ``directory`` (once). Only a
    regular file of ours is written, made 0600; anything else at the path (a FIFO would block
    the open, a symlink) is left alone and nothing is logged: logging must never stop a restore."""
    path = os.path.join(directory, NAME)
    if path in _attached:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK,
                     0o600)
    except OSError:
        return
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            raise OSError(f"{path}: not a regular file of ours")
        os.fchmod(fd, 0o600)
        os.set_blocking(fd, True)
    except OSError:
        os.close(fd)
        return
    handler = logging.StreamHandler(os.fdopen(fd, "a", buffering=1))
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger("tui")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _attached.add(path)
