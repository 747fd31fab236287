"""The wizard's steps in order, and the fields of the form steps. Each field edits one
profile path; ``when`` hides it unless the draft satisfies a condition."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tui.model.bond import BOND_MODES, OPTION_MODES


@dataclass(frozen=True)
class Field:
    path: str
    label: str
    kind: str = "text"  # text | password | int | list | lines | select
    choices: tuple[str, ...] = ()
    help: str = ""
    when: Callable[[object], bool] | None = None  # draft -> shown?
    default: str | None = None  # a select's value when the draft has none
    placeholder: str = ""


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    prefixes: tuple[str, ...]  # problems at or under these paths are fixed on this step
    fields: tuple[Field, ...] = field(default_factory=tuple)
    install_only: bool = False


def _bond_fields(base: str) -> tuple[Field, ...]:
    mode = f"{base}.bond.mode"
    opts = tuple(
        Field(f"{base}.bond.options.{name}", name, "text",
              when=(lambda d, modes=modes: (d.get(mode) or "active-backup") in modes))
        for name, modes in OPTION_MODES.items() if modes and name in ("lacp_rate", "xmit_hash_policy", "primary", "ad_select", "min_links")
    )
    return (Field(mode, "Bond mode", "select", BOND_MODES, default="active-backup"), Field(f"{base}.bond.miimon", "MII monitor (ms)", "int", placeholder="(empty: 100)")) + opts


def _static(d) -> bool:
    return d.get("management.ipv4.method") == "static"


def _join(d) -> bool:
    return d.get("install.mode") == "join"


def _create(d) -> bool:
    return d.get("install.mode", "create") == "create"


STEPS: tuple[Step, ...] = (
    Step("welcome", "Welcome", ()),
    Step("nics", "Management NICs", ("management", "management.interfaces")),
    Step("bond", "Bond", ("management.bond",), _bond_fields("management")),
    Step("vlan", "VLAN and MTU", ("management.vlan_id", "management.mtu"), (
        Field("management.vlan_id", "Management VLAN ID", "int", placeholder="(empty: untagged)", help="0 or 1: untagged; 2-4094: the node IP goes on mgmt-br.<id>"),
        Field("management.mtu", "MTU", "int", placeholder="(empty: 1500)", help="0: the default (1500); 576-9000"),
    )),
    Step("ipv4", "IPv4", ("management.ipv4",), (
        Field("management.ipv4.method", "Method", "select", ("dhcp", "static")),
        Field("management.ipv4.address", "Address (CIDR)", when=_static, placeholder="(required)", help="e.g. 10.0.100.11/24"),
        Field("management.ipv4.gateway", "Gateway", when=_static),
    )),
    Step("node", "Node", ("node",), (
        Field("node.hostname", "Hostname", placeholder="(required)"),
        Field("node.dns", "DNS servers", "list", help="comma separated"),
        Field("node.ntp", "NTP servers", "list", help="comma separated"),
    )),
    Step("uplink", "Default VLAN NIC", ("vlan",)),
    Step("networks", "VM networks", ("networks",)),
    Step("install", "Install", ("install",), (
        Field("install.mode", "Mode", "select", ("create", "join", "install")),
        Field("install.server_url", "Server URL", when=_join),
        Field("install.token", "Cluster token", "password"),
        Field("install.vip_mode", "VIP mode", "select", ("static", "dhcp"), when=_create, default="static"),
        Field("install.vip", "VIP", when=_create),
        Field("install.device", "Install disk", help="e.g. /dev/sda"),
        Field("install.iso_url", "ISO URL"),
        Field("install.password", "Password", "password"),
        Field("install.ssh_authorized_keys", "SSH keys", "lines"),
    ), install_only=True),
    Step("review", "Review", ()),
    Step("confirm", "Confirm", ()),
    Step("apply", "Apply", ()),
    Step("done", "Done", ()),
)


def step_order(install_config: bool) -> list[Step]:
    return [s for s in STEPS if install_config or not s.install_only]


def step_for_path(path: str, install_config: bool) -> Step | None:
    """The step where a problem at ``path`` is fixed (the longest matching prefix)."""
    best, length = None, -1
    for s in step_order(install_config):
        for prefix in s.prefixes:
            if under(path, prefix) and len(prefix) > length:
                best, length = s, len(prefix)
    return best


def under(path: str, prefix: str) -> bool:
    """``networks[0].name`` and ``networks (default/vlan200)`` (the cluster check's) are under ``networks``."""
    return path == prefix or path.startswith((prefix + ".", prefix + "[", prefix + " ("))
