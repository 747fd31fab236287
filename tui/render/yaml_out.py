"""Deterministic YAML: the key order we build, block style, no aliases, stable quoting."""

from __future__ import annotations

import yaml


# libyaml's emitter when present (10x faster for fleets), else the pure-Python one.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):
    def ignore_aliases(self, data):  # never emit &anchors / *aliases
        return True

    def resolve(self, kind, value, implicit, _cache={}):  # noqa: B006 - a fleet repeats the same scalars
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _cache.get(key)
        if tag is None:
            tag = _cache[key] = super().resolve(kind, value, implicit)
            if len(_cache) > 100_000:
                _cache.clear()
        return tag


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data, header: str | None = None) -> str:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1000)
    return (f"# {header}\n" if header else "") + text
