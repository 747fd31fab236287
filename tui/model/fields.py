"""The profile's field table: each field is declared once, and the loader, the dumper and the
JSON Schema are derived from it.

A field of a profile dataclass (``tui.model.profile``) is declared with :func:`spec`: its
default (the dataclass default), its *kind* (what the loader accepts and how it is checked,
what it dumps as, its JSON Schema), its help text, whether it is required and when the dump
leaves it out. ``tui.model.load``, ``tui.model.dump`` and ``tui.model.schema`` walk
``dataclasses.fields()`` of the profile classes and ask each field's kind; they name no key.

The kinds live beside this module: ``field_scalars`` (text, numbers, choices, the version and
the release, the password), ``field_sections`` (nested sections, lists of them, NIC
selectors) and ``field_mappings`` (bond options, Harvester settings, passed-through keys).

Format checks are named (``Text("ipv4")``) and looked up in ``tui.model.formats`` on first
use, so importing the profile's types costs no more than before.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING
from typing import Any, Callable

# When the dump leaves a field out.
ALWAYS = "always"  # written even when empty or default
IF_SET = "if-set"  # left out when None
IF_TRUTHY = "if-truthy"  # left out when empty, zero, "" or None
IF_NOT_DEFAULT = "if-not-default"  # left out when equal to the field's default


class Spec:
    """A field's table entry (beside the dataclass's own type and default)."""

    __slots__ = ("kind", "help", "dump", "required", "load_default")

    def __init__(self, kind: "Kind", help: str = "", dump: str = IF_SET, required: str | None = None,
                 load_default: Callable[[dict], Any] | None = None):
        self.kind = kind
        self.help = help
        self.dump = dump  # when the dump leaves the field out (ALWAYS, IF_SET, ...)
        self.required = required  # the message when the key is missing
        self.load_default = load_default  # a default that depends on the profile read so far (ctx)


def spec(kind: "Kind", default=MISSING, *, factory=MISSING, help: str = "", dump: str = IF_SET,
         required: str | None = None, load_default: Callable[[dict], Any] | None = None):
    """A dataclass field with its table entry (in ``metadata['spec']``)."""
    meta = {"spec": Spec(kind, help, dump, required, load_default)}
    if factory is not MISSING:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def specs(cls) -> tuple[tuple[dataclasses.Field, Spec], ...]:
    """The table of a profile section: (field, spec) in the profile's documented key order."""
    return tuple((f, f.metadata["spec"]) for f in dataclasses.fields(cls) if "spec" in f.metadata)


def keys(cls) -> tuple[str, ...]:
    """The keys a section accepts, in order."""
    return tuple(f.name for f, _ in specs(cls))


def default_of(f: dataclasses.Field):
    """The dataclass default of ``f`` (a fresh one from a factory); MISSING when it has none."""
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return MISSING


# -- kinds ---------------------------------------------------------------------------------
# A kind reads one key of a mapping (recording problems on the reader ``r``; None when absent
# or bad), turns a model value back into plain data, and describes itself as JSON Schema.


class Kind:
    __slots__ = ()

    def load(self, r, m: dict, key: str, path: str, ctx: dict):
        raise NotImplementedError

    def dump(self, value, ctx: dict):
        return value

    def schema(self) -> dict:
        raise NotImplementedError


# -- the three walkers ---------------------------------------------------------------------


def load_section(r, data, path: str, cls, ctx: dict, *, optional: bool):
    """Read ``data`` into ``cls``: unknown keys, each field's checks, required keys."""
    from tui.model import problems as P

    m = r.mapping(data, path, keys(cls))
    if m is None:
        if optional:
            return None
        m = {}
    values = {}
    for f, s in specs(cls):
        value = s.kind.load(r, m, f.name, path, ctx)
        if s.required and f.name not in m:
            r.error(P.join(path, f.name), s.required)
        if value is None:
            value = s.load_default(ctx) if s.load_default else default_of(f)
            if value is MISSING:  # a required field without a default (a network's name): reported above
                value = ""
        values[f.name] = value
    return cls(**values)


def dump_section(obj, ctx: dict) -> dict:
    out = {}
    for f, s in specs(type(obj)):
        value = getattr(obj, f.name)
        if s.dump == IF_NOT_DEFAULT and value == default_of(f):
            continue
        plain = None if value is None else s.kind.dump(value, ctx)
        if s.dump == ALWAYS or (plain if s.dump == IF_TRUTHY else plain is not None):
            out[f.name] = plain
    return out


def section_schema(cls) -> dict:
    props = {}
    for f, s in specs(cls):
        prop = s.kind.schema()
        default = default_of(f)
        if not s.required and s.load_default is None and isinstance(default, (str, int)) and "const" not in prop:
            prop["default"] = default
        if s.help:
            prop["description"] = s.help
        props[f.name] = prop
    out: dict = {"type": "object", "additionalProperties": False, "properties": props}
    required = [f.name for f, s in specs(cls) if s.required]
    if required:
        out["required"] = required
    return out
