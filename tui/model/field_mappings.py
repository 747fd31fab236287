"""The profile's mapping field kinds: extra bond options, Harvester settings and config keys
passed through, with the deep freeze that keeps them hashable (see ``tui.model.fields``)."""

from __future__ import annotations

from tui.model.fields import Kind


def _entries(r, m: dict, key: str, path: str, names: str) -> tuple[tuple[object, object, str], ...]:
    """The (name, value, path) entries of the mapping under ``key``; anything but a mapping
    there is an error (no entries)."""
    from tui.model import problems as P
    from tui.model.reader import type_name

    raw = m.get(key)
    here = P.join(path, key)
    if raw is not None and not isinstance(raw, dict):
        r.error(here, f"must be a mapping of {names} to values, not {type_name(raw)}")
        return ()
    return tuple((name, value, P.join(here, str(name))) for name, value in (raw or {}).items())


class BondOptions(Kind):
    """Extra kernel bond options: name -> string or number (stored as sorted pairs of strings)."""

    def load(self, r, m, key, path, ctx):
        from tui.model import formats as F
        from tui.model.reader import type_name

        options = []
        for name, value, kpath in _entries(r, m, key, path, "option names"):
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
        from tui.model.reader import compact_json, type_name

        settings = []
        for name, value, here in _entries(r, m, key, path, "setting names"):
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
