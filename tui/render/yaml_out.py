"""Deterministic YAML: the key order we build, block style, no aliases, stable quoting.

Our documents are mappings of dicts, lists, strings, integers, booleans and None. Their
block layout is written here; how each string is spelt (plain, quoted, escaped) is PyYAML's
(libyaml's) answer, asked once per distinct string and reused, which makes a 1000-node fleet
~5x faster than emitting every node through PyYAML. Anything else (multi-line or very long
strings, other types) goes through PyYAML whole; a test keeps both byte-identical.
"""

from __future__ import annotations

import yaml

# libyaml's emitter when present (10x faster for fleets), else the pure-Python one.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_OPTIONS = dict(sort_keys=False, default_flow_style=False, allow_unicode=True, width=1000)


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


class _Unsupported(Exception):
    pass


def _generic(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, **_OPTIONS)


# The one-line form libyaml gives each string, as a value (or sequence item) and as a mapping
# key; learnt in one libyaml call per document (per fleet with dump_many), then reused.
_VALUE_FORMS: dict[str, str] = {}
_KEY_FORMS: dict[str, str] = {}
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")
_LONGEST = 200  # far below the line width, so libyaml never folds a learnt form


def _one_line(text: str) -> bool:
    return len(text) <= _LONGEST and _LINE_BREAKS.isdisjoint(text)


def _strings(value, keys: set, values: set) -> None:
    kind = type(value)
    if kind is dict:
        for k, v in value.items():
            if type(k) is not str:
                raise _Unsupported(type(k))
            keys.add(k)
            _strings(v, keys, values)
    elif kind is list:
        for v in value:
            _strings(v, keys, values)
    elif kind is str:
        values.add(value)
    elif kind not in (int, bool) and value is not None:
        raise _Unsupported(kind)


def _learn(keys: set, values: set) -> None:
    if len(_VALUE_FORMS) > 100_000:  # bounded memory for a long-lived process
        _VALUE_FORMS.clear()
    new_values = [v for v in values if v not in _VALUE_FORMS]
    new_keys = [k for k in keys if k not in _KEY_FORMS]
    if not all(map(_one_line, new_values)) or not all(map(_one_line, new_keys)):
        raise _Unsupported(str)
    if new_values:
        lines = _generic(new_values).splitlines()
        if len(lines) != len(new_values) or not all(line.startswith("- ") for line in lines):
            raise _Unsupported(str)
        _VALUE_FORMS.update(zip(new_values, (line[2:] for line in lines)))
    if new_keys:
        lines = _generic(dict.fromkeys(new_keys)).splitlines()
        if len(lines) != len(new_keys) or not all(line.endswith(": null") for line in lines):
            raise _Unsupported(str)
        _KEY_FORMS.update(zip(new_keys, (line[:-6] for line in lines)))


def _scalar(value) -> str:
    kind = type(value)
    if kind is str:
        return _VALUE_FORMS[value]
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    return "null"


def _mapping(data: dict, indent: int, lead: str, out: list) -> None:
    pad = " " * indent
    for k, v in data.items():
        key = _KEY_FORMS[k]
        if v and type(v) is dict:
            out.append(f"{lead}{key}:\n")
            _mapping(v, indent + 2, " " * (indent + 2), out)
        elif v and type(v) is list:
            out.append(f"{lead}{key}:\n")
            _sequence(v, indent, pad, out)  # PyYAML's sequences in mappings are not indented
        else:
            out.append(f"{lead}{key}: {_empty(v) or _scalar(v)}\n")
        lead = pad


def _sequence(data: list, indent: int, lead: str, out: list) -> None:
    pad = " " * indent
    for v in data:
        if v and type(v) is dict:
            _mapping(v, indent + 2, lead + "- ", out)
        elif v and type(v) is list:
            _sequence(v, indent + 2, lead + "- ", out)
        else:
            out.append(f"{lead}- {_empty(v) or _scalar(v)}\n")
        lead = pad


def _empty(value) -> str | None:
    if type(value) is dict and not value:
        return "{}"
    if type(value) is list and not value:
        return "[]"
    return None


def _learn_all(docs) -> None:
    keys: set = set()
    values: set = set()
    for data in docs:
        _strings(data, keys, values)
    _learn(keys, values)


def _emit(data: dict) -> str:
    out: list[str] = []
    _mapping(data, 0, "", out)
    return "".join(out)


def _block(data: dict) -> str:
    _learn_all([data])
    return _emit(data)


def _with_header(text: str, header: str | None) -> str:
    return (f"# {header}\n" if header else "") + text


def dump(data, header: str | None = None) -> str:
    """``data`` as block YAML, byte-identical to PyYAML's safe_dump with our options."""
    text = None
    if type(data) is dict and data:
        try:
            text = _block(data)
        except (_Unsupported, RecursionError):
            text = None
    return _with_header(_generic(data) if text is None else text, header)


def dump_many(docs: list, headers: list[str | None]) -> list[str]:
    """dump() of each document; the strings of all are spelt by PyYAML in one call (a fleet)."""
    if all(type(d) is dict and d for d in docs):
        try:
            _learn_all(docs)
        except (_Unsupported, RecursionError):
            pass
        else:
            return [_with_header(_emit(d), h) for d, h in zip(docs, headers)]
    return [dump(d, h) for d, h in zip(docs, headers)]
