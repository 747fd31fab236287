"""Any Harvester config → profile data.

Harvester reads keys fuzzily (pkg/config/rename.go): snake_case, camelCase, the squashed
lower-case keys of /oem/harvester.config, and singular forms all work. We canonicalise the
keys we model the same way; everything else is kept verbatim in ``install.extra`` so that
import → render gives back every key of the original.
"""

from __future__ import annotations

import re

from tui.importers.kernel_cmdline import parse_interface
from tui.model import formats as F
from tui.model import problems as P
from tui.model.releases import DEFAULT_RELEASE

TOP = ("scheme_version", "server_url", "token", "os", "install", "system_settings", "cluster_networks")
OS = ("hostname", "password", "ssh_authorized_keys", "dns_nameservers", "ntp_servers")
INSTALL = ("mode", "role", "management_interface", "networks", "vip", "vip_mode", "vip_hw_addr", "device", "iso_url",
           "skipchecks")
NETWORK = ("interfaces", "method", "ip", "subnet_mask", "gateway", "default_route", "bond_options", "mtu", "vlan_id")
IFACE = ("name", "hw_addr")


def norm(key: str) -> str:
    k = str(key).lower().replace("_", "").replace("-", "")
    return k[:-1] if k.endswith("s") else k


def canon(mapping, known: tuple[str, ...]) -> tuple[dict, dict]:
    """Split a mapping into (known keys under canonical names, the rest verbatim)."""
    by_norm = {norm(k): k for k in known}
    ours, rest = {}, {}
    if not isinstance(mapping, dict):
        return ours, rest
    for key, value in mapping.items():
        name = by_norm.get(norm(key))
        if name is not None and name not in ours:
            ours[name] = value
        elif not _empty(value):
            rest[key] = value
    return ours, rest


def _empty(value) -> bool:
    """Nothing set; the installer's own output has sections of empty sections (``harvester:
    {storageClass: {}}``), which are nothing too."""
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return value is None or value == "" or value == []


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


_GO_INT = re.compile(r"[+-]?[0-9]{1,18}")  # ASCII only: int("²") raises, int("١") is 1


def _as_int(value):
    if isinstance(value, str) and _GO_INT.fullmatch(value.strip()):
        return int(value)
    return value


def _as_bool(value):
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _interfaces(items, path: str, problems: list) -> list[dict]:
    out = []
    for i, item in enumerate(_as_list(items)):
        if isinstance(item, str):  # kernel arguments of v1.0: install.networks.harvester-mgmt.interfaces=name:ens5
            item, problem = parse_interface(item)
            if problem:
                problems.append(P.error(f"{path}[{i}]", problem))
                continue
        ours, _ = canon(item, IFACE)
        sel = {}
        if ours.get("name"):
            sel["name"] = ours["name"]
        if ours.get("hw_addr"):
            sel["mac"] = str(ours["hw_addr"])
        if not sel:
            problems.append(P.error(f"{path}[{i}]", "an interface needs a name or hwAddr"))
            continue
        out.append(sel)
    return out


def _bond(options) -> dict:
    if not isinstance(options, dict) or not options:
        return {}
    out = {}
    extra = {}
    for key, value in options.items():
        if key == "mode":
            out["mode"] = str(value)
        elif key == "miimon":
            out["miimon"] = _as_int(value)
        else:
            extra[str(key)] = str(value) if not isinstance(value, bool) else str(value).lower()
    if extra:
        out["options"] = extra
    return out


def _network(net: dict, path: str, problems: list) -> dict:
    ours, _ = canon(net, NETWORK)
    nics = _interfaces(ours.get("interfaces"), f"{path}.interfaces", problems)
    out: dict = {"interfaces": nics} if nics else {}  # never a placeholder 'interfaces: []'
    bond = _bond(ours.get("bond_options"))
    if bond:
        out["bond"] = bond
    for key in ("vlan_id", "mtu"):
        value = _as_int(ours.get(key))
        if value not in (None, 0, ""):
            out[key] = value
    method = str(ours.get("method") or "").lower()
    ipv4: dict = {"method": method or "dhcp"}
    if method == "static":
        ip, mask = ours.get("ip"), ours.get("subnet_mask")
        if ip:
            prefix = F.netmask_prefix(str(mask)) if mask else None
            if mask and prefix is None:
                problems.append(P.error(f"{path}.subnet_mask", f"'{mask}' is not a contiguous IPv4 netmask"))
            ipv4["address"] = f"{ip}/{prefix}" if prefix is not None else str(ip)
        if ours.get("gateway"):
            ipv4["gateway"] = str(ours["gateway"])
    out["ipv4"] = ipv4
    return out


def import_config(data, release: str | None = None) -> tuple[dict | None, list[P.Problem]]:
    problems: list[P.Problem] = []
    if not isinstance(data, dict):
        return None, [P.error("", "a Harvester config is a mapping of keys to values")]
    if "version" in data and {"harvester", "node", "management"} & set(data):
        return None, [P.error("config", "this is a harvester-netsetup profile (version, harvester, management), "
                                        "not a Harvester config; use it as it is (validate, render)")]
    top, top_rest = canon(data, TOP)
    os_, os_rest = canon(top.get("os"), OS)
    ins, ins_rest = canon(top.get("install"), INSTALL)
    legacy = ins.get("networks") is not None
    profile: dict = {"version": 1, "harvester": release or ("v1.0" if legacy else DEFAULT_RELEASE)}
    node = {}
    if os_.get("hostname"):
        node["hostname"] = str(os_["hostname"])
    for src, dst in (("dns_nameservers", "dns"), ("ntp_servers", "ntp")):
        values = [str(v) for v in _as_list(os_.get(src))]
        if values:
            node[dst] = values
    if node:
        profile["node"] = node
    vlan_nics = None
    if legacy:
        nets = ins["networks"] if isinstance(ins["networks"], dict) else {}
        mgmt = nets.get("harvester-mgmt")
        if mgmt is not None:
            profile["management"] = _network(mgmt, "install.networks.harvester-mgmt", problems)
        uplink = nets.get("harvester-vlan")
        if isinstance(uplink, dict):
            u = _network(uplink, "install.networks.harvester-vlan", problems)
            vlan_nics = {"cluster_network": "vlan", "interfaces": u.get("interfaces", [])}
            for key in ("bond", "mtu"):
                if key in u:
                    vlan_nics[key] = u[key]
    elif ins.get("management_interface") is not None:
        profile["management"] = _network(ins["management_interface"], "install.management_interface", problems)
    cn, cn_rest = canon(top.get("cluster_networks"), ("vlan",))
    default_nic = ((cn.get("vlan") or {}).get("config") or {}).get("defaultPhysicalNIC") if isinstance(cn.get("vlan"),
                                                                                                       dict) else None
    if vlan_nics is None and default_nic and default_nic != "harvester-vlan":
        vlan_nics = {"cluster_network": "vlan", "interfaces": [{"name": str(default_nic)}]}
    if vlan_nics:
        profile["vlan"] = vlan_nics
    install: dict = {}
    for key in ("mode", "role", "vip", "vip_mode", "vip_hw_addr", "device", "iso_url"):
        if ins.get(key) not in (None, ""):
            install[key] = str(ins[key]).lower() if key in ("mode", "vip_mode") else str(ins[key])
    if ins.get("skipchecks") is not None:
        install["skipchecks"] = _as_bool(ins["skipchecks"])
    for key in ("token", "server_url"):
        if top.get(key):
            install[key] = str(top[key])
    if os_.get("password"):
        install["password"] = str(os_["password"])
    keys = [str(k) for k in _as_list(os_.get("ssh_authorized_keys"))]
    if keys:
        install["ssh_authorized_keys"] = keys
    extra = dict(top_rest)
    if os_rest:
        extra["os"] = os_rest
    if ins_rest:
        extra["install"] = ins_rest
    if cn_rest:
        extra["cluster_networks"] = cn_rest
    if extra:
        install["extra"] = extra
    if install:
        profile["install"] = install
    settings = top.get("system_settings")
    if isinstance(settings, dict) and settings:
        profile["cluster"] = {"settings": {str(k): str(v) for k, v in settings.items()}}
    return profile, problems
