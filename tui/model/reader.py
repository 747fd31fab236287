"""Typed reads from plain YAML data, recording a path-addressed problem for every mismatch.

The loader is built from these helpers so that a bad value never stops the rest of the
profile from being read: every problem is reported at once.
"""

from __future__ import annotations

import difflib
import json
from typing import Callable

from tui.model import problems as P

MAX_INT = 2**31 - 1


class Reader:
    def __init__(self) -> None:
        self.problems: list[P.Problem] = []
        self.bad: set[str] = set()  # paths already reported (semantic checks skip them)

    # -- reporting -------------------------------------------------------------------
    def error(self, path: str, message: str) -> None:
        self.problems.append(P.error(path, message))
        self.bad.add(path)

    def warning(self, path: str, message: str) -> None:
        self.problems.append(P.warning(path, message))

    # -- containers ------------------------------------------------------------------
    def mapping(self, data, path: str, keys: tuple[str, ...]) -> dict | None:
        """``data`` as a mapping with only ``keys``; unknown keys are reported."""
        if data is None:
            return None
        if not isinstance(data, dict):
            self.error(path or "(top)", f"must be a mapping of keys to values, not {type_name(data)}")
            return None
        for key in data:
            if not isinstance(key, str):
                self.error(P.join(path, str(key)), "keys must be strings")
                continue
            if key not in keys:
                near = (difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
                        or [k for k in keys if _abbreviates(key, k)][:1])
                hint = f"; did you mean '{near[0]}'?" if near else f"; known keys: {', '.join(keys)}"
                self.error(P.join(path, key), f"unknown key '{key}'{hint}")
        return {k: v for k, v in data.items() if isinstance(k, str) and k in keys}

    def sequence(self, m: dict, key: str, path: str) -> list | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.error(P.join(path, key), f"must be a list, not {type_name(value)}")
            return None
        return value

    # -- scalars ---------------------------------------------------------------------
    def string(self, m: dict, key: str, path: str, check: Callable[[str], str | None] | None = None) -> str | None:
        value = m.get(key)
        here = P.join(path, key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(here, f"must be a string, not {type_name(value)}; quote the value")
            return None
        return self._checked(here, value, check)

    def choice(self, m: dict, key: str, path: str, choices: tuple[str, ...]) -> str | None:
        value = self.string(m, key, path)
        if value is not None and value not in choices:
            near = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            self.error(P.join(path, key), f"'{value}' is not one of {', '.join(choices)}{hint}")
            return None
        return value

    def integer(self, m: dict, key: str, path: str, lo: int, hi: int, hint: str = "") -> int | None:
        value = m.get(key)
        here = P.join(path, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(here, f"must be a whole number, not {type_name(value)}")
            return None
        if not lo <= value <= hi:
            shown = value if abs(value) <= MAX_INT else "a huge number"
            self.error(here, f"{shown} is out of range {lo}–{hi}{hint}")
            return None
        return value

    def boolean(self, m: dict, key: str, path: str) -> bool | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.error(P.join(path, key), f"must be true or false, not {type_name(value)}")
            return None
        return value

    def strings(self, m: dict, key: str, path: str,
                check: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
        items = self.sequence(m, key, path)
        if items is None:
            return ()
        out = []
        for i, item in enumerate(items):
            here = P.join(P.join(path, key), i)
            if not isinstance(item, str):
                self.error(here, f"must be a string, not {type_name(item)}")
                continue
            checked = self._checked(here, item, check)
            if checked is not None:
                out.append(checked)
        return tuple(out)

    def _checked(self, here: str, value: str, check) -> str | None:
        if check is not None:
            message = check(value)
            if message:
                self.error(here, message)
                return None
        return value


def _abbreviates(short: str, long: str) -> bool:
    """'gw' abbreviates 'gateway': the letters appear in order, the first one matching."""
    if len(short) < 2 or short[0] != long[0]:
        return False
    it = iter(long)
    return all(c in it for c in short)


def type_name(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def compact_json(value) -> str:
    """Harvester compares setting values as literal strings: one canonical spelling."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
