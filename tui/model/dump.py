"""Profile → plain data (the YAML a profile is saved as), defaults left out, keys in order.

Derived from the profile's field table (``tui.model.profile``): each field's declaration says
when the dump leaves it out and how its kind writes it. A saved profile never holds the
password in clear: ``install.password`` is written as its ``$6$`` hash (which replays: a hash
given in a profile passes through to the config)."""

from __future__ import annotations

from tui.model.fields import dump_section
from tui.model.profile import Profile


def dump_profile(p: Profile, clear_password: bool = False) -> dict:
    """``clear_password``: keep a clear password as it is (an in-memory draft, never a file)."""
    return dump_section(p, {"clear_password": clear_password})
