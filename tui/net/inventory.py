"""The NIC inventory of this host: one netlink dump (links, addresses, routes) plus sysfs."""

from __future__ import annotations

import os
import socket

from tui.model.inventory import Inventory, Nic, natural_key

SYSFS = "/sys/class/net"
PCI_IDS = ("/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids")


def _read(path: str) -> str | None:
    try:
        with open(path) as fh:
            return fh.read().strip()
    except OSError:
        return None


def _int(text: str | None) -> int | None:
    try:
        value = int(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None


def ssh_peer_local_ip() -> str | None:
    """The local address of this SSH session (``SSH_CONNECTION``: client port server port)."""
    parts = os.environ.get("SSH_CONNECTION", "").split()
    return parts[2] if len(parts) == 4 else None


def pci_names(vendor: str | None, device: str | None) -> tuple[str | None, str | None]:
    if not vendor:
        return None, None
    v, d = vendor.lower().removeprefix("0x"), (device or "").lower().removeprefix("0x")
    for path in PCI_IDS:
        try:
            fh = open(path, encoding="utf-8", errors="replace")
        except OSError:
            continue
        with fh:
            vname = None
            for line in fh:
                if vname is None:
                    if line.startswith(v + "  "):
                        vname = line[len(v) + 2:].strip()
                elif line.startswith("\t\t") or line.startswith("#"):
                    continue
                elif line.startswith("\t"):
                    if line[1:].startswith(d + "  "):
                        return vname, line[len(d) + 3:].strip()
                else:
                    return vname, None
            if vname:
                return vname, None
    return None, None


def read_inventory(ipr=None, include_virtual: bool = False) -> Inventory:
    from pyroute2 import IPRoute

    own = ipr is None
    ipr = ipr or IPRoute()
    try:
        links = list(ipr.get_links())
        addrs = list(ipr.get_addr(family=socket.AF_INET))
        routes = list(ipr.get_routes(family=socket.AF_INET, table=254))
    finally:
        if own:
            ipr.close()
    names = {m["index"]: m.get_attr("IFLA_IFNAME") for m in links}
    ipv4: dict[int, list[str]] = {}
    for a in addrs:
        ipv4.setdefault(a["index"], []).append(f"{a.get_attr('IFA_ADDRESS')}/{a['prefixlen']}")
    default_devs = {r.get_attr("RTA_OIF") for r in routes if r["dst_len"] == 0}
    ssh_ip = ssh_peer_local_ip()
    nics = []
    for m in links:
        idx, name = m["index"], names[m["index"]]
        if name == "lo":
            continue
        base = f"{SYSFS}/{name}"
        physical = os.path.exists(f"{base}/device")
        info = m.get_attr("IFLA_LINKINFO")
        kind = info.get_attr("IFLA_INFO_KIND") if info is not None else None
        if not physical and not include_virtual:
            continue
        driver = os.path.basename(os.path.realpath(f"{base}/device/driver")) if physical else None
        pci_path = os.path.realpath(f"{base}/device") if physical else ""
        pci = os.path.basename(pci_path) if _read(f"{base}/device/vendor") else None
        vendor, model = pci_names(_read(f"{base}/device/vendor"), _read(f"{base}/device/device")) if pci else (None, None)
        carrier = _read(f"{base}/carrier")
        perm = m.get_attr("IFLA_PERM_ADDRESS")
        if perm and not isinstance(perm, str):
            perm = None
        perm = perm if perm and perm != "00:00:00:00:00:00" else None
        nics.append(Nic(
            name=name, mac=m.get_attr("IFLA_ADDRESS"), perm_mac=perm,
            operstate=(m.get_attr("IFLA_OPERSTATE") or "unknown").lower(),
            carrier=None if carrier is None else carrier == "1",
            speed=_int(_read(f"{base}/speed")) if carrier == "1" else None,
            duplex=_read(f"{base}/duplex") if carrier == "1" else None,
            mtu=m.get_attr("IFLA_MTU"), driver=driver, pci=pci, vendor=vendor, model=model,
            master=names.get(m.get_attr("IFLA_MASTER") or 0),
            ipv4=tuple(ipv4.get(idx, ())), default_route=idx in default_devs,
            ssh_session=bool(ssh_ip) and any(a.split("/")[0] == ssh_ip for a in ipv4.get(idx, ())),
            physical=physical, kind=kind,
        ))
    nics.sort(key=lambda n: natural_key(n.name))
    return Inventory(tuple(nics), socket.gethostname(), "live")
