"""Profile loading: YAML text or plain data → Profile, with every problem at once.

The loader is derived from the profile's field table (``tui.model.profile``, walked by
``tui.model.fields``): unknown keys (with "did you mean"), types, enums, ranges, formats
and required keys are checked field by field. Cross-field rules live in
``tui.model.validate``. A value that fails its check becomes its default and its path is
remembered, so the cross-field rules don't report the same field twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import problems as P
from tui.model.fields import load_section
from tui.model.profile import SECTION_KEYS, Profile
from tui.model.reader import Reader
from tui.model.yamlsafe import load_yaml


@dataclass(frozen=True)
class Loaded:
    profile: Profile | None
    problems: tuple[P.Problem, ...]
    bad_paths: frozenset[str] = frozenset()


def load_text(text: str | bytes, what: str = "profile") -> Loaded:
    data, problems = load_yaml(text, what)
    if problems:
        return Loaded(None, tuple(problems))
    return load_data(data)


def load_data(data) -> Loaded:
    r = Reader()
    keys = SECTION_KEYS["profile"]
    if isinstance(data, dict) and data and not any(k in keys for k in data if isinstance(k, str)):
        # Not a profile at all (a config, /etc/shadow, ...): its keys may be secrets; not one is echoed.
        r.error("", f"this is not a profile: none of its {len(data)} top-level keys is one of {', '.join(keys)}")
        return Loaded(None, tuple(r.problems), frozenset(r.bad))
    if not isinstance(data, dict):
        r.mapping(data, "", keys)
        if not r.problems:
            r.error("", "a profile must be a mapping with at least 'version: 1'")
        return Loaded(None, tuple(r.problems), frozenset(r.bad))
    profile = load_section(r, data, "", Profile, {}, optional=True)
    return Loaded(profile, tuple(r.problems), frozenset(r.bad))
