"""The profile's scalar field kinds: text (with a named format check), DNS labels, choices,
whole numbers, booleans, lists of strings, the MTU, the profile version, the target release
and the root password (see ``tui.model.fields``)."""

from __future__ import annotations

from typing import Any

from tui.model.fields import Kind


def _format(name: str | None):
    """The check of ``tui.model.formats`` named ``name`` (looked up on first use)."""
    if name is None:
        return None
    from tui.model import formats

    return getattr(formats, name)


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


class Password(Kind):
    """The root password: clear or a crypt hash; a dump writes what the caller's hasher makes of it."""

    def load(self, r, m, key, path, ctx):
        return r.string(m, key, path)

    def dump(self, value, ctx):
        hasher = ctx.get("hash_password")
        return hasher(value) if value and hasher else value

    def schema(self):
        return {"type": "string"}


# Formats the schema can state (the loader's check is stricter and names the problem).
IPV4 = Text("ipv4", (("format", "ipv4"),))
MAC = Text("mac", (("pattern", "^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$"),), normalize="normalize_mac")
