"""Bond modes and which kernel bond options go with which mode.

One table serves validation, the wizard's bond screen (options appear with the mode) and
the renderers.
"""

from __future__ import annotations

# Mode name -> the kernel's bonding mode number (BOND_MODE_* in the kernel's
# include/uapi/linux/if_bonding.h; names as in Documentation/networking/bonding.rst).
# Code that talks to the kernel by number asks mode_number(); never an index into a tuple.
MODE_NUMBERS: dict[str, int] = {
    "balance-rr": 0,
    "active-backup": 1,
    "balance-xor": 2,
    "broadcast": 3,
    "802.3ad": 4,
    "balance-tlb": 5,
    "balance-alb": 6,
}

BOND_MODES = tuple(MODE_NUMBERS)  # every mode name a profile may give (validation, schema)

# The order a wizard offers the modes in: the order of Harvester's own installer console
# (harvester-installer pkg/console, "Bond Mode"), so an operator who knows it finds the same list.
DISPLAY_ORDER = ("balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb")


def mode_number(mode: str) -> int:
    """The kernel's number for bond mode ``mode`` (KeyError for a name that is not a mode)."""
    return MODE_NUMBERS[mode]


# option -> modes it is valid with (None: any mode)
OPTION_MODES: dict[str, tuple[str, ...] | None] = {
    "lacp_rate": ("802.3ad",),
    "ad_select": ("802.3ad",),
    "ad_actor_sys_prio": ("802.3ad",),
    "ad_user_port_key": ("802.3ad",),
    "min_links": ("802.3ad",),
    "xmit_hash_policy": ("balance-xor", "802.3ad", "balance-tlb", "balance-alb"),
    "primary": ("active-backup", "balance-tlb", "balance-alb"),
    "primary_reselect": ("active-backup", "balance-tlb", "balance-alb"),
    "fail_over_mac": ("active-backup",),
    "num_grat_arp": ("active-backup",),
    "num_unsol_na": ("active-backup",),
    "tlb_dynamic_lb": ("balance-tlb",),
    "packets_per_slave": ("balance-rr",),
    "all_slaves_active": None,
    "arp_interval": None,
    "arp_ip_target": None,
    "arp_validate": None,
    "arp_all_targets": None,
    "updelay": None,
    "downdelay": None,
    "peer_notif_delay": None,
    "resend_igmp": None,
    "use_carrier": None,
    "lp_interval": None,
}

OPTION_VALUES: dict[str, tuple[str, ...]] = {
    "lacp_rate": ("slow", "fast", "0", "1"),
    "xmit_hash_policy": ("layer2", "layer2+3", "layer3+4", "encap2+3", "encap3+4", "vlan+srcmac"),
    "ad_select": ("stable", "bandwidth", "count", "0", "1", "2"),
    "primary_reselect": ("always", "better", "failure", "0", "1", "2"),
    "fail_over_mac": ("none", "active", "follow", "0", "1", "2"),
    "arp_validate": ("none", "active", "backup", "all", "filter", "filter_active", "filter_backup"),
    "arp_all_targets": ("any", "all", "0", "1"),
}

NUMERIC_OPTIONS = frozenset(
    {
        "updelay", "downdelay", "arp_interval", "min_links", "num_grat_arp", "num_unsol_na",
        "packets_per_slave", "resend_igmp", "lp_interval", "peer_notif_delay",
        "ad_actor_sys_prio", "ad_user_port_key", "all_slaves_active", "use_carrier",
        "tlb_dynamic_lb",
    }
)

# Modes that rewrite the source MAC of frames they send: VMs behind a bridge on such a
# bond see their MACs replaced (harvester#2472), which breaks guests and DHCP reservations.
MAC_REWRITING_MODES = frozenset({"balance-tlb", "balance-alb"})

