"""Which part of a cluster object is ours, so a re-apply leaves Harvester's writes alone — pure.

Maps merge (labels and annotations the mutators add stay under a merge-patch), but a JSON
document inside a string is replaced whole: a NAD's ``spec.config`` (``nad.Mutator`` sets
``mtu``) and its route annotation (the controller learns ``cidr``/``gateway`` in mode auto and
adds ``connectivity``/``outdated``). Those are compared and written key by key: our keys laid
over theirs. In mode auto we write ``cidr``/``gateway`` empty on create, as the Harvester UI
does, and never claim them afterwards."""

from __future__ import annotations

import json

ROUTE = "network.harvesterhci.io/route"
JSON_STRINGS = (("spec", "config"), ("metadata", "annotations", ROUTE))
LEARNED = ("cidr", "gateway")  # the controller's, in route mode auto
CLEARED = {("spec", "config"): ("vlan",)}  # ours even when we leave them out (a network made untagged)


def _get(obj, path):
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def _doc(text) -> dict | None:
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def owned_keys(path: tuple, doc: dict) -> dict:
    if path[-1] == ROUTE and doc.get("mode", "auto") in ("auto", ""):
        return {k: v for k, v in doc.items() if k not in LEARNED}
    return doc


def body_over(current: dict | None, body: dict) -> dict:
    """``body`` to send over ``current``: each JSON string field of ours laid key by key over
    the stored one, so keys Harvester's components wrote stay as they are."""
    if current is None:
        return body
    out = json.loads(json.dumps(body))
    for path in JSON_STRINGS:
        ours, theirs = _doc(_get(body, path)), _doc(_get(current, path))
        if ours is None or theirs is None:
            continue
        gone = [k for k in CLEARED.get(path, ()) if k not in ours]
        merged = {**{k: v for k, v in theirs.items() if k not in gone}, **owned_keys(path, ours)}
        text = _get(current, path) if merged == theirs else json.dumps(merged, separators=(",", ":"))
        _get(out, path[:-1])[path[-1]] = text
    return out
