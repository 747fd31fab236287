"""Install-section rules: Harvester's own (harvester-installer pkg/console/validator.go, install_panels.go,
util.go) plus ours."""

from __future__ import annotations

from tui.model import formats as F

from tui.model import harvester_settings as S
from tui.model import problems as P
from tui.model.field_mappings import thaw
from tui.model.profile import Profile

# Keys the profile models: setting them through install.extra would fight the profile.
OWNED = {
    ("install", "management_interface"): "management",
    ("install", "networks"): "management",
    ("install", "mode"): "install.mode",
    ("install", "vip"): "install.vip",
    ("install", "device"): "install.device",
    ("os", "hostname"): "node.hostname",
    ("os", "dns_nameservers"): "node.dns",
    ("os", "ntp_servers"): "node.ntp",
    ("os", "password"): "install.password",
    ("os", "ssh_authorized_keys"): "install.ssh_authorized_keys",
    ("token",): "install.token",
    ("server_url",): "install.server_url",
    ("scheme_version",): "harvester",
    ("system_settings",): "cluster.settings",
    ("cluster_networks",): "vlan",
}


def check_install(profile: Profile, bad: frozenset[str], automatic: bool = True) -> list[P.Problem]:
    ins = profile.install
    out: list[P.Problem] = []
    if ins is None:
        return out
    p = "install"
    if ins.mode == "join":
        if not ins.server_url and f"{p}.server_url" not in bad:
            out.append(P.error(f"{p}.server_url",
                               "required to join: the VIP of the existing cluster, e.g. https://10.0.100.99:443"))
    elif ins.server_url:
        out.append(P.error(f"{p}.server_url", f"only used with mode join, not {ins.mode}"))
    if ins.mode != "install" and not ins.token and f"{p}.token" not in bad:
        out.append(P.error(f"{p}.token", "required: the cluster token (the same on every node of the cluster)"))
    if ins.mode in ("create", "join") and not ins.password and not ins.ssh_authorized_keys:
        if f"{p}.password" not in bad and f"{p}.ssh_authorized_keys" not in bad:
            out.append(P.error(f"{p}.password",
                               "set a password or at least one SSH key, or nobody can log in to the node"))
    if ins.password is not None:
        if ins.password == "":
            out.append(P.error(f"{p}.password", "the password is empty"))
        elif ins.password.startswith("$") and not ins.password.startswith("$6$"):
            out.append(P.error(f"{p}.password", "only SHA-512 crypt hashes ($6$…) pass through; "
                               "give the plain password or a $6$ hash"))
    out += _check_vip(profile, bad)
    if ins.role is not None and ins.mode == "create" and ins.role not in ("default", "management"):
        out.append(P.error(f"{p}.role", f"the first node of a cluster cannot be a {ins.role} node"))
    if ins.mode == "install" and ins.role:
        out.append(P.warning(f"{p}.role", "ignored with mode install"))
    if ins.mode != "install" and not ins.device and f"{p}.device" not in bad:
        out.append(P.warning(f"{p}.device",
                             "no install disk: the installer asks for it (an automatic install fails without it)"))
    if automatic and not ins.iso_url and f"{p}.iso_url" not in bad:
        out.append(P.warning(f"{p}.iso_url", "no ISO URL: an automatic install (kernel arguments) is refused "
                                             "without it (the installer: \"iso_url is required in automatic "
                                             "installation\")"))
    out += _check_extra(profile)
    out += _check_system_settings(profile)
    return out


def _check_vip(profile: Profile, bad: frozenset[str]) -> list[P.Problem]:
    ins, out, p = profile.install, [], "install"
    if ins.mode != "create":
        for key in ("vip", "vip_mode", "vip_hw_addr"):
            if getattr(ins, key) is not None:
                out.append(P.warning(f"{p}.{key}", f"only used when creating a cluster; ignored with mode {ins.mode}"))
        return out
    mode = ins.vip_mode or "static"
    if not ins.vip and f"{p}.vip" not in bad and mode == "static":
        out.append(P.error(f"{p}.vip", "required to create a cluster: the virtual IP of the cluster"))
    if ins.vip_hw_addr and mode != "dhcp":
        out.append(P.error(f"{p}.vip_hw_addr", "only used with vip_mode dhcp"))
    mg = profile.management
    if ins.vip and mode == "static" and mg and mg.ipv4.method == "static" and mg.ipv4.address:
        iface = F.ipv4_interface(mg.ipv4.address)
        vip = F.ipv4_address(ins.vip)
        if vip == iface.ip:
            out.append(P.error(f"{p}.vip", "the VIP must not be the node's own management address"))
        elif vip not in iface.network:
            out.append(P.error(f"{p}.vip", f"{vip} is outside the management subnet {iface.network}"))
        elif mg.ipv4.gateway and str(vip) == mg.ipv4.gateway:
            out.append(P.error(f"{p}.vip", "the VIP must not be the gateway's address"))
    return out


def _check_extra(profile: Profile) -> list[P.Problem]:
    out = []
    extra = thaw(profile.install.extra) if profile.install.extra else {}
    for path, field in OWNED.items():
        node = extra
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            out.append(P.error("install.extra." + ".".join(path),
                               f"set this through the profile's '{field}', not extra"))
    return out


def _check_system_settings(profile: Profile) -> list[P.Problem]:
    out = []
    if profile.cluster is None or profile.install.mode != "create":
        return out
    allow = S.install_allow_list(profile.release.legacy)
    for name, _ in profile.cluster.settings:
        if name not in allow:
            out.append(P.warning(f"cluster.settings.{name}",
                                 f"Harvester {profile.release.name} does not take '{name}' at install; it is applied "
                                 "through the cluster API after install"))
    return out
