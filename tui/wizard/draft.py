"""The profile being edited: profile-format data addressed by the same paths the validator
reports (``management.ipv4.gateway``), so a problem reads the same in the wizard and the CLI."""

from __future__ import annotations

import copy
import re

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model loads on first use, after the wizard's first screen is up
    from tui.model import problems as P
    from tui.model.inventory import Inventory
    from tui.model.load import Loaded

_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


def _split(path: str) -> list[str | int]:
    out: list[str | int] = []
    for part in path.split("."):
        m = _INDEX.match(part)
        if m:
            out += [m.group(1), int(m.group(2))]
        else:
            out.append(part)
    return out


class Draft:
    def __init__(self, data: dict | None = None):
        self.data: dict = copy.deepcopy(data) if data else {"version": 1}

    @classmethod
    def from_profile(cls, loaded: "Loaded") -> "Draft":
        from tui.model.dump import dump_profile

        return cls(dump_profile(loaded.profile) if loaded.profile else None)

    def get(self, path: str, default=None):
        node = self.data
        for key in _split(path):
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def set(self, path: str, value) -> None:
        """Set (or with ``None`` / empty remove) the value at ``path``, creating parents; a
        removal creates nothing and drops the mappings it leaves empty."""
        if value is None or value == "" or value == []:
            self._remove(_split(path))
            return
        keys = _split(path)
        node = self.data
        for key, nxt in zip(keys, keys[1:]):
            if isinstance(key, int):
                node = node[key]
                continue
            if not isinstance(node.get(key), (dict, list)):
                node[key] = [] if isinstance(nxt, int) else {}
            node = node[key]
        last = keys[-1]
        if value is None or value == "" or value == []:
            if isinstance(node, dict):
                node.pop(last, None)
        else:
            node[last] = value

    def _remove(self, keys: list) -> None:
        chain = [self.data]
        for key in keys[:-1]:
            try:
                chain.append(chain[-1][key])
            except (KeyError, IndexError, TypeError):
                return
        if isinstance(chain[-1], dict):
            chain[-1].pop(keys[-1], None)
        for parent, key, node in reversed(list(zip(chain, keys, chain[1:]))):
            if isinstance(node, dict) and not node and isinstance(parent, dict):
                parent.pop(key, None)
            else:
                break

    def loaded(self) -> "Loaded":
        from tui.model.load import load_data

        return load_data(copy.deepcopy(self.data))

    def problems(self, inventory: "Inventory | None") -> "list[P.Problem]":
        from tui.model.validate import validate

        return validate(self.loaded(), inventory, automatic=False)  # the console installs interactively

    @staticmethod
    def under(problems: "list[P.Problem]", prefixes: tuple[str, ...]) -> "list[P.Problem]":
        from tui.wizard.steps import under

        return [p for p in problems if any(under(p.path, x) for x in prefixes)]


def parse_field(kind: str, text: str):
    """A form field's text as profile data; ValueError with an operator-readable message."""
    text = text.strip()
    if kind == "select" and text == "(default)":  # tui.wizard.steps.DEFAULT_CHOICE: left out
        return None
    if kind in ("text", "password", "select"):
        return text or None
    if kind == "int":
        if not text:
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{text!r} is not a whole number")
        return int(text)
    if kind == "list":
        return [x for x in re.split(r"[,\s]+", text) if x] or None
    if kind == "lines":
        return [x.strip() for x in text.splitlines() if x.strip()] or None
    raise ValueError(f"unknown field kind {kind}")


def show_field(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "list":
        return ", ".join(str(v) for v in value)
    if kind == "lines":
        return "\n".join(value)
    return str(value)
