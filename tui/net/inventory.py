"""The NIC inventory of this host: one netlink dump each of links, addresses and routes
(tui.net.rtnl_dump) plus sysfs for what netlink does not carry (driver, PCI, speed)."""

from __future__ import annotations

import os
import socket

from tui.model.inventory import Inventory, Nic, natural_key

SYSFS = "/sys/class/net"
MAIN_TABLE = 254
IFF_UP = 0x1
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


def read_inventory(include_virtual: bool = False) -> Inventory:
    from tui.net.rtnl_dump import RtnlDump

    with RtnlDump() as rtnl:
        links = rtnl.links()
        addrs = rtnl.ipv4_addresses()
        routes = rtnl.ipv4_routes()
    names = {m.index: m.name for m in links}
    ipv4: dict[int, list[str]] = {}
    for index, address, plen in addrs:
        ipv4.setdefault(index, []).append(f"{address}/{plen}")
    default_devs = {r["oif"] for r in routes if r["dst"] == "default" and r["table"] == MAIN_TABLE}
    ssh_ip = ssh_peer_local_ip()
    nics = []
    for m in links:
        if m.name == "lo":
            continue
        base = f"{SYSFS}/{m.name}"
        # links made over rtnetlink (veth, bond, bridge, vlan …) have a kind; a NIC has a device
        physical = m.kind is None and os.path.exists(f"{base}/device")
        if not physical and not include_virtual:
            continue
        driver = pci = vendor = model = None
        if physical:
            driver = os.path.basename(os.path.realpath(f"{base}/device/driver"))
            vendor_id = _read(f"{base}/device/vendor")
            if vendor_id:
                pci = os.path.basename(os.path.realpath(f"{base}/device"))
                vendor, model = pci_names(vendor_id, _read(f"{base}/device/device"))
        # like sysfs: no carrier state while the link is administratively down
        carrier = m.carrier if m.flags & IFF_UP else None
        up = carrier is True
        addresses = ipv4.get(m.index, ())
        nics.append(Nic(
            name=m.name, mac=m.mac, perm_mac=m.perm_mac, operstate=m.operstate, carrier=carrier,
            speed=_int(_read(f"{base}/speed")) if up else None,
            duplex=_read(f"{base}/duplex") if up else None,
            mtu=m.mtu, driver=driver, pci=pci, vendor=vendor, model=model,
            master=names.get(m.master or 0),
            ipv4=tuple(addresses), default_route=m.index in default_devs,
            ssh_session=bool(ssh_ip) and any(a.split("/")[0] == ssh_ip for a in addresses),
            physical=physical, kind=m.kind,
        ))
    nics.sort(key=lambda n: natural_key(n.name))
    return Inventory(tuple(nics), socket.gethostname(), "live")
