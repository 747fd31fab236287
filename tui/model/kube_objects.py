"""Kubernetes objects as the tool handles them — pure and shared by the renderer, the checks,
the apply and the simulated API server: the object with where it lives, RFC 7386 merge-patch,
and Harvester's generated names (``utils.Name`` of the network controller)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

MAX_NAME = 253  # an object name is a DNS-1123 subdomain


@dataclass(frozen=True)
class Obj:
    group: str
    version: str
    plural: str
    kind: str
    name: str
    namespace: str | None
    body: dict  # the whole object as sent (apiVersion, kind, metadata, fields)

    @property
    def ref(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.plural}/{where}{self.name}"


def merge_patch(target, patch):
    """RFC 7386 JSON merge-patch: what the API server does with application/merge-patch+json."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def _crc(text: str) -> str:
    return f"{zlib.crc32(text.encode()) & 0xffffffff:08x}"


def vlanstatus_name(cn: str, node: str) -> str:
    """The VlanStatus the node agent writes for a cluster network on a node:
    ``utils.Name("", cn, node)`` — the joined name cut to 54 characters, then its CRC-32."""
    s = f"{cn}-{node}"
    return f"{s[:54]}-{_crc(s)}"


def bounded_name(*parts: str, limit: int = MAX_NAME) -> str:
    """``parts`` joined with '-', kept as is when it fits ``limit``; otherwise cut and ended
    with the CRC-32 of the whole, so it stays unique, stable and a valid DNS-1123 subdomain."""
    name = "-".join(parts)
    if len(name) <= limit:
        return name
    head = name[:limit - 9].rstrip(".-")
    return f"{head}-{_crc(name)}"
