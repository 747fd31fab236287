"""The host side logs to ``harvester-netsetup.log`` in the run directory: every step, verify
result, restore and timer event, so a failed night-time rollout can be diagnosed. Module
loggers under ``tui``; what they log is steps and states, never profile secrets."""

from __future__ import annotations

import logging
import os

NAME = "harvester-netsetup.log"
_attached: set[str] = set()


def to_file(directory: str) -> None:
    """Append the ``tui`` loggers' records to the log file in ``directory`` (once)."""
    path = os.path.join(directory, NAME)
    if path in _attached:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError:
        return  # logging must never stop a restore
    handler = logging.StreamHandler(os.fdopen(fd, "a", buffering=1))
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger("tui")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _attached.add(path)
