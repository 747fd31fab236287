"""Read-only rtnetlink dumps with the standard library: links, bridge VLANs, IPv4 addresses,
IPv4 routes — only the attributes this tool reads.

pyroute2 makes every change this tool applies. For reading, it decodes every attribute of
every message (about 0.6 ms per link) behind an asyncio loop, and importing it costs 40 ms or
more; the inventory and the apply's snapshots/verifications read the whole host often. So the
dumps are parsed here: one socket, one request per table, a walk over the attribute headers
that keeps the dozen attributes we use. Numbers are from include/uapi/linux/{rtnetlink,
if_link,if_addr,if_bridge}.h. Tests compare the results with ``ip -j`` and ``bridge -j``.
"""

from __future__ import annotations

import os
import socket
import struct
from typing import NamedTuple

NETLINK_ROUTE = 0
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_DUMP, NLM_F_DUMP_INTR = 0x1, 0x300, 0x10
RTM_GETLINK, RTM_NEWLINK, RTM_GETADDR, RTM_NEWADDR, RTM_GETROUTE, RTM_NEWROUTE = 18, 16, 22, 20, 26, 24
AF_BRIDGE = 7
NLA_TYPE_MASK, NLA_F_NESTED = 0x3FFF, 0x8000

IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER = 1, 3, 4, 5, 10
IFLA_OPERSTATE, IFLA_LINKINFO, IFLA_AF_SPEC, IFLA_EXT_MASK, IFLA_CARRIER, IFLA_PERM_ADDRESS = 16, 18, 26, 29, 33, 54
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_BR_FORWARD_DELAY, IFLA_BR_STP_STATE, IFLA_BR_VLAN_FILTERING, IFLA_BR_VLAN_DEFAULT_PVID = 1, 5, 7, 39
IFLA_VLAN_ID = 1
IFLA_BRIDGE_VLAN_INFO = 2
RTEXT_FILTER_BRVLAN, RTEXT_FILTER_SKIP_STATS = 1 << 1, 1 << 3
IFA_ADDRESS, IFA_LOCAL = 1, 2
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_MULTIPATH, RTA_TABLE = 1, 4, 5, 9, 15
DUMP_TRIES = 5
RECV_TIMEOUT = 5.0  # seconds without a message from the kernel: it will not answer

OPERSTATES = ("unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up")
LINK_ATTRS = frozenset({IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER, IFLA_OPERSTATE,
                        IFLA_LINKINFO, IFLA_CARRIER, IFLA_PERM_ADDRESS})
BRIDGE_ATTRS = {IFLA_BR_FORWARD_DELAY: ("forward_delay", "I"), IFLA_BR_STP_STATE: ("stp_state", "I"),
                IFLA_BR_VLAN_FILTERING: ("vlan_filtering", "B"), IFLA_BR_VLAN_DEFAULT_PVID: ("default_pvid", "H")}

_HDR = struct.Struct("IHHII")  # nlmsghdr: length, type, flags, seq, pid
_NLA = struct.Struct("HH")
_IFINFO = struct.Struct("BxHiII")  # family, type, index, flags, change
_IFADDR = struct.Struct("BBBBI")  # family, prefixlen, flags, scope, index
_RTMSG = struct.Struct("BBBBBBBBI")  # family, dst_len, src_len, tos, table, protocol, scope, type, flags
_U32 = struct.Struct("I")
_RTNH = struct.Struct("HBBi")  # rtnexthop: length, flags, hops (weight - 1), ifindex


class DumpInterrupted(RuntimeError):
    """The kernel kept changing the table while it was dumped (NLM_F_DUMP_INTR every time):
    what was read is inconsistent, so nothing is returned."""


class LinkMsg(NamedTuple):
    index: int
    name: str
    flags: int  # IFF_*
    mac: str | None
    perm_mac: str | None
    mtu: int | None
    link: int | None  # IFLA_LINK: the parent of a VLAN
    master: int | None
    operstate: str
    carrier: bool | None
    kind: str | None
    info: dict  # bridge options or the VLAN id, by our names


def _attrs(data: bytes, pos: int, end: int, want) -> dict[int, tuple[int, int]]:
    """{type: (start, end)} of the wanted attributes between pos and end."""
    out = {}
    unpack = _NLA.unpack_from
    while pos + 4 <= end:
        length, kind = unpack(data, pos)
        if length < 4:
            break
        kind &= NLA_TYPE_MASK
        if kind in want:
            out[kind] = (pos + 4, pos + length)
        pos += (length + 3) & ~3
    return out


def _string(data: bytes, span) -> str:
    return data[span[0]:span[1]].split(b"\0", 1)[0].decode("utf-8", "replace")


def _ipv4(data: bytes, span) -> str | None:
    return socket.inet_ntop(socket.AF_INET, data[span[0]:span[1]]) if span else None


def _u32(data: bytes, span) -> int:
    return _U32.unpack_from(data, span[0])[0]


class RtnlDump:
    """One NETLINK_ROUTE socket for dumps; use as a context manager or close()."""

    def __init__(self, sock=None) -> None:
        """``sock``: a socket-like object (send, recv) to read from instead of the kernel's —
        the tests replay dumps recorded from a real kernel through it."""
        if sock is None:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            sock.bind((0, 0))
            sock.settimeout(RECV_TIMEOUT)
        self.sock = sock
        self.seq = 0

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RtnlDump:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _dump(self, msg_type: int, body: bytes) -> list[tuple[int, bytes, int, int]]:
        """(type, buffer, payload start, message end) of every message of one dump; a dump the
        kernel marks interrupted (the table changed meanwhile) is read again, and after
        DUMP_TRIES interrupted reads it is an error, never a silently inconsistent result."""
        for _ in range(DUMP_TRIES):
            self.seq += 1
            self.sock.send(_HDR.pack(_HDR.size + len(body), msg_type, NLM_F_REQUEST | NLM_F_DUMP, self.seq, 0) + body)
            out, interrupted = [], False
            while True:
                try:
                    data = self.sock.recv(1 << 20)
                except TimeoutError:
                    raise TimeoutError(f"netlink: the kernel did not answer a dump within {RECV_TIMEOUT:g} s") from None
                if not data:
                    raise OSError("netlink: the dump ended without NLMSG_DONE")
                pos, done = 0, False
                while pos + _HDR.size <= len(data):
                    length, kind, flags, seq, _pid = _HDR.unpack_from(data, pos)
                    if length < _HDR.size:
                        break
                    if seq == self.seq:
                        if kind == NLMSG_DONE:
                            done = True
                        elif kind == NLMSG_ERROR:
                            err = -struct.unpack_from("i", data, pos + _HDR.size)[0]
                            if err:
                                raise OSError(err, os.strerror(err))
                        else:
                            out.append((kind, data, pos + _HDR.size, pos + length))
                        interrupted |= bool(flags & NLM_F_DUMP_INTR)
                    pos += (length + 3) & ~3
                if done:
                    break
            if not interrupted:
                return out
        raise DumpInterrupted(f"netlink: the table changed during each of {DUMP_TRIES} dumps (NLM_F_DUMP_INTR); "
                              "the host is too busy to checkpoint")

    def links(self) -> list[LinkMsg]:
        ext = _NLA.pack(8, IFLA_EXT_MASK) + _U32.pack(RTEXT_FILTER_SKIP_STATS)
        unpack, u32 = _NLA.unpack_from, _U32.unpack_from
        want = LINK_ATTRS | {t | NLA_F_NESTED for t in LINK_ATTRS}  # no masking in the hot loop
        result = []
        for kind, data, pos, end in self._dump(RTM_GETLINK, _IFINFO.pack(socket.AF_UNSPEC, 0, 0, 0, 0) + ext):
            if kind != RTM_NEWLINK:
                continue
            _fam, _type, index, flags, _chg = _IFINFO.unpack_from(data, pos)
            name = mac = perm = mtu = link = master = carrier = link_kind = None
            oper, info = 0, {}
            pos += _IFINFO.size
            while pos + 4 <= end:  # one pass over the attributes, decoding only ours
                length, t = unpack(data, pos)
                if length < 4:
                    break
                if t in want:
                    t &= NLA_TYPE_MASK
                    start, stop = pos + 4, pos + length
                    if t == IFLA_IFNAME:
                        name = data[start:stop].split(b"\0", 1)[0].decode("utf-8", "replace")
                    elif t == IFLA_ADDRESS:
                        mac = data[start:stop]
                    elif t == IFLA_PERM_ADDRESS:
                        perm = data[start:stop]
                    elif t == IFLA_MTU:
                        mtu = u32(data, start)[0]
                    elif t == IFLA_LINK:
                        link = u32(data, start)[0]
                    elif t == IFLA_MASTER:
                        master = u32(data, start)[0]
                    elif t == IFLA_OPERSTATE:
                        oper = data[start]
                    elif t == IFLA_CARRIER:
                        carrier = bool(data[start])
                    elif t == IFLA_LINKINFO:
                        li = _attrs(data, start, stop, (IFLA_INFO_KIND, IFLA_INFO_DATA))
                        link_kind = _string(data, li[IFLA_INFO_KIND]) if IFLA_INFO_KIND in li else None
                        if IFLA_INFO_DATA in li:
                            info = _info_data(data, li[IFLA_INFO_DATA], link_kind)
                pos += (length + 3) & ~3
            result.append(LinkMsg(
                index, name if name is not None else str(index), flags,
                mac.hex(":") if mac and any(mac) else None, perm.hex(":") if perm and any(perm) else None,
                mtu, link, master, OPERSTATES[oper] if oper < len(OPERSTATES) else "unknown",
                carrier, link_kind, info,
            ))
        return result

    def bridge_vlans(self) -> dict[int, list[tuple[int, int]]]:
        """{ifindex: [(vid, flags)]} of every bridge and bridge port (BRIDGE_VLAN_INFO_*)."""
        ext = _NLA.pack(8, IFLA_EXT_MASK) + _U32.pack(RTEXT_FILTER_BRVLAN)
        out: dict[int, list[tuple[int, int]]] = {}
        for kind, data, pos, end in self._dump(RTM_GETLINK, _IFINFO.pack(AF_BRIDGE, 0, 0, 0, 0) + ext):
            if kind != RTM_NEWLINK:
                continue
            index = _IFINFO.unpack_from(data, pos)[2]
            spec = _attrs(data, pos + _IFINFO.size, end, (IFLA_AF_SPEC,)).get(IFLA_AF_SPEC)
            if spec is None:
                continue
            cur = spec[0]
            while cur + 4 <= spec[1]:
                length, t = _NLA.unpack_from(data, cur)
                if length < 4:
                    break
                if t & NLA_TYPE_MASK == IFLA_BRIDGE_VLAN_INFO and length >= 8:
                    flags, vid = struct.unpack_from("HH", data, cur + 4)
                    out.setdefault(index, []).append((vid, flags))
                cur += (length + 3) & ~3
        return out

    def ipv4_addresses(self) -> list[tuple[int, str, int]]:
        """(ifindex, address, prefix length) of every IPv4 address."""
        out = []
        for kind, data, pos, end in self._dump(RTM_GETADDR, _IFADDR.pack(socket.AF_INET, 0, 0, 0, 0)):
            if kind != RTM_NEWADDR:
                continue
            family, plen, _flags, _scope, index = _IFADDR.unpack_from(data, pos)
            a = _attrs(data, pos + _IFADDR.size, end, (IFA_ADDRESS, IFA_LOCAL))
            span = a.get(IFA_LOCAL) or a.get(IFA_ADDRESS)
            if family == socket.AF_INET and span:
                out.append((index, _ipv4(data, span), plen))
        return out

    def ipv4_routes(self) -> list[dict]:
        """Every IPv4 route: table, protocol, type, dst ('default' or CIDR), gateway, oif, and
        for a multipath route its nexthops [(gateway, oif, weight)] (gateway and oif None)."""
        out = []
        for kind, data, pos, end in self._dump(RTM_GETROUTE, _RTMSG.pack(socket.AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)):
            if kind != RTM_NEWROUTE:
                continue
            _fam, dst_len, _s, _tos, table, proto, _scope, rtype, _f = _RTMSG.unpack_from(data, pos)
            a = _attrs(data, pos + _RTMSG.size, end, (RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_TABLE, RTA_MULTIPATH))
            out.append({
                "table": _u32(data, a[RTA_TABLE]) if RTA_TABLE in a else table, "proto": proto, "type": rtype,
                "dst": "default" if dst_len == 0 else f"{_ipv4(data, a.get(RTA_DST))}/{dst_len}",
                "gateway": _ipv4(data, a.get(RTA_GATEWAY)), "oif": _u32(data, a[RTA_OIF]) if RTA_OIF in a else None,
                "multipath": _nexthops(data, a[RTA_MULTIPATH]) if RTA_MULTIPATH in a else None,
            })
        return out


def _nexthops(data: bytes, span) -> list[tuple[str | None, int, int]]:
    """The rtnexthop entries of RTA_MULTIPATH: (gateway, ifindex, weight)."""
    out, pos = [], span[0]
    while pos + _RTNH.size <= span[1]:
        length, _flags, hops, ifindex = _RTNH.unpack_from(data, pos)
        if length < _RTNH.size:
            break
        gw = _attrs(data, pos + _RTNH.size, pos + length, (RTA_GATEWAY,)).get(RTA_GATEWAY)
        out.append((_ipv4(data, gw), ifindex, hops + 1))
        pos += (length + 3) & ~3
    return out


def _info_data(data: bytes, span, kind: str | None) -> dict:
    if kind == "bridge":
        a = _attrs(data, span[0], span[1], BRIDGE_ATTRS)
        return {name: struct.unpack_from(fmt, data, a[t][0])[0] for t, (name, fmt) in BRIDGE_ATTRS.items() if t in a}
    if kind == "vlan":
        a = _attrs(data, span[0], span[1], (IFLA_VLAN_ID,))
        return {"id": struct.unpack_from("H", data, a[IFLA_VLAN_ID][0])[0]} if IFLA_VLAN_ID in a else {}
    return {}
