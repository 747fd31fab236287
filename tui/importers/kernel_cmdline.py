"""The ``harvester.*`` kernel arguments as Harvester reads them (pkg/util/cmdline.go).

Semantics: arguments are found with Harvester's own pattern (a fully quoted argument, or
``key="quoted value"``, or a bare token); dots split the path; a bare key means "true";
values stay strings except ``scheme_version`` (an integer); a repeated key becomes a
list; ``install.management_interface.interfaces`` values become objects.
"""

from __future__ import annotations

import re

from tui.model import formats as F
from tui.model import problems as P

_TOKEN = re.compile(r'("[^"]+")|([^\s]+=("[^"]+")|([^\s]+))')
IFACES = ("install", "management_interface", "interfaces")
LEGACY_IFACES = ("install", "networks", "harvester-mgmt", "interfaces")  # v1.0
MAX_ARGS = 4096


def parse(cmdline: str, prefix: str = "harvester") -> tuple[dict, list[P.Problem]]:
    data: dict = {}
    problems: list[P.Problem] = []
    iface_args: dict[tuple, list[tuple[str, str]]] = {IFACES: [], LEGACY_IFACES: []}
    for n, m in enumerate(_TOKEN.finditer(cmdline)):
        if n >= MAX_ARGS:
            problems.append(P.error("cmdline", f"more than {MAX_ARGS} arguments; not read further"))
            break
        item = m.group(0)
        key, sep, value = item.partition("=")
        value = value.strip('"') if sep else "true"
        keys = key.strip('"').split(".")
        if keys[0] != prefix:
            continue
        keys = keys[1:]
        arg = item if len(item) <= 80 else item[:77] + "..."
        if not keys or any(k == "" for k in keys):
            problems.append(P.error(arg, "malformed argument: empty key segment"))
            continue
        if tuple(keys) in iface_args:
            iface_args[tuple(keys)].append((arg, value))
            continue
        problem = _put(data, keys, value)
        if problem:
            problems.append(P.error(arg, problem))
    for path, args in iface_args.items():
        if not args:
            continue
        objs = []
        for arg, value in args:
            obj, problem = parse_interface(value)
            if problem:
                problems.append(P.error(arg, problem))
            else:
                objs.append(obj)
        problem = _put(data, list(path), objs, replace=True)
        if problem:
            problems.append(P.error(args[0][0], problem))
    if "scheme_version" in data:
        sv = data["scheme_version"]
        if isinstance(sv, str) and sv.isdigit() and int(sv) < 2**32:
            data["scheme_version"] = int(sv)
        else:
            problems.append(P.error("harvester.scheme_version", f"{sv!r} is not an unsigned integer"))
    return data, problems


def _put(data: dict, keys: list[str], value, replace: bool = False) -> str | None:
    node = data
    for i, key in enumerate(keys[:-1]):
        nxt = node.get(key)
        if nxt is None:
            nxt = node[key] = {}
        elif not isinstance(nxt, dict):
            return f"'{'.'.join(keys[: i + 1])}' is given a value and also used as a section"
        node = nxt
    last = keys[-1]
    existing = node.get(last)
    if existing is None or replace:
        node[last] = value
    elif isinstance(existing, dict):
        return f"'{'.'.join(keys)}' is a section and cannot take a value"
    elif isinstance(existing, list):
        existing.append(value)
    else:
        node[last] = [existing, value]
    return None


def parse_interface(value: str) -> tuple[dict | None, str | None]:
    """``ens3`` | ``name:ens3`` | ``hwAddr:<mac>`` | ``<mac>`` | comma combinations."""
    if not value.strip():
        return None, "empty interface value"
    obj: dict = {}
    for part in value.split(","):
        part = part.strip()
        if not part:
            return None, f"empty element in interface value '{value}'"
        head, colon, rest = part.partition(":")
        head = head.strip()
        if colon and head in ("hwAddr", "name"):
            rest = rest.strip()
            if not rest:
                return None, f"'{head}:' has no value"
            if head == "hwAddr":
                mac = F.normalize_mac(rest)
                if not mac:
                    return None, f"'{rest}' is not a MAC address"
                obj["hwAddr"] = mac
            else:
                if F.ifname(rest):
                    return None, F.ifname(rest)
                obj["name"] = rest
        elif part.count(":") == 5:
            mac = F.normalize_mac(part)
            if not mac:
                return None, f"'{part}' is not a MAC address"
            obj["hwAddr"] = mac
        elif not colon:
            if F.ifname(part):
                return None, F.ifname(part)
            obj["name"] = part
        else:
            return None, f"cannot read interface '{part}': use a name, a MAC, name:<nic> or hwAddr:<mac>"
    return obj, None
