"""Profile → plain data (the YAML a profile is saved as), defaults left out, keys in order.

Derived from the profile's field table (``tui.model.profile``): each field's declaration says
when the dump leaves it out and how its kind writes it. A saved profile never holds the
password in clear: whoever writes a file passes ``hash_password`` (tui.render.password) and
``install.password`` is written as its ``$6$`` hash (which replays: a hash given in a profile
passes through to the config). The model itself draws no random salt: it stays pure."""

from __future__ import annotations

from typing import Callable

from tui.model.fields import dump_section
from tui.model.profile import Profile


def dump_profile(p: Profile, hash_password: Callable[[str], str] | None = None) -> dict:
    """``hash_password``: what a clear password becomes (a file: its ``$6$`` hash); None keeps it
    as it is (an in-memory draft, never a file)."""
    return dump_section(p, {"hash_password": hash_password})
