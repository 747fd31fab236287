"""Cluster-side rules that can be checked offline: the default VLAN NIC, VM networks,
Harvester settings (network-controller-harvester pkg/webhook; docs/profile.md 'vlan' and 'networks')."""

from __future__ import annotations

import ipaddress
import json

from tui.model import formats as F
from tui.model import harvester_settings as S
from tui.model import problems as P
from tui.model.ifnames import MAX_CN_LEN, bridge_name
from tui.model.profile import NameSelector, Profile
from tui.model.validate_bond import check_bond

MAX_LABEL_VALUE = 63  # a Kubernetes label value


def check_cluster(profile: Profile, bad: frozenset[str]) -> list[P.Problem]:
    return _check_vlan(profile, bad) + _check_networks(profile, bad) + _check_settings(profile)


def _check_vlan(profile: Profile, bad: frozenset[str]) -> list[P.Problem]:
    out: list[P.Problem] = []
    v = profile.vlan
    if v is None:
        return out
    rel = profile.release
    cn = v.cluster_network
    if rel.legacy:
        if cn != "vlan":
            out.append(P.error("vlan.cluster_network",
                               "Harvester v1.0 has a single VLAN cluster network, named 'vlan'"))
    else:
        msg = F.dns_label(cn, max_len=MAX_CN_LEN, what="cluster network name")
        if msg:
            if len(cn) > MAX_CN_LEN:
                msg = (f"'{cn}' is {len(cn)} characters; a cluster network name has at most {MAX_CN_LEN} "
                       f"(its bridge '{bridge_name(cn)}' must fit the 15-character interface name limit)")
            out.append(P.error("vlan.cluster_network", msg))
        elif cn == "mgmt":
            out.append(P.error("vlan.cluster_network",
                               "'mgmt' is the built-in management cluster network; choose another name"))
    host = profile.node.hostname
    if not rel.legacy and host and len(host) > MAX_LABEL_VALUE and "node.hostname" not in bad:
        out.append(P.error("node.hostname", f"'{host[:20]}…' is {len(host)} characters; the VLAN uplink's VlanConfig "
                                            f"selects this node by its kubernetes.io/hostname label, which holds at "
                                            f"most {MAX_LABEL_VALUE}"))
    if not v.interfaces and "vlan.interfaces" not in bad:
        out.append(P.error("vlan.interfaces", "select at least one uplink NIC for the VLAN network"))
    names = [s.name if isinstance(s, NameSelector) else None for s in v.interfaces]
    out += check_bond(v.bond, "vlan.bond", len(v.interfaces), names)
    return out


def _first_with(seen: dict, key, i: int) -> int | None:
    """The index of the earlier network with ``key`` (a name or VLAN ID in a namespace), else
    None; the first with a key is remembered in ``seen``."""
    first = seen.setdefault(key, i)
    return first if first != i else None


def _check_networks(profile: Profile, bad: frozenset[str]) -> list[P.Problem]:
    out: list[P.Problem] = []
    rel = profile.release
    provided = {"mgmt"} if not rel.legacy else set()
    if profile.vlan:
        provided.add(profile.vlan.cluster_network)
    seen_names: dict[tuple[str, str], int] = {}
    seen_vids: dict[tuple[str, int], int] = {}
    for i, net in enumerate(profile.networks):
        path = f"networks[{i}]"
        cn = profile.network_cluster(net)
        first = _first_with(seen_names, (net.namespace, net.name), i) if net.name else None
        if first is not None:
            out.append(P.error(f"{path}.name",
                               f"'{net.name}' is already used in namespace {net.namespace} by networks[{first}]"))
        if cn not in provided:
            if rel.legacy:
                out.append(P.error(f"{path}.cluster_network",
                                   "on Harvester v1.0, VM networks need the 'vlan' section (ClusterNetwork vlan with "
                                   "a default NIC)"))
            else:
                have = ", ".join(sorted(provided))
                out.append(P.error(f"{path}.cluster_network",
                                   f"cluster network '{cn}' is not provided by this profile (available: {have}); add "
                                   "a 'vlan' section for it"))
        if net.vlan_id is None:
            if rel.legacy and f"{path}.vlan_id" not in bad:
                out.append(P.error(f"{path}.vlan_id", "Harvester v1.0 VM networks need a VLAN ID (1–4094)"))
            if net.route is not None:
                out.append(P.error(f"{path}.route",
                                   "an untagged network has no route settings; give a vlan_id or remove route"))
        elif rel.legacy:
            first = _first_with(seen_vids, (net.namespace, net.vlan_id), i)
            if first is not None:
                out.append(P.error(f"{path}.vlan_id",
                                   f"VLAN ID {net.vlan_id} is already allocated in namespace {net.namespace} by "
                                   f"networks[{first}] (v1.0 allows one network per VLAN and namespace)"))
        out += _check_route(net.route, f"{path}.route", bad)
    return out


def _check_route(route, path: str, bad: frozenset[str]) -> list[P.Problem]:
    out: list[P.Problem] = []
    if route is None:
        return out
    if route.mode == "auto":
        for key in ("cidr", "gateway"):
            if getattr(route, key) is not None:
                out.append(P.error(f"{path}.{key}", "only used with route mode manual (auto learns it by DHCP)"))
        return out
    if route.dhcp_server is not None:
        out.append(P.error(f"{path}.dhcp_server", "only used with route mode auto"))
    for key in ("cidr", "gateway"):
        if getattr(route, key) is None and f"{path}.{key}" not in bad:
            out.append(P.error(f"{path}.{key}", "required with route mode manual"))
    if route.cidr and route.gateway:
        net = ipaddress.IPv4Network(route.cidr, strict=False)
        if ipaddress.IPv4Address(route.gateway) not in net:
            out.append(P.error(f"{path}.gateway", f"{route.gateway} is outside {route.cidr}"))
    return out


def _check_settings(profile: Profile) -> list[P.Problem]:
    out: list[P.Problem] = []
    if profile.cluster is None:
        return out
    for name, value in profile.cluster.settings:
        path = f"cluster.settings.{name}"
        msg = S.json_problem(name, value)
        if msg:
            out.append(P.error(path, msg))
            continue
        if not S.known(name):
            out.append(P.warning(path,
                                 f"'{name}' is not a Harvester setting this tool knows; the cluster may reject it"))
        if name == "ntp-servers" and value:
            servers = json.loads(value).get("ntpServers") if value.startswith("{") else None
            if not isinstance(servers, list):
                out.append(P.error(path, 'the value must look like {"ntpServers": ["0.suse.pool.ntp.org"]}'))
            else:
                for j, server in enumerate(servers):
                    msg = F.ntp_server(server) if isinstance(server, str) else "must be a string"
                    if msg:
                        out.append(P.error(f"{path}.ntpServers[{j}]", msg))
                if len(set(map(str, servers))) != len(servers):
                    out.append(P.error(path, "NTP servers must not repeat"))
                creates = profile.install and profile.install.mode == "create"
                if profile.node.ntp and list(profile.node.ntp) != servers and creates:
                    out.append(P.warning(path,
                                         "differs from node.ntp; the installer overwrites ntp-servers with node.ntp "
                                         "at install"))
    return out
