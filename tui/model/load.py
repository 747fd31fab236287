"""Profile loading: YAML text or plain data → Profile, with every problem at once.

Field-level checks (types, enums, ranges, formats) happen here; cross-field rules live in
``tui.model.validate``. A value that fails its check becomes None and its path is
remembered, so the cross-field rules don't report the same field twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import formats as F
from tui.model import problems as P
from tui.model.bond import BOND_MODES
from tui.model.profile import (
    SECTION_KEYS, Bond, Cluster, Install, IPv4, MacSelector, Management, Match, MatchSelector,
    NameSelector, Network, Node, Profile, Route, VlanUplink, freeze,
    VLAN_SCOPES,
)
from tui.model.reader import Reader, compact_json, type_name
from tui.model.releases import DEFAULT_RELEASE, parse_release
from tui.model.yamlsafe import load_yaml

INSTALL_MODES = ("create", "join", "install")
VIP_MODES = ("static", "dhcp")
ROLES = ("default", "management", "worker", "witness")


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
    if isinstance(data, dict) and data and not any(k in SECTION_KEYS["profile"] for k in data if isinstance(k, str)):
        # Not a profile at all (a config, /etc/shadow, ...): its keys may be secrets; not one is echoed.
        r.error("", f"this is not a profile: none of its {len(data)} top-level keys is one of "
                    f"{', '.join(SECTION_KEYS['profile'])}")
        return Loaded(None, tuple(r.problems), frozenset(r.bad))
    top = r.mapping(data, "", SECTION_KEYS["profile"])
    if top is None:
        if not r.problems:
            r.error("", "a profile must be a mapping with at least 'version: 1'")
        return Loaded(None, tuple(r.problems), frozenset(r.bad))
    profile = _profile(r, top)
    return Loaded(profile, tuple(r.problems), frozenset(r.bad))


def _profile(r: Reader, top: dict) -> Profile:
    version = top.get("version")
    if version is None:
        r.error("version", "required: this page describes 'version: 1'")
    elif version != 1 or isinstance(version, bool):
        r.error("version", f"unsupported profile version {version!r}; this tool reads version 1")
    harvester = r.string(top, "harvester", "")
    if harvester is not None and parse_release(harvester) is None:
        r.error("harvester", f"'{harvester}' is not a supported release; use v1.0 … v1.9")
        harvester = None
    release = parse_release(harvester or DEFAULT_RELEASE)
    default_mode = release.default_bond_mode
    return Profile(
        version=1,
        harvester=harvester or DEFAULT_RELEASE,
        node=_node(r, top.get("node")),
        management=_management(r, top.get("management"), default_mode),
        vlan=_vlan(r, top.get("vlan"), default_mode),
        networks=_networks(r, top),
        install=_install(r, top.get("install")),
        cluster=_cluster(r, top.get("cluster")),
    )


def _node(r: Reader, data) -> Node:
    m = r.mapping(data, "node", SECTION_KEYS["node"]) or {}
    return Node(
        hostname=r.string(m, "hostname", "node", F.hostname),
        dns=r.strings(m, "dns", "node", F.ipv4),
        ntp=r.strings(m, "ntp", "node", F.ntp_server),
    )


def selectors(r: Reader, items: list | None, path: str) -> tuple:
    out = []
    for i, item in enumerate(items or ()):
        here = P.join(path, i)
        if isinstance(item, str):
            r.error(here, f"write a selector as a mapping: {{name: {item}}} or {{mac: …}} or {{match: {{…}}}}")
            continue
        m = r.mapping(item, here, ("name", "mac", "match"))
        if m is None:
            continue
        if len(m) != 1 and set(m) != {"name", "mac"}:
            if m:
                r.error(here, "give one of name, mac or match (name and mac may go together)")
            elif isinstance(item, dict) and not item:
                r.error(here, "empty selector: give name, mac or match")
            continue
        if "name" in m:
            name = r.string(m, "name", here, F.ifname)
            mac = r.string(m, "mac", here, F.mac)
            if name is not None:
                out.append(NameSelector(name, F.normalize_mac(mac) if mac else None))
        elif "mac" in m:
            mac = r.string(m, "mac", here, F.mac)
            if mac is not None:
                out.append(MacSelector(F.normalize_mac(mac)))
        else:
            mm = r.mapping(m["match"], P.join(here, "match"), SECTION_KEYS["match"])
            if mm is None:
                continue
            mp = P.join(here, "match")
            out.append(
                MatchSelector(
                    Match(
                        driver=r.string(mm, "driver", mp),
                        min_speed=r.integer(mm, "min_speed", mp, 1, 10_000_000, " Mb/s"),
                        pci=r.string(mm, "pci", mp),
                        vendor=r.string(mm, "vendor", mp),
                        name=r.string(mm, "name", mp),
                    )
                )
            )
    return tuple(out)


def _bond(r: Reader, data, path: str, default_mode: str) -> Bond:
    m = r.mapping(data, path, SECTION_KEYS["bond"]) or {}
    mode = r.choice(m, "mode", path, BOND_MODES) or default_mode
    miimon = r.integer(m, "miimon", path, 0, 100_000, " ms")
    options = []
    opts = m.get("options")
    opath = P.join(path, "options")
    if opts is not None and not isinstance(opts, dict):
        r.error(opath, f"must be a mapping of option names to values, not {type_name(opts)}")
    elif opts:
        for key, value in opts.items():
            kpath = P.join(opath, str(key))
            if not isinstance(key, str) or F.bond_option_key(key):
                r.error(kpath, f"'{key}' is not a bond option name")
                continue
            if key in ("mode", "miimon"):
                r.error(kpath, f"set {key} as {path}.{key}, not among the extra options")
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                r.error(kpath, f"must be a string or number, not {type_name(value)}")
                continue
            text = str(value)
            msg = F.bond_option_value(text)
            if msg:
                r.error(kpath, msg)
                continue
            options.append((key, text))
    return Bond(mode=mode, miimon=100 if miimon is None else miimon, options=tuple(sorted(options)))


def _mtu(r: Reader, m: dict, path: str) -> int:
    value = m.get("mtu")
    if isinstance(value, int) and not isinstance(value, bool) and (value == 0 or 576 <= value <= 9000):
        return value
    if value is not None:
        if isinstance(value, int) and not isinstance(value, bool):
            r.error(P.join(path, "mtu"), f"{value if abs(value) < 10**9 else 'a huge number'} is not a valid MTU: 0 (default) or 576–9000")
        else:
            r.error(P.join(path, "mtu"), f"must be a whole number, not {type_name(value)}")
    return 0


def _management(r: Reader, data, default_mode: str) -> Management | None:
    m = r.mapping(data, "management", SECTION_KEYS["management"])
    if m is None:
        return None
    interfaces = r.sequence(m, "interfaces", "management")
    ipv4 = r.mapping(m.get("ipv4"), "management.ipv4", SECTION_KEYS["ipv4"]) or {}
    return Management(
        interfaces=selectors(r, interfaces, "management.interfaces"),
        bond=_bond(r, m.get("bond"), "management.bond", default_mode),
        vlan_id=r.integer(m, "vlan_id", "management", 0, 4094, " (0 or 1 = untagged, 2–4094 = tagged)") or 0,
        mtu=_mtu(r, m, "management"),
        ipv4=IPv4(
            method=r.choice(ipv4, "method", "management.ipv4", ("dhcp", "static")) or "dhcp",
            address=r.string(ipv4, "address", "management.ipv4", F.host_cidr),
            gateway=r.string(ipv4, "gateway", "management.ipv4", F.ipv4),
        ),
    )


def _vlan(r: Reader, data, default_mode: str) -> VlanUplink | None:
    m = r.mapping(data, "vlan", SECTION_KEYS["vlan"])
    if m is None:
        return None
    cn = r.string(m, "cluster_network", "vlan")
    return VlanUplink(
        cluster_network=cn if cn is not None else "vlan",
        interfaces=selectors(r, r.sequence(m, "interfaces", "vlan"), "vlan.interfaces"),
        bond=_bond(r, m.get("bond"), "vlan.bond", default_mode),
        mtu=_mtu(r, m, "vlan"),
        scope=r.choice(m, "scope", "vlan", VLAN_SCOPES) or "node",  # issue 15: cluster scope
    )


def _networks(r: Reader, top: dict) -> tuple[Network, ...]:
    items = r.sequence(top, "networks", "")
    out = []
    for i, item in enumerate(items or ()):
        path = P.join("networks", i)
        m = r.mapping(item, path, SECTION_KEYS["network"])
        if m is None:
            continue
        name = r.string(m, "name", path, lambda s: F.dns_label(s, what="network name"))
        if "name" not in m:
            r.error(P.join(path, "name"), "required: the VM network's name")
        route = None
        if m.get("route") is not None:
            rp = P.join(path, "route")
            rm = r.mapping(m["route"], rp, SECTION_KEYS["route"]) or {}
            route = Route(
                mode=r.choice(rm, "mode", rp, ("auto", "manual")) or "auto",
                dhcp_server=r.string(rm, "dhcp_server", rp, F.ipv4),
                cidr=r.string(rm, "cidr", rp, F.network_cidr),
                gateway=r.string(rm, "gateway", rp, F.ipv4),
            )
        out.append(
            Network(
                name=name or "",
                namespace=r.string(m, "namespace", path, lambda s: F.dns_label(s, what="namespace")) or "default",
                cluster_network=r.string(m, "cluster_network", path),
                vlan_id=r.integer(m, "vlan_id", path, 1, 4094, " (omit it for an untagged network)"),
                route=route,
            )
        )
    return tuple(out)


def _install(r: Reader, data) -> Install | None:
    m = r.mapping(data, "install", SECTION_KEYS["install"])
    if m is None:
        return None
    p = "install"
    extra = m.get("extra")
    if extra is not None and not isinstance(extra, dict):
        r.error("install.extra", f"must be a mapping of Harvester config keys, not {type_name(extra)}")
        extra = None
    vip_hw = r.string(m, "vip_hw_addr", p, F.mac)
    mode = r.choice(m, "mode", p, INSTALL_MODES)
    if "mode" not in m:
        r.error("install.mode", "required: create, join or install")
    return Install(
        mode=mode or "create",
        server_url=r.string(m, "server_url", p, F.server_url),
        token=r.string(m, "token", p, F.token),
        vip=r.string(m, "vip", p, F.ipv4),
        vip_mode=r.choice(m, "vip_mode", p, VIP_MODES),
        vip_hw_addr=F.normalize_mac(vip_hw) if vip_hw else None,
        role=r.choice(m, "role", p, ROLES),
        device=r.string(m, "device", p, F.device),
        iso_url=r.string(m, "iso_url", p, F.url),
        password=r.string(m, "password", p),
        ssh_authorized_keys=r.strings(m, "ssh_authorized_keys", p, F.ssh_key),
        skipchecks=r.boolean(m, "skipchecks", p),
        extra=freeze(extra or {}),
    )


def _cluster(r: Reader, data) -> Cluster | None:
    m = r.mapping(data, "cluster", SECTION_KEYS["cluster"])
    if m is None:
        return None
    settings = []
    raw = m.get("settings")
    if raw is not None and not isinstance(raw, dict):
        r.error("cluster.settings", f"must be a mapping of setting names to values, not {type_name(raw)}")
    elif raw:
        for name, value in raw.items():
            here = P.join("cluster.settings", str(name))
            if not isinstance(name, str) or F.dns_label(name, max_len=253, what="setting name"):
                r.error(here, f"'{name}' is not a Harvester setting name")
                continue
            if isinstance(value, str):
                settings.append((name, value))
            elif isinstance(value, (dict, list)):
                settings.append((name, compact_json(value)))
            else:
                r.error(here, f"must be a string or a mapping (serialised to JSON), not {type_name(value)}")
    return Cluster(kubeconfig=r.string(m, "kubeconfig", "cluster"), settings=tuple(settings))
