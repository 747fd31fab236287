"""The apply journal under /run: what an apply changed and how to put it back.

It exists from the first change until the apply is verified (and, with a confirm timer, until
``confirm``). Found at start-up with its process gone, it means an apply was interrupted: the
checkpoint in it restores the prior state (``harvester-netsetup rollback``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from tui.files import atomic_write
from tui.model.hoststate import HostState, Target, as_data, from_data

DEFAULT_DIR = "/run/harvester-netsetup"


def run_dir() -> str:
    return os.environ.get("HARVESTER_NETSETUP_RUN_DIR", DEFAULT_DIR)


@dataclass(frozen=True)
class Entry:
    state: str  # applying | pending
    pid: int
    checkpoint: Target
    deadline: float | None = None
    timer_pid: int | None = None
    summary: str = ""


def path() -> str:
    return os.path.join(run_dir(), "journal.json")


def write(entry: Entry) -> None:
    data = {
        "state": entry.state, "pid": entry.pid, "deadline": entry.deadline, "timer_pid": entry.timer_pid,
        "summary": entry.summary, "scope": sorted(entry.checkpoint.scope), "owns_default": entry.checkpoint.owns_default, "checkpoint": as_data(entry.checkpoint.state),
    }
    atomic_write(path(), json.dumps(data, indent=1) + "\n")


def read() -> Entry | None:
    try:
        with open(path()) as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"the apply journal {path()} is unreadable ({exc}); remove it after checking the network by hand") from exc
    checkpoint = Target(from_data(data["checkpoint"]), frozenset(data["scope"]), owns_default=bool(data.get("owns_default")))
    return Entry(data["state"], int(data["pid"]), checkpoint, data.get("deadline"), data.get("timer_pid"), data.get("summary", ""))


def clear() -> None:
    try:
        os.unlink(path())
    except FileNotFoundError:
        pass


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def interrupted() -> Entry | None:
    """An apply whose process is gone before it finished."""
    entry = read()
    if entry and entry.state == "applying" and not alive(entry.pid):
        return entry
    return None


def checkpoint_state(entry: Entry) -> HostState:
    return entry.checkpoint.state
