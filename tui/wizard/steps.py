"""The wizard's steps in order, and the fields of the form steps. Each field edits one
profile path; ``when`` hides it unless the draft satisfies a condition."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tui.model.bond import DISPLAY_ORDER, OPTION_MODES, OPTION_VALUES
from tui.model.releases import DEFAULT_RELEASE

RELEASES = tuple(f"v1.{minor}" for minor in range(int(DEFAULT_RELEASE.split(".")[1]), -1, -1))


@dataclass(frozen=True)
class Field:
    path: str
    label: str
    # text | password | int | list | lines | select | disk (a select of the machine's disks)
    # | again (the password once more: checked on the screen, never in the profile)
    kind: str = "text"
    choices: tuple[str, ...] = ()
    help: str = ""
    when: Callable[[object], bool] | None = None  # draft -> shown?
    default: str | None = None  # a select's value when the draft has none
    placeholder: str = ""
    choices_from: Callable[[object], tuple[str, ...]] | None = None  # draft -> choices (primary: the bond's NICs)

    def options(self, draft) -> tuple[str, ...]:
        """A select's choices now; ``DEFAULT_CHOICE`` first where the option may be left out."""
        if self.choices_from is None:
            return self.choices
        return (DEFAULT_CHOICE,) + tuple(c for c in self.choices_from(draft) if c)


@dataclass(frozen=True)
class WizardStep:
    key: str
    title: str
    prefixes: tuple[str, ...]  # problems at or under these paths are fixed on this step
    fields: tuple[Field, ...] = field(default_factory=tuple)
    install_only: bool = False


DEFAULT_CHOICE = "(default)"  # a select's entry for "leave the option out"

OPTION_HELP = {
    "lacp_rate": ("select", "how often LACP partners talk: slow (every 30 s) or fast (every 1 s)"),
    "xmit_hash_policy": ("select", "which headers pick the NIC: layer2 (MACs), layer2+3, layer3+4 (spreads flows)"),
    "ad_select": ("select", "which aggregator is used: stable (default), bandwidth or count (of NICs)"),
    "min_links": ("int", "the bond is up only while at least this many NICs are (empty: 0)"),
    "primary": ("select", "the NIC that carries the traffic while its link is up"),
}


def _named_values(option: str) -> tuple[str, ...]:
    """The option's values by name (the kernel's numeric aliases left out), "(default)" first."""
    return (DEFAULT_CHOICE,) + tuple(v for v in OPTION_VALUES.get(option, ()) if not v.isdigit())


def _bond_nics(base: str):
    return lambda d: tuple(s.get("name") for s in d.get(f"{base}.interfaces", []) if s.get("name"))


def _bond_fields(base: str) -> tuple[Field, ...]:
    mode = f"{base}.bond.mode"
    opts = tuple(
        Field(f"{base}.bond.options.{name}", name, kind,
              _named_values(name) if kind == "select" else (),
              help, when=(lambda d, modes=OPTION_MODES[name]: (d.get(mode) or "active-backup") in modes),
              choices_from=_bond_nics(base) if name == "primary" else None)
        for name, (kind, help) in OPTION_HELP.items()
    )
    return (Field(mode, "Bond mode", "select", DISPLAY_ORDER, default="active-backup",
                  help="802.3ad (LACP) needs the switch ports in one LAG; active-backup needs nothing"),
            Field(f"{base}.bond.miimon", "MII monitor (ms)", "int", placeholder="(empty: 100)",
                  help="how often the NICs' links are checked")) + opts


def _roles() -> tuple[str, ...]:
    from tui.model.profile import ROLES  # (loaded on first use: the first screen does not wait for it)

    return ROLES


def _static(d) -> bool:
    return d.get("management.ipv4.method") == "static"


def _join(d) -> bool:
    return d.get("install.mode") == "join"


def _create(d) -> bool:
    return d.get("install.mode", "create") == "create"


STEPS: tuple[WizardStep, ...] = (
    WizardStep("welcome", "Welcome", ()),
    WizardStep("nics", "Management NICs", ("management", "management.interfaces")),
    WizardStep("bond", "Bond", ("management.bond",), _bond_fields("management")),
    WizardStep("vlan", "VLAN and MTU", ("management.vlan_id", "management.mtu"), (
        Field("management.vlan_id", "Management VLAN ID", "int", placeholder="(empty: untagged)",
              help="0 or 1: untagged; 2-4094: the node IP goes on mgmt-br.<id>"),
        Field("management.mtu", "MTU", "int", placeholder="(empty: 1500)", help="0: the default (1500); 576-9000"),
    )),
    WizardStep("ipv4", "IPv4", ("management.ipv4",), (
        Field("management.ipv4.method", "Method", "select", ("dhcp", "static")),
        Field("management.ipv4.address", "Address (CIDR)", when=_static, placeholder="(required)",
              help="e.g. 10.0.100.11/24"),
        Field("management.ipv4.gateway", "Gateway", when=_static),
    )),
    WizardStep("node", "Node", ("node",), (
        Field("node.hostname", "Hostname", placeholder="(required)"),
        Field("node.dns", "DNS servers", "list", help="comma separated"),
        Field("node.ntp", "NTP servers", "list", help="comma separated"),
    )),
    WizardStep("uplink", "Default VLAN NIC", ("vlan",)),
    WizardStep("networks", "VM networks", ("networks",)),
    WizardStep("install", "Install", ("install", "harvester"), (
        Field("install.mode", "Mode", "select", ("create", "join", "install"),
              help="create: the first node; join: add to a cluster; install: only install"),
        Field("harvester", "Harvester release", "select", RELEASES, default=DEFAULT_RELEASE,
              help="the release this node installs (the ISO's); newest first"),
        Field("install.role", "Role", "select", when=_join, choices_from=lambda d: _roles(),
              help="default: the cluster decides; management, worker or witness"),
        Field("install.server_url", "Server URL", when=_join, help="the cluster's VIP, e.g. https://10.0.100.99:443"),
        Field("install.token", "Cluster token", "password"),
        Field("install.vip_mode", "VIP mode", "select", ("static", "dhcp"), when=_create, default="static"),
        Field("install.vip", "VIP", when=_create),
        Field("install.device", "Install disk (ERASED)", "disk", help="from this machine's disks (lsblk)"),
        Field("install.iso_url", "ISO URL"),
        Field("install.password", "Password", "password"),
        Field("install.password_again", "Password (again)", "again", help="the same password once more"),
        Field("install.ssh_authorized_keys", "SSH keys", "lines"),
    ), install_only=True),
    WizardStep("review", "Review", ()),
    WizardStep("confirm", "Confirm", ()),
    WizardStep("apply", "Apply", ()),
    WizardStep("done", "Done", ()),
)


def step_order(install_config: bool) -> list[WizardStep]:
    return [s for s in STEPS if install_config or not s.install_only]


def step_for_path(path: str, install_config: bool) -> WizardStep | None:
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


# F1 on a step: what this screen decides and how its keys work (ASCII; the help box wraps it)
STEP_HELP = {
    "welcome": "Choose what the wizard makes: an install config for a new node (nothing\n"
               "here changes), or this node's network changed live (with a revert timer).\n"
               "Up/Down choose, Enter takes it. 'Load a profile' starts from a file.",
    "nics": "Which NICs carry the management network (bonded as mgmt-bo).\n"
            "Up/Down move, Space or Enter selects. S marks the NIC of your SSH\n"
            "session, D the default route: taking them moves your session.",
    "bond": "How the management NICs are bonded. 802.3ad needs a LAG on the switch;\n"
            "active-backup works everywhere. Options appear with the mode they suit.\n"
            "Tab moves between fields; Enter opens a choice, Up/Down pick.",
    "vlan": "The management VLAN (empty: untagged) and the MTU of the management\n"
            "network. A tagged VLAN puts the node IP on mgmt-br.<id>.",
    "ipv4": "How the node gets its address: DHCP or static (address, gateway).\n"
            "'Probe DHCP' asks the network now, without changing anything.",
    "node": "The node's hostname (required) and DNS and NTP servers, comma separated.",
    "uplink": "The default NIC for VM networks (a cluster network with its own bond).\n"
              "Space or Enter selects. 'On nodes': on how many cluster nodes the NIC\n"
              "is free. No NIC: no VM network uplink.",
    "networks": "VM networks (NetworkAttachmentDefinitions). Enter on an entry loads it\n"
                "into the form; Save writes it back, Remove deletes it, New clears the\n"
                "form, Add adds a new one. An untagged network has route 'none'.",
    "install": "The install config: mode, release, disk (it is ERASED), the cluster\n"
               "token and a password (typed twice) or SSH keys.",
    "review": "Every problem of the profile; Enter on one jumps to its field. Below:\n"
              "the plan for this node and the Harvester config. PageDown scrolls.",
    "confirm": "Everything Apply will do. Nothing has changed yet. Type yes and press\n"
               "Enter to apply; Ctrl+P goes back.",
    "apply": "The apply runs and is verified. Then Keep, or Revert (also by itself\n"
             "when the countdown ends). Ctrl+Q during the countdown offers to revert.",
    "done": "What was and was not done, and how to replay it. The exit code says\n"
            "the same: 0 done, 1 failed or reverted, 2 cluster not done, 3 not applied.",
}
