"""Plain nested mappings addressed by a dotted path (``install.token``) — pure."""

from __future__ import annotations

ABSENT = object()  # ``lookup``'s default when the caller must tell "absent" from a None value


def lookup(data, path: str, default=None):
    """The value at the dotted ``path`` of nested mappings; ``default`` when a key on the way
    is absent or a value on the way is not a mapping."""
    node = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node
