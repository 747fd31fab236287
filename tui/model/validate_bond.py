"""The rules of one bond (management's or the VLAN uplink's): its options against its mode, its
members, the modes that rewrite MACs. Shared by ``validate`` and ``validate_cluster``."""

from __future__ import annotations

from tui.model import problems as P
from tui.model.bond import MAC_REWRITING_MODES, NUMERIC_OPTIONS, OPTION_MODES, OPTION_VALUES
from tui.model.profile import Bond


def check_bond(bond: Bond, path: str, members: int, member_names: list[str | None]) -> list[P.Problem]:
    out = []
    opts = bond.options_dict()
    for key, value in opts.items():
        here = f"{path}.options.{key}"
        modes = OPTION_MODES.get(key, None)
        if key in OPTION_MODES and modes is not None and bond.mode not in modes:
            out.append(P.error(here, f"{key} only applies to bond mode {' or '.join(modes)}, not {bond.mode}"))
            continue
        if key not in OPTION_MODES:
            out.append(P.warning(here,
                                 f"'{key}' is not a bonding option this tool knows; it is passed through verbatim"))
        if key in OPTION_VALUES and value not in OPTION_VALUES[key]:
            out.append(P.error(here, f"'{value}' is not one of {', '.join(OPTION_VALUES[key])}"))
        if key in NUMERIC_OPTIONS and not value.isdigit():
            out.append(P.error(here, f"'{value}' must be a whole number"))
        if key == "primary":
            known = [n for n in member_names if n]
            if len(known) == len(member_names) and value not in known:
                out.append(P.error(here, f"primary '{value}' is not a member of the bond ({', '.join(known)})"))
    if bond.mode == "802.3ad" and members == 1:
        out.append(P.warning(f"{path}.mode",
                             "802.3ad (LACP) on a single NIC gives no redundancy and needs an LACP port-channel on "
                             "the switch"))
    if bond.mode in MAC_REWRITING_MODES:
        out.append(P.warning(f"{path}.mode",
                             f"{bond.mode} rewrites the source MAC of frames it sends: VMs bridged on this bond lose "
                             "their own MACs (harvester#2472); prefer active-backup or 802.3ad"))
    if bond.miimon == 0 and "arp_interval" not in opts:
        out.append(P.warning(f"{path}.miimon", "miimon 0 and no arp_interval: the bond never notices a dead link"))
    return out
