"""The profile's field table: each field is declared once, and the loader, the dumper and the
JSON Schema are derived from it.

A field of a profile dataclass (``tui.model.profile``) is declared with :func:`spec`: its
default (the dataclass default), its *kind* (what the loader accepts and how it is checked,
what it dumps as, its JSON Schema), its help text, whether it is required and when the dump
leaves it out. ``tui.model.load``, ``tui.model.dump`` and ``tui.model.schema`` walk
``dataclasses.fields()`` of the profile classes and ask each field's kind; they name no key.

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


def _format(name: str | None):
    if name is None:
        return None
    from tui.model import formats

    return getattr(formats, name)


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


class Text(Kind):
    """A string, checked by a function of tui.model.formats named ``check``."""

    __slots__ = ("check", "json", "normalize")

    def __init__(self, check: str | None = None, json: tuple[tuple[str, Any], ...] = (),
                 normalize: str | None = None):
        self.check = check
        self.json = json
        self.normalize = normalize

    def load(self, r, m, key, path, ctx):
        value = r.string(m, key, path, _format(self.check))
        if value is not None and self.normalize:
            value = _format(self.normalize)(value)
        return value

    def schema(self):
        return {"type": "string", **dict(self.json)}


class Label(Kind):
    """A DNS label (network name, namespace): formats.dns_label with what the name is."""

    __slots__ = ("what", "max_len")

    def __init__(self, what: str, max_len: int | None = None):
        self.what = what
        self.max_len = max_len

    def load(self, r, m, key, path, ctx):
        from tui.model import formats

        return r.string(m, key, path, lambda s: formats.dns_label(s, what=self.what))

    def schema(self):
        return {"type": "string", **({"maxLength": self.max_len} if self.max_len else {})}


class Choice(Kind):
    """One of ``choices`` ("did you mean" for a near miss)."""

    __slots__ = ("choices",)

    def __init__(self, choices: tuple[str, ...]):
        self.choices = choices

    def load(self, r, m, key, path, ctx):
        return r.choice(m, key, path, self.choices)

    def schema(self):
        return {"enum": list(self.choices)}


class Integer(Kind):
    """A whole number in lo..hi."""

    __slots__ = ("lo", "hi", "hint")

    def __init__(self, lo: int, hi: int, hint: str = ""):
        self.lo = lo
        self.hi = hi
        self.hint = hint

    def load(self, r, m, key, path, ctx):
        return r.integer(m, key, path, self.lo, self.hi, self.hint)

    def schema(self):
        return {"type": "integer", "minimum": self.lo, "maximum": self.hi}


class Boolean(Kind):
    def load(self, r, m, key, path, ctx):
        return r.boolean(m, key, path)

    def schema(self):
        return {"type": "boolean"}


class Strings(Kind):
    """A list of strings, each checked like ``item``."""

    __slots__ = ("item",)

    def __init__(self, item: Text | None = None):
        self.item = item or Text()

    def load(self, r, m, key, path, ctx):
        return r.strings(m, key, path, _format(self.item.check))

    def dump(self, value, ctx):
        return list(value)

    def schema(self):
        return {"type": "array", "items": self.item.schema()}


class Mtu(Kind):
    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P
        from tui.model.reader import type_name

        value = m.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and (value == 0 or 576 <= value <= 9000):
            return value
        if value is not None:
            here = P.join(path, key)
            if isinstance(value, int) and not isinstance(value, bool):
                shown = value if abs(value) < 10**9 else "a huge number"
                r.error(here, f"{shown} is not a valid MTU: 0 (default) or 576–9000")
            else:
                r.error(here, f"must be a whole number, not {type_name(value)}")
        return None

    def schema(self):
        return {"type": "integer", "anyOf": [{"const": 0}, {"minimum": 576, "maximum": 9000}]}


class Section(Kind):
    """A nested mapping read into ``cls`` (a profile dataclass) through its own table.

    ``optional``: an absent (or unreadable) section is None, else it is built from its defaults.
    ``always_built``: once present, even an unreadable section is built from its defaults."""

    __slots__ = ("cls", "optional", "always_built")

    def __init__(self, cls: type, optional: bool = True, always_built: bool = False):
        self.cls = cls
        self.optional = optional
        self.always_built = always_built

    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P

        data = m.get(key)
        if data is None and self.optional:
            return None
        return load_section(r, data, P.join(path, key), self.cls, ctx,
                            optional=self.optional and not self.always_built)

    def dump(self, value, ctx):
        return None if value is None else dump_section(value, ctx)

    def schema(self):
        return section_schema(self.cls)


class Sections(Kind):
    """A list of mappings, each read into ``cls``."""

    __slots__ = ("cls",)

    def __init__(self, cls: type):
        self.cls = cls

    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P

        out = []
        for i, item in enumerate(r.sequence(m, key, path) or ()):
            section = load_section(r, item, P.join(P.join(path, key), i), self.cls, ctx, optional=True)
            if section is not None:
                out.append(section)
        return tuple(out)

    def dump(self, value, ctx):
        return [dump_section(v, ctx) for v in value]

    def schema(self):
        return {"type": "array", "items": section_schema(self.cls)}


class Version(Kind):
    """``version``: required, and only 1 is read."""

    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P

        value = m.get(key)
        if value is None:
            if key in m:
                r.error(P.join(path, key), "required: this page describes 'version: 1'")
        elif value != 1 or isinstance(value, bool):
            r.error(P.join(path, key), f"unsupported profile version {value!r}; this tool reads version 1")
        return None

    def schema(self):
        return {"const": 1}


class Release(Kind):
    """``harvester``: the target release; it sets the defaults of later fields (``ctx['release']``)."""

    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P
        from tui.model.releases import DEFAULT_RELEASE, parse_release

        value = r.string(m, key, path)
        if value is not None and parse_release(value) is None:
            r.error(P.join(path, key), f"'{value}' is not a supported release; use v1.0 … v1.9")
            value = None
        ctx["release"] = parse_release(value or DEFAULT_RELEASE)
        return value

    def schema(self):
        return {"type": "string", "pattern": "^v?1\\.[0-9](\\.[0-9]{1,3})?$"}


class Selectors(Kind):
    """A list of NIC selectors: ``{name[, mac]}``, ``{mac}`` or ``{match: {...}}``."""

    __slots__ = ("by_name", "by_mac", "by_match", "match")

    def __init__(self, by_name: type, by_mac: type, by_match: type, match: type):
        self.by_name = by_name
        self.by_mac = by_mac
        self.by_match = by_match
        self.match = match

    def load(self, r, m, key, path, ctx):
        from tui.model import formats as F
        from tui.model import problems as P

        out = []
        items = r.sequence(m, key, path)
        path = P.join(path, key)
        for i, item in enumerate(items or ()):
            here = P.join(path, i)
            if isinstance(item, str):
                r.error(here, f"write a selector as a mapping: {{name: {item}}} or {{mac: …}} or {{match: {{…}}}}")
                continue
            sm = r.mapping(item, here, ("name", "mac", "match"))
            if sm is None:
                continue
            if len(sm) != 1 and set(sm) != {"name", "mac"}:
                if sm:
                    r.error(here, "give one of name, mac or match (name and mac may go together)")
                elif isinstance(item, dict) and not item:
                    r.error(here, "empty selector: give name, mac or match")
                continue
            if "name" in sm:
                name = r.string(sm, "name", here, F.ifname)
                mac = r.string(sm, "mac", here, F.mac)
                if name is not None:
                    out.append(self.by_name(name, F.normalize_mac(mac) if mac else None))
            elif "mac" in sm:
                mac = r.string(sm, "mac", here, F.mac)
                if mac is not None:
                    out.append(self.by_mac(F.normalize_mac(mac)))
            else:
                match = load_section(r, sm["match"], P.join(here, "match"), self.match, ctx, optional=True)
                if match is not None:
                    out.append(self.by_match(match))
        return tuple(out)

    def dump(self, value, ctx):
        out = []
        for sel in value:
            if isinstance(sel, self.by_name):
                out.append({"name": sel.name, **({"mac": sel.mac} if sel.mac else {})})
            elif isinstance(sel, self.by_mac):
                out.append({"mac": sel.mac})
            else:
                out.append({"match": dump_section(sel.match, ctx)})
        return out

    def schema(self):
        mac = MAC.schema()
        return {"type": "array", "minItems": 1, "items": {
            "description": "Picks exactly one physical NIC.",
            "oneOf": [
                {"type": "object", "additionalProperties": False, "required": ["name"],
                 "properties": {"name": {"type": "string", "maxLength": 15}, "mac": mac}},
                {"type": "object", "additionalProperties": False, "required": ["mac"], "properties": {"mac": mac}},
                {"type": "object", "additionalProperties": False, "required": ["match"],
                 "properties": {"match": section_schema(self.match)}},
            ],
        }}


class BondOptions(Kind):
    """Extra kernel bond options: name -> string or number (stored as sorted pairs of strings)."""

    def load(self, r, m, key, path, ctx):
        from tui.model import formats as F
        from tui.model import problems as P
        from tui.model.reader import type_name

        options = []
        opts = m.get(key)
        opath = P.join(path, key)
        if opts is not None and not isinstance(opts, dict):
            r.error(opath, f"must be a mapping of option names to values, not {type_name(opts)}")
        elif opts:
            for name, value in opts.items():
                kpath = P.join(opath, str(name))
                if not isinstance(name, str) or F.bond_option_key(name):
                    r.error(kpath, f"'{name}' is not a bond option name")
                    continue
                if name in ("mode", "miimon"):
                    r.error(kpath, f"set {name} as {path}.{name}, not among the extra options")
                    continue
                if isinstance(value, bool) or not isinstance(value, (str, int)):
                    r.error(kpath, f"must be a string or number, not {type_name(value)}")
                    continue
                text = str(value)
                msg = F.bond_option_value(text)
                if msg:
                    r.error(kpath, msg)
                    continue
                options.append((name, text))
        return tuple(sorted(options))

    def dump(self, value, ctx):
        return dict(value)

    def schema(self):
        return {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}


class Settings(Kind):
    """Harvester settings: name -> string, or a mapping/list serialised to compact JSON."""

    def load(self, r, m, key, path, ctx):
        from tui.model import formats as F
        from tui.model import problems as P
        from tui.model.reader import compact_json, type_name

        settings = []
        raw = m.get(key)
        spath = P.join(path, key)
        if raw is not None and not isinstance(raw, dict):
            r.error(spath, f"must be a mapping of setting names to values, not {type_name(raw)}")
        elif raw:
            for name, value in raw.items():
                here = P.join(spath, str(name))
                if not isinstance(name, str) or F.dns_label(name, max_len=253, what="setting name"):
                    r.error(here, f"'{name}' is not a Harvester setting name")
                    continue
                if isinstance(value, str):
                    settings.append((name, value))
                elif isinstance(value, (dict, list)):
                    settings.append((name, compact_json(value)))
                else:
                    r.error(here, f"must be a string or a mapping (serialised to JSON), not {type_name(value)}")
        return tuple(settings)

    def dump(self, value, ctx):
        return dict(value)

    def schema(self):
        return {"type": "object", "additionalProperties": {"type": ["string", "object", "array"]}}


class Extra(Kind):
    """Harvester config keys passed through as they are (a deep-frozen mapping)."""

    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P
        from tui.model.reader import type_name

        extra = m.get(key)
        if extra is not None and not isinstance(extra, dict):
            r.error(P.join(path, key), f"must be a mapping of Harvester config keys, not {type_name(extra)}")
            extra = None
        return freeze(extra or {})

    def dump(self, value, ctx):
        return thaw(value)

    def schema(self):
        return {"type": "object"}


class Password(Kind):
    """The root password: clear or a crypt hash; a dump writes what the caller's hasher makes of it."""

    def load(self, r, m, key, path, ctx):
        return r.string(m, key, path)

    def dump(self, value, ctx):
        hasher = ctx.get("hash_password")
        return hasher(value) if value and hasher else value

    def schema(self):
        return {"type": "string"}


def freeze(value):
    """Deep-freeze plain data (dicts → tuples of pairs, lists → tuples)."""
    if isinstance(value, dict):
        return tuple((str(k), freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return ("__list__",) + tuple(freeze(v) for v in value)
    return value


def thaw(value):
    """Inverse of freeze()."""
    if isinstance(value, tuple):
        if value[:1] == ("__list__",):
            return [thaw(v) for v in value[1:]]
        return {k: thaw(v) for k, v in value}
    return value


# Formats the schema can state (the loader's check is stricter and names the problem).
IPV4 = Text("ipv4", (("format", "ipv4"),))
MAC = Text("mac", (("pattern", "^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$"),), normalize="normalize_mac")


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
