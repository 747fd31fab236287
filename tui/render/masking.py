"""Secrets hidden for the screen: the token and the password in what ``render`` and
``cmdline`` print to a terminal (README: secrets never on screen). Files get them in full."""

from __future__ import annotations

from dataclasses import replace

HIDDEN = "<hidden>"
SECRET_KEYS = frozenset({"token", "password"})


def mask_loaded(loaded):
    """The loaded profile with install.token and install.password replaced by a marker. The
    password marker starts with ``$6$`` so that it passes through the hashing untouched."""
    profile = loaded.profile
    if profile is None or profile.install is None:
        return loaded
    ins = profile.install
    ins = replace(ins, token=HIDDEN if ins.token else ins.token,
                  password=f"$6${HIDDEN}" if ins.password else ins.password)
    return replace(loaded, profile=profile.with_(install=ins))


def mask_data(value):
    """Plain data (parsed kernel arguments, a profile as data) with every token/password value hidden."""
    if isinstance(value, dict):
        return {k: (HIDDEN if k in SECRET_KEYS and v not in (None, "", [], {}) else mask_data(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_data(v) for v in value]
    return value
