"""Cross-field validation of a loaded profile: every rule, every problem, each with its path.

Field-level checks (types, formats, ranges) already happened in ``tui.model.load``; this
module checks what needs more than one field, plus Harvester's installer rules and the
offline-checkable cluster-side rules. The cluster and install sections have their own
modules; this one owns the entry point, node and management.
"""

from __future__ import annotations

from collections import Counter

from tui.model import formats as F
from tui.model import problems as P
from tui.model.inventory import Inventory
from tui.model.load import Loaded
from tui.model.profile import NameSelector, Profile
from tui.model.selectors import Resolution, resolve
from tui.model.validate_bond import check_bond
from tui.model.validate_cluster import check_cluster
from tui.model.validate_install import check_install


def validate(loaded: Loaded, inventory: Inventory | None = None, *, automatic: bool = True) -> list[P.Problem]:
    """All problems of a loaded profile: load problems, rules, selector resolution.
    ``automatic``: the config may drive an automatic install (PXE, kernel arguments), whose extra
    needs are then told too; the wizard on the node's console installs interactively."""
    problems = list(loaded.problems)
    if loaded.profile is None:
        return problems
    resolution = resolve(loaded.profile, inventory)
    problems += check(loaded.profile, loaded.bad_paths, resolution, inventory, automatic)
    return _unique(problems)


def check(profile: Profile, bad: frozenset[str], resolution: Resolution, inventory: Inventory | None,
          automatic: bool = True) -> list[P.Problem]:
    out: list[P.Problem] = []
    out += _check_management(profile, bad, resolution)
    out += _check_node(profile, bad)
    out += check_cluster(profile, bad)
    out += check_install(profile, bad, automatic)
    out += list(resolution.problems)
    out += _check_resolved(profile, resolution, inventory)
    return out


def _unique(problems: list[P.Problem]) -> list[P.Problem]:
    seen, out = set(), []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _check_management(profile: Profile, bad: frozenset[str], resolution: Resolution) -> list[P.Problem]:
    out: list[P.Problem] = []
    mg = profile.management
    mode = profile.install.mode if profile.install else None
    if mg is None:
        if mode != "install" and "management" not in bad:
            out.append(P.error("management", "required: the management network (unless install.mode is install)"))
        return out
    rel = profile.release
    if not mg.interfaces and "management.interfaces" not in bad:
        out.append(P.error("management.interfaces", "select at least one NIC for the management network"))
    names = [r.name for r in resolution.management] if len(resolution.management) == len(mg.interfaces) else [
        s.name if isinstance(s, NameSelector) else None for s in mg.interfaces
    ]
    out += check_bond(mg.bond, "management.bond", len(mg.interfaces), names)
    if mg.tagged and not rel.has_mgmt_vlan:
        out.append(P.error("management.vlan_id",
                           "Harvester v1.0 has no management VLAN; target v1.1 or later, or tag on the switch port"))
    ip = mg.ipv4
    base = "management.ipv4"
    if ip.method == "static":
        for key in ("address", "gateway"):
            if getattr(ip, key) is None and f"{base}.{key}" not in bad:
                out.append(P.error(f"{base}.{key}", "required with method static"))
        if not profile.node.dns and "node.dns" not in bad:
            out.append(P.error("node.dns", "at least one DNS server is required with a static management address"))
        if ip.address and ip.gateway:
            iface = F.ipv4_interface(ip.address)
            gw = F.ipv4_address(ip.gateway)
            if gw not in iface.network:
                out.append(P.error(f"{base}.gateway", f"{gw} is outside the management subnet {iface.network}"))
            elif gw == iface.ip:
                out.append(P.error(f"{base}.gateway", f"the gateway {gw} is the node's own address"))
            elif gw in (iface.network.network_address,
                        iface.network.broadcast_address) and iface.network.prefixlen <= 30:
                out.append(P.error(f"{base}.gateway", f"{gw} is the network or broadcast address of {iface.network}"))
    else:
        for key in ("address", "gateway"):
            if getattr(ip, key) is not None:
                out.append(P.error(f"{base}.{key}", "only used with method static; remove it or set method: static"))
        if profile.install and not profile.node.hostname:
            out.append(P.warning("node.hostname",
                                 "no hostname: the installer takes one from DHCP, else a random harvester-xxxxx"))
    return out


def _check_node(profile: Profile, bad: frozenset[str]) -> list[P.Problem]:
    out = []
    node = profile.node
    static = profile.management and profile.management.ipv4.method == "static"
    if static and not node.hostname and "node.hostname" not in bad:
        out.append(P.error("node.hostname", "required with a static management address"))
    for field in ("dns", "ntp"):
        values = getattr(node, field)
        counts = Counter(values)  # linear: a list.count per entry was quadratic (1 MiB of entries: 10 min)
        for dup in sorted(v for v, n in counts.items() if n > 1):
            out.append(P.warning(f"node.{field}", f"{dup} is listed twice"))
    if profile.install and profile.install.mode != "install" and not node.ntp and "node.ntp" not in bad:
        out.append(P.warning("node.ntp",
                             "no NTP server: clocks drift and certificates, etcd and Longhorn suffer; add one"))
    return out


def _check_resolved(profile: Profile, resolution: Resolution, inventory: Inventory | None) -> list[P.Problem]:
    """Checks that need to know which NICs were picked (inventory present)."""
    out = []
    if inventory is None:
        return out
    for i, r in enumerate(resolution.management):
        nic = r.nic
        if nic is None:
            continue
        if nic.carrier is False:
            out.append(P.warning(f"management.interfaces[{i}]",
                                 f"{nic.name} has no carrier (cable unplugged or switch port down)"))
        if nic.speed is not None and 0 < nic.speed < 10000:
            level = "below the 1 Gb/s test minimum" if nic.speed < 1000 else "below the 10 Gb/s production minimum"
            out.append(P.warning(f"management.interfaces[{i}]", f"{nic.name} runs at {nic.speed} Mb/s, {level}"))
    mgmt_slots = {_pci_slot(r.nic.pci) for r in resolution.management if r.nic and r.nic.pci}
    for i, r in enumerate(resolution.vlan):
        if r.nic and r.nic.pci and _pci_slot(r.nic.pci) in mgmt_slots:
            out.append(P.warning(f"vlan.interfaces[{i}]",
                                 f"{r.name} is a port of the same card as a management NIC: one card failure takes "
                                 "down both networks"))
    return out


def _pci_slot(pci: str) -> str:
    return pci.rsplit(".", 1)[0]
