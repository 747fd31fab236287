"""Profile → kernel arguments for an unattended install of one node.

With a config URL the arguments only point the installer at it (the secrets stay in the
served file). Without one, the whole Harvester config is spelled as ``harvester.*``
arguments, which ``harvester-netsetup cmdline`` (and Harvester) read back.

Spelled for the profile's target release, as that release's installer reads them (checked
with each release's own code in tests/test_conformance_installer.py): before v1.8 an integer
field (``mtu``, ``vlan_id``) cannot be a kernel argument (the installer stops with "cannot
unmarshal string into ... of type int"), so we refuse and point at ``--config-url``; and an
interface is one ``hwAddr:<mac>`` or ``name:<nic>`` per argument (the comma pair is v1.8+).
The arguments always start an automatic install, which the installer refuses without
``install.iso_url``.
"""

from __future__ import annotations

from tui.model import formats as F
from tui.model import problems as P
from tui.model.dotted import ABSENT, lookup
from tui.model.profile import Profile
from tui.model.releases import Release, parse_release
from tui.model.selectors import ResolvedNic

SECRET_KEYS = ("token", "os.password")
INTERFACE_PATHS = ("install.management_interface.interfaces", "install.networks.harvester-mgmt.interfaces")
# map[string]string fields: their values are strings in every release, numbers included
STRING_MAPS = frozenset({"bond_options", "system_settings", "sysctls", "environment", "labels"})


def quote(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) or value == "" else value


def flatten(cfg: dict, prefix: str = "harvester", release: Release | None = None) -> tuple[list[str], list[P.Problem]]:
    """A Harvester config mapping → ``harvester.a.b=value`` arguments (lists repeat the key),
    as ``release`` reads them (default: the newest)."""
    release = release or parse_release("v1.9")
    args: list[str] = []
    problems: list[P.Problem] = []

    def scalar(path: str, value) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and not release.kernel_arg_integers:
            if path != "scheme_version" and not STRING_MAPS.intersection(path.split(".")):
                problems.append(P.error(path, f"Harvester {release.name} cannot read {prefix}.{path}={value} as a "
                                              "kernel argument (integers arrive in v1.8); serve the config with "
                                              "--config-url"))
                return
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if '"' in text or "\n" in text:
            problems.append(P.error(path,
                                    "a value with quotes or newlines cannot be a kernel argument; use a config URL"))
            return
        args.append(f"{prefix}.{path}={quote(text)}")

    def walk(path: str, value) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{path}.{k}" if path else str(k), v)
        elif isinstance(value, list):
            if path in INTERFACE_PATHS:
                for item in value:
                    parts = [f"{k}:{item[k]}" for k in ("hwAddr", "name") if item.get(k)]
                    if not release.kernel_arg_interface_pairs:
                        parts = parts[:1]  # the MAC when known: it finds the NIC whatever its name
                    args.append(f"{prefix}.{path}={','.join(parts)}")
            elif all(not isinstance(v, (dict, list)) for v in value):
                for v in value:
                    scalar(path, v)
            else:
                problems.append(P.error(path,
                                        "a list of mappings cannot be spelled as kernel arguments; use a config URL"))
        elif value is not None:
            scalar(path, value)

    walk("", cfg)
    return args, problems


def dracut_network(profile: Profile, management: tuple[ResolvedNic, ...]) -> list[str]:
    """The installer's own boot network (dracut ``ip=``), used to fetch the config and ISO."""
    mg = profile.management
    if mg is None or not management:
        return ["ip=dhcp", "rd.net.dhcp.retry=3"]
    first = management[0]
    args = []
    if first.name and first.mac:
        args.append(f"ifname={first.name}:{first.mac}")
    dev = first.name
    if mg.tagged and dev:
        args.append(f"vlan={dev}.{mg.vlan_id}:{dev}")
        dev = f"{dev}.{mg.vlan_id}"
    if mg.ipv4.method == "static" and mg.ipv4.address and dev:
        iface = F.ipv4_interface(mg.ipv4.address)
        host = profile.node.hostname or ""
        args.append(f"ip={iface.ip}::{mg.ipv4.gateway}:{iface.netmask}:{host}:{dev}:none")
        args += [f"nameserver={d}" for d in profile.node.dns]
    else:
        args += [f"ip={dev}:dhcp" if dev else "ip=dhcp", "rd.net.dhcp.retry=3"]
    return args


def render_cmdline(
    profile: Profile,
    management: tuple[ResolvedNic, ...],
    config: dict,
    config_url: str | None = None,
    live_root: str | None = None,
) -> tuple[str, list[P.Problem]]:
    args = ["rd.cos.disable", "rd.noverifyssl", "net.ifnames=1", "console=tty1"]
    args += dracut_network(profile, management)
    if live_root:
        args.append(f"root=live:{live_root}")
    args.append("harvester.install.automatic=true")
    problems: list[P.Problem] = []
    if profile.install is None or not profile.install.iso_url:
        problems.append(P.error("install.iso_url", "required: these kernel arguments start an automatic install, "
                                                   "which the installer refuses without iso_url (\"iso_url is required "
                                                   "in automatic installation\")"))
    if config_url:
        args.append(f"harvester.install.config_url={config_url}")
    else:
        harvester_args, flat_problems = flatten(config, release=profile.release)
        problems += flat_problems
        args += harvester_args
        present = [k for k in SECRET_KEYS if lookup(config, k, ABSENT) is not ABSENT]
        if present:
            problems.append(P.warning("install",
                                      f"{' and '.join(present)} appear on the kernel command line (readable in "
                                      "/proc/cmdline); prefer --config-url"))
    return " ".join(args), problems
