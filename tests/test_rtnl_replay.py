"""tui.net.rtnl_dump on netlink dumps recorded from a real kernel (tests/fixtures/netlink,
made by record.py there), checked against the ``ip -j`` output recorded with them: the parser
is tested on every machine, root or not. Edge cases: NLM_F_DUMP_INTR, multipath routes, a
kernel that does not answer."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import pytest

from tui.net.errors import HostUnsupported
from tui.net.host_state import read_state
from tui.net.rtnl_dump import DUMP_TRIES, RECV_TIMEOUT, DumpInterrupted, RtnlDump

DUMPS = json.loads((Path(__file__).parent / "fixtures" / "netlink" / "dumps.json").read_text())
HDR = struct.Struct("IHHII")
DUMP_INTR = 0x10
CALLS = ("links", "bridge_vlans", "ipv4_addresses", "ipv4_routes")


class Replay:
    """A netlink socket that answers each request with the recorded chunks of that dump,
    the sequence numbers set to the request's; ``intr``: how many answers to mark
    NLM_F_DUMP_INTR (the kernel's "the table changed while I dumped it")."""

    def __init__(self, answers: list[list[str]], intr: int = 0, timeout: bool = False):
        self.answers, self.intr, self.timeout = answers, intr, timeout
        self.sent, self.queue, self.seq = 0, [], 0

    def send(self, data: bytes):
        self.seq = HDR.unpack_from(data)[3]
        chunks = [bytearray(base64.b64decode(c)) for c in self.answers[min(self.sent, len(self.answers) - 1)]]
        if self.intr:
            self.intr -= 1
            self._patch(chunks[0], flags=DUMP_INTR)
        for c in chunks:
            self._patch(c)
        self.queue = chunks
        self.sent += 1
        return len(data)

    def _patch(self, chunk: bytearray, flags: int = 0):
        pos = 0
        while pos + HDR.size <= len(chunk):
            length, kind, f, _seq, pid = HDR.unpack_from(chunk, pos)
            HDR.pack_into(chunk, pos, length, kind, f | flags, self.seq, pid)
            pos += (length + 3) & ~3

    def recv(self, n):
        if self.timeout:
            raise TimeoutError("timed out")
        return bytes(self.queue.pop(0))

    def close(self):
        pass


def replay(scenario: str, **kw) -> RtnlDump:
    """One socket for the four dumps in the recorded order."""
    dumps = DUMPS["scenarios"][scenario]["dumps"]

    class Seq(Replay):
        def send(self, data):
            self.answers = [dumps[CALLS[self.calls]]]
            self.calls += 1
            self.sent = 0
            return super().send(data)

    sock = Seq([], **kw)
    sock.calls = 0
    return RtnlDump(sock)


@pytest.mark.parametrize("scenario", sorted(DUMPS["scenarios"]))
def test_recorded_dumps_read_what_ip_showed(scenario):
    ip = DUMPS["scenarios"][scenario]["ip"]
    with replay(scenario) as r:
        links, _vlans, addrs, routes = r.links(), r.bridge_vlans(), r.ipv4_addresses(), r.ipv4_routes()
    by_name = {m.name: m for m in links}
    assert sorted(by_name) == sorted(l["ifname"] for l in ip["links"])
    for l in ip["links"]:
        m = by_name[l["ifname"]]
        assert (m.index, m.mtu, m.operstate) == (l["ifindex"], l["mtu"], l["operstate"].lower())
        assert m.mac == (l["address"] if l["address"] != "00:00:00:00:00:00" else None)
        assert m.kind == l.get("linkinfo", {}).get("info_kind")
        assert m.master == next((x["ifindex"] for x in ip["links"] if x["ifname"] == l.get("master")), None)
    index = {l["ifname"]: l["ifindex"] for l in ip["links"]}
    assert sorted(addrs) == sorted((index[a["ifname"]], i["local"], i["prefixlen"])
                                   for a in ip["addrs"] for i in a["addr_info"])
    main = [r for r in ip["routes"] if r.get("table", "main") == "main" and r.get("type", "unicast") == "unicast"]
    got = [r for r in routes if r["table"] == 254 and r["type"] == 1]
    assert sorted((r["dst"], r["gateway"], r["oif"]) for r in got) == sorted(
        (r["dst"], r.get("gateway"), index.get(r.get("dev"))) for r in main)
    for want in (r for r in main if "nexthops" in r):
        have = next(r for r in got if r["dst"] == want["dst"])
        assert have["multipath"] == [(h["gateway"], index[h["dev"]], h.get("weight", 1)) for h in want["nexthops"]]
    assert any("nexthops" in r for r in main) == (scenario == "multipath")


def test_a_host_with_a_multipath_default_route_is_refused():
    with pytest.raises(HostUnsupported,
                       match=r"the route default is multipath \(via 10.9.0.1 dev eth0, via 10.8.0.1 dev br0\)"):
        read_state(rtnl=replay("multipath"))
    assert read_state(rtnl=replay("plain")).routes  # the plain one reads


def test_an_interrupted_dump_is_read_again():
    sock = Replay([DUMPS["scenarios"]["plain"]["dumps"]["links"]], intr=DUMP_TRIES - 1)
    links = RtnlDump(sock).links()
    assert sock.sent == DUMP_TRIES and {m.name for m in links} >= {"eth0", "br0"}


def test_a_dump_interrupted_every_time_raises_instead_of_returning_it():
    sock = Replay([DUMPS["scenarios"]["plain"]["dumps"]["links"]], intr=DUMP_TRIES)
    with pytest.raises(DumpInterrupted, match="NLM_F_DUMP_INTR"):
        RtnlDump(sock).links()
    assert sock.sent == DUMP_TRIES


def test_a_kernel_that_does_not_answer_times_out():
    with pytest.raises(TimeoutError, match=f"did not answer a dump within {RECV_TIMEOUT:g} s"):
        RtnlDump(Replay([[]], timeout=True)).ipv4_routes()
    with RtnlDump() as real:  # the real socket has the timeout set
        assert real.sock.gettimeout() == RECV_TIMEOUT
