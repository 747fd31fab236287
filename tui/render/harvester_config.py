"""Profile → Harvester config (the YAML the installer reads), for the target release.

v1.1+: ``scheme_version: 1`` + ``install.management_interface``.
v1.0:  ``install.networks`` (``harvester-mgmt``, ``harvester-vlan``) + ``cluster_networks``.
``install.extra`` is deep-merged last, verbatim.
"""

from __future__ import annotations

from tui.model import formats as F

from tui.model import harvester_settings as S
from tui.model.field_mappings import thaw
from tui.model.profile import Bond, Profile
from tui.model.selectors import ResolvedNic
from tui.render.password import hash_password


def render_config(profile: Profile, management: tuple[ResolvedNic, ...], vlan: tuple[ResolvedNic, ...]) -> dict:
    legacy = profile.release.legacy
    cfg: dict = {}
    if not legacy:
        cfg["scheme_version"] = 1
    ins = profile.install
    if ins and ins.mode == "join" and ins.server_url:
        from tui.model.formats import normalize_server_url

        cfg["server_url"] = normalize_server_url(ins.server_url)
    if ins and ins.token:
        cfg["token"] = ins.token
    os_ = _os_section(profile)
    if os_:
        cfg["os"] = os_
    install = _install_section(profile, management, vlan)
    if install:
        cfg["install"] = install
    settings = _system_settings(profile)
    if settings:
        cfg["system_settings"] = settings
    if legacy and profile.vlan and vlan:
        cfg["cluster_networks"] = {
            "vlan": {"enable": True, "config": {"defaultPhysicalNIC": "harvester-vlan"}}
        }
    if ins and ins.extra:
        deep_merge(cfg, thaw(ins.extra))
    return cfg


def _os_section(profile: Profile) -> dict:
    node, ins = profile.node, profile.install
    out: dict = {}
    if node.hostname:
        out["hostname"] = node.hostname
    if ins and ins.password:
        out["password"] = hash_password(ins.password, node.hostname)
    if ins and ins.ssh_authorized_keys:
        out["ssh_authorized_keys"] = list(ins.ssh_authorized_keys)
    if node.dns:
        out["dns_nameservers"] = list(node.dns)
    if node.ntp:
        out["ntp_servers"] = list(node.ntp)
    return out


def interfaces(nics: tuple[ResolvedNic, ...]) -> list[dict]:
    out = []
    for nic in nics:
        item = {}
        if nic.name:
            item["name"] = nic.name
        if nic.mac:
            item["hwAddr"] = nic.mac
        out.append(item)
    return out


def bond_options(bond: Bond) -> dict:
    opts = {"mode": bond.mode, "miimon": bond.miimon}
    opts.update(bond.options)
    return opts


def _management_network(profile: Profile, nics: tuple[ResolvedNic, ...]) -> dict:
    mg = profile.management
    net: dict = {"interfaces": interfaces(nics), "method": mg.ipv4.method}
    if mg.ipv4.method == "static" and mg.ipv4.address:
        iface = F.ipv4_interface(mg.ipv4.address)
        net["ip"] = str(iface.ip)
        net["subnet_mask"] = str(iface.netmask)
        if mg.ipv4.gateway:
            net["gateway"] = mg.ipv4.gateway
    net["bond_options"] = bond_options(mg.bond)
    if mg.mtu:
        net["mtu"] = mg.mtu
    if mg.vlan_id and not profile.release.legacy:
        net["vlan_id"] = mg.vlan_id
    return net


def _install_section(profile: Profile, management, vlan) -> dict:
    ins = profile.install
    out: dict = {}
    if ins:
        out["mode"] = ins.mode
        if ins.role:
            out["role"] = ins.role
    if profile.management:
        mgmt = _management_network(profile, management)
        if profile.release.legacy:
            nets = {"harvester-mgmt": mgmt}
            if profile.vlan and vlan:
                uplink = {"interfaces": interfaces(vlan), "method": "none",
                          "bond_options": bond_options(profile.vlan.bond)}
                if profile.vlan.mtu:
                    uplink["mtu"] = profile.vlan.mtu
                nets["harvester-vlan"] = uplink
            out["networks"] = nets
        else:
            out["management_interface"] = mgmt
    if ins:
        if ins.mode == "create":
            for key in ("vip", "vip_mode", "vip_hw_addr"):
                if getattr(ins, key):
                    out[key] = getattr(ins, key)
            if ins.vip and not ins.vip_mode:
                out["vip_mode"] = "static"
        for key in ("device", "iso_url"):
            if getattr(ins, key):
                out[key] = getattr(ins, key)
        if ins.skipchecks is not None:
            out["skipchecks"] = ins.skipchecks
    return out


def _system_settings(profile: Profile) -> dict:
    if not profile.cluster or not profile.install or profile.install.mode != "create":
        return {}
    allow = S.install_allow_list(profile.release.legacy)
    return {name: value for name, value in profile.cluster.settings if name in allow}


def deep_merge(dst: dict, src: dict) -> dict:
    """Merge ``src`` into ``dst``: mappings recursively, everything else replaced."""
    for key, value in src.items():
        if isinstance(value, dict) and isinstance(dst.get(key), dict):
            deep_merge(dst[key], value)
        else:
            dst[key] = value
    return dst
