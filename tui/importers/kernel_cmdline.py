"""The ``harvester.*`` kernel arguments, read as Harvester's installer reads them.

Two stages, as in the installer (checked input by input against its own code in
tests/test_conformance_cmdline_parser.py):

1. ``ParseCmdLine`` (pkg/util/cmdline.go): arguments are found with the installer's pattern
   (a fully quoted argument, ``key="quoted value"``, or a bare token; separators are Go's
   ``\\s``, i.e. tab, newline, form feed, carriage return and space); dots split the path; a
   bare key means ``"true"``; a repeated key makes a list; a key that meets a section or a
   value on its way is dropped, as rancher/mapper's ``GetValue``/``PutValue`` do;
   ``install.management_interface.interfaces`` values become ``{hwAddr, name}`` objects
   (MACs checked as Go's ``net.ParseMAC`` does, kept as written); ``scheme_version`` becomes
   an unsigned 32-bit integer. The map is the installer's map, value for value.
2. ``ReadConfig``: each known field must have the installer's type (a string, an integer as
   Go's ``strconv.ParseInt`` reads it, a list, a map of strings, a section). Keys the
   installer does not know are kept in the map (the installer ignores them).

We refuse some input earlier than the installer; each refusal says why (and the conformance
test lists them): a field spelled other than in snake_case (the installer converts lists,
integers and interfaces only at the exact snake_case path), a boolean other than
``true``/``false`` (the installer reads ``1`` and ``on`` as false), a single-valued field given
twice (the installer silently keeps one), a bond option or setting given a nested key (the
installer writes Go's ``map[...]`` text as the value), an interface without a name or MAC
(the installer keeps ``{}``, which its own validation refuses later), an empty path segment,
and paths deeper than any installer field.
"""

from __future__ import annotations

import re

from tui.model import problems as P

_NOT_SPACE = r"[^\t\n\f\r ]"  # RE2's \s is [\t\n\f\r ]: no vertical tab, no Unicode spaces
_TOKEN = re.compile(rf'("[^"]+")|({_NOT_SPACE}+=("[^"]+")|({_NOT_SPACE}+))')
# Go's unicode.IsSpace, which strings.TrimSpace uses (Python's str.strip also trims \x1c-\x1f)
_GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
             "\u2028\u2029\u202f\u205f\u3000")
_GO_INT = re.compile(r"[+-]?[0-9]+")
_GO_UINT = re.compile(r"[0-9]+")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
IFACES = ("install", "management_interface", "interfaces")
MAX_ARGS = 4096
MAX_DEPTH = 8  # the deepest installer field (install.harvester.longhorn.default_settings.x) has 5

# The installer's field types at their snake_case paths (HarvesterConfig, harvester-installer HEAD).
STR, INT, BOOL, LIST, MAP, OBJECTS, OPAQUE, UINT, INTERFACES = (
    "a string", "an integer", "true or false", "a list", "a map", "objects", "opaque", "uint", "interfaces")
_NETWORK = {
    "interfaces": INTERFACES, "method": STR, "ip": STR, "subnet_mask": STR, "gateway": STR,
    "default_route": BOOL, "bond_options": MAP, "mtu": INT, "vlan_id": INT,
}
SCHEMA: dict = {
    "scheme_version": UINT, "server_url": STR, "token": STR, "sans": LIST, "system_settings": MAP,
    "runtime_version": STR, "rancher_version": STR, "harvester_chart_version": STR,
    "monitoring_chart_version": STR, "logging_chart_version": STR, "kubeovn_chart_version": STR,
    "os": {
        "ssh_authorized_keys": LIST, "write_files": OBJECTS, "hostname": STR, "modules": LIST,
        "sysctls": MAP, "ntp_servers": LIST, "dns_nameservers": LIST, "password": STR,
        "environment": MAP, "labels": MAP, "sshd": {"sftp": BOOL, "disable_password_auth": BOOL},
        "persistent_state_paths": LIST, "after_install_chroot_commands": LIST,
        "external_storage_config": OPAQUE, "additional_kernel_arguments": STR,
    },
    "install": {
        "automatic": BOOL, "skipchecks": BOOL, "mode": STR, "role": STR, "management_interface": _NETWORK,
        "networks": OPAQUE,  # v1.0's install.networks (read by harvester-netsetup's importer)
        "vip": STR, "vip_mode": STR, "vip_hw_addr": STR, "cluster_pod_cidr": STR,
        "cluster_service_cidr": STR, "cluster_dns": STR, "device": STR, "data_disk": STR,
        "persistent_partition_size": STR, "config_url": STR, "iso_url": STR, "tty": STR,
        "force_efi": BOOL, "force_mbr": BOOL, "force_gpt": BOOL, "no_format": BOOL, "power_off": BOOL,
        "silent": BOOL, "debug": BOOL, "with_net_images": BOOL, "wipe_all_disks": BOOL,
        "wipe_disks_list": LIST, "webhooks": OBJECTS, "addons": OPAQUE, "harvester": OPAQUE,
        "raw_disk_image_path": STR,
    },
    "netsetup": OPAQUE,  # harvester-netsetup's own switches (see tui/commands/boot.py)
}


def parse(cmdline: str, prefix: str = "harvester") -> tuple[dict, list[P.Problem]]:
    """(the installer's map of the ``prefix.*`` arguments, problems)."""
    data: dict = {}
    problems: list[P.Problem] = []
    for n, m in enumerate(_TOKEN.finditer(cmdline)):
        if n >= MAX_ARGS:
            problems.append(P.error("cmdline", f"more than {MAX_ARGS} arguments; not read further"))
            break
        key, sep, value = m.group(0).partition("=")
        value = value.strip('"') if sep else "true"
        keys = key.strip('"').split(".")
        if keys[0] != prefix:
            continue
        keys = keys[1:]
        where = ".".join([prefix, *keys])
        if len(keys) > MAX_DEPTH:
            message = f"{len(keys)} levels deep; no installer field is deeper than {MAX_DEPTH}"
            problems.append(P.error(_short(where), message))
            continue
        if keys and "" in keys:
            problems.append(P.error(_short(where), "empty key segment (the installer ignores this argument)"))
            continue
        existing, found = _get(data, keys)
        if not found:
            _put(data, value, keys)
        elif isinstance(existing, str):
            _put(data, [existing, value], keys)
        elif isinstance(existing, list):
            _put(data, [*existing, value], keys)
    if P.has_errors(problems):
        return data, problems
    problem = _interfaces(data, prefix) or _scheme_version(data, prefix)
    if problem:
        return data, [problem]
    _check(data, SCHEMA, prefix, problems)
    return data, problems


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _get(data: dict, keys: list[str]):
    """rancher/mapper values.GetValue: (value, found)."""
    node = data
    for i, key in enumerate(keys):
        if not isinstance(node, dict):
            return None, False
        if i == len(keys) - 1:
            return (node[key], True) if key in node else (None, False)
        node = node.get(key)
    return None, False


def _put(data: dict, value, keys: list[str]) -> None:
    """rancher/mapper values.PutValue: a step that is not a section drops the value."""
    node = data
    for i, key in enumerate(keys):
        if i == len(keys) - 1:
            node[key] = value
        elif key in node:
            if not isinstance(node[key], dict):
                return
            node = node[key]
        else:
            node[key] = {}
            node = node[key]


def _interfaces(data: dict, prefix: str) -> P.Problem | None:
    value, found = _get(data, list(IFACES))
    if not found:
        return None
    details = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    out = []
    for text in details:
        obj, problem = parse_interface(text)
        if problem:
            return P.error(f"{prefix}.{'.'.join(IFACES)}", problem)
        out.append(obj)
    _put(data, out, list(IFACES))
    return None


def _scheme_version(data: dict, prefix: str) -> P.Problem | None:
    value, found = _get(data, ["scheme_version"])
    if not found:
        return None
    if not isinstance(value, str):
        return P.error(f"{prefix}.scheme_version", "given more than once or as a section; give it once")
    if not _GO_UINT.fullmatch(value) or int(value) >= 2**32:
        return P.error(f"{prefix}.scheme_version", f"{value!r} is not an unsigned 32-bit integer")
    data["scheme_version"] = int(value)
    return None


def go_mac(text: str) -> bool:
    """Go's net.ParseMAC for the colon form of a 48-bit MAC: six groups of two hex digits."""
    groups = text.split(":")
    return len(groups) == 6 and all(_HEX2.fullmatch(g) for g in groups)


def parse_interface(details: str) -> tuple[dict | None, str | None]:
    """The installer's parseIfDetails: ``ens3`` | ``name:ens3`` | ``hwAddr:<mac>`` | ``<mac>``,
    or a comma combination of them (the last of each kind wins); MACs kept as written."""
    if details == "":
        return None, "empty interface details"
    obj: dict = {}
    for field in details.split(","):
        parts = [s.strip(_GO_SPACE) for s in field.split(":")]
        if len(parts) in (6, 7):
            if len(parts) == 7 and parts[0] != "hwAddr":
                return None, f"could not parse interface details {details!r}"
            mac = ":".join(parts[-6:])
            if not go_mac(mac):
                return None, f"could not parse interface details: {mac!r} is not a MAC address"
            obj["hwAddr"] = mac
        elif len(parts) == 2:
            if parts[0] != "name":
                return None, f"could not parse interface details {details!r}"
            obj["name"] = parts[1]
        elif len(parts) == 1:
            obj["name"] = parts[0]
        else:
            return None, f"could not parse interface details {details!r}"
    if not obj.get("name") and not obj.get("hwAddr"):
        # the installer keeps {} here; its own validation refuses it later
        return None, f"interface {details!r} has neither a name nor a MAC"
    return obj, None


def _norm(key: str) -> str:
    k = key.lower().replace("_", "").replace("-", "")
    return k[:-1] if k.endswith("s") else k


def _check(node: dict, schema: dict, path: str, problems: list[P.Problem]) -> None:
    spellings = {_norm(k): k for k in schema}
    for key, value in node.items():
        where = f"{path}.{key}"
        kind = schema.get(key)
        if kind is None:
            if _norm(key) in spellings:
                problems.append(P.error(where, f"spell it '{spellings[_norm(key)]}': the installer converts kernel "
                                               "arguments only at the snake_case path"))
            continue  # a key the installer does not know: it ignores it
        message = _type_problem(kind, value)
        if message:
            problems.append(P.error(where, message))
        elif isinstance(kind, dict):
            _check(value, kind, where, problems)


def _type_problem(kind, value) -> str | None:
    if isinstance(kind, dict):
        return None if isinstance(value, dict) else "is a section: give its fields (harvester.<path>.<field>=...)"
    if kind in (OPAQUE, UINT, INTERFACES):
        return None
    if kind == OBJECTS:
        return "is a list of objects, which kernel arguments cannot spell; use a config URL"
    if kind == MAP:
        if not isinstance(value, dict):
            return "is a map: give harvester.<path>.<key>=<value>"
        for k, v in value.items():
            if isinstance(v, dict):
                return f"'{k}' takes a value, not nested keys (the installer would write Go's map text)"
            if isinstance(v, list):
                return f"'{k}' is given more than once"
        return None
    if isinstance(value, dict):
        return f"takes {kind}, not a section"
    if kind == LIST:
        return None
    if isinstance(value, list):
        return "is given more than once; it takes one value"
    if kind == INT and not (_GO_INT.fullmatch(value) and -2**63 <= int(value) < 2**63):
        return f"{value!r} is not an integer"
    if kind == BOOL and value not in ("true", "false"):
        return f"{value!r} is not true or false (the installer reads other spellings, even 1 or on, as false)"
    return None
