"""The real-kernel tests' wire (tests/test_netns.py, tests/test_netns_inventory_dhcp.py): a
node namespace and a switch namespace with uniquely named namespaces per run, joined by two veth
pairs, dnsmasq on the switch; commands in the node, and the ``ip -j`` oracle. The fixture
``wire`` (tests/conftest.py) builds it around one test and removes it after."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# unique per run: two runs at once (or a run next to another engineer's) never share a namespace
_RUN = f"{os.getpid()}-{secrets.token_hex(3)}"
NODE, SWITCH = f"hns-node-{_RUN}", f"hns-sw-{_RUN}"
# a DHCP management profile on eth0 (the wire's DHCP server answers there)
DHCP_PROFILE = "version: 1\nnode: {dns: [10.9.0.53]}\nmanagement: {interfaces: [{name: eth0}], ipv4: {method: dhcp}}\n"


def why_not() -> str | None:
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("dnsmasq") is None:
        return "dnsmasq is not installed (scripts/setup installs dnsmasq-base)"
    return None


def sh(cmd: str) -> str:
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    assert r.returncode == 0, f"{cmd}: {r.stderr}"
    return r.stdout


def in_node(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    e = dict(os.environ, **(env or {}))
    return subprocess.run(["ip", "netns", "exec", NODE, sys.executable, *args],
                          capture_output=True, text=True, cwd=ROOT, env=e, timeout=timeout)


def ipj(cmd: str):
    return json.loads(sh(f"ip -n {NODE} -j {cmd}") or "[]")


def oracle() -> dict:
    links = {l["ifname"]: (("UP" in l["flags"]), l["mtu"], l.get("master"), l.get("linkinfo", {}).get("info_kind"))
             for l in ipj("-d link show") if l["ifname"] != "lo"}
    addrs = sorted((a["ifname"], i["local"], i["prefixlen"]) for a in ipj("-4 addr show") for i in a["addr_info"])
    routes = sorted((r.get("dst"), r.get("gateway"), r.get("dev"),
                     tuple((h.get("gateway"), h.get("dev"), h.get("weight")) for h in r.get("nexthops", ())))
                    for r in ipj("-4 route show"))
    return {"links": links, "addrs": addrs, "routes": routes}


def wire(tmp_path):
    """The fixture ``wire`` (tests/conftest.py): the namespaces, the veths and dnsmasq, then gone."""
    for ns in (NODE, SWITCH):
        sh(f"ip netns add {ns}")
    sh(f"ip -n {NODE} link add eth0 type veth peer name sw0 netns {SWITCH}")
    sh(f"ip -n {NODE} link add eth1 type veth peer name sw1 netns {SWITCH}")
    sh(f"ip -n {SWITCH} link set sw0 up && ip -n {SWITCH} link set sw1 up"
       f" && ip -n {SWITCH} addr add 10.9.0.1/24 dev sw0")
    sh(f"ip -n {NODE} link set lo up && ip -n {NODE} link set eth0 up && ip -n {NODE} link set eth1 up")
    leases = tmp_path / "leases"
    dnsmasq = subprocess.Popen(
        ["ip", "netns", "exec", SWITCH, "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--port=0",
         "--bind-interfaces", "--interface=sw0", "--dhcp-range=10.9.0.100,10.9.0.150,255.255.255.0,1h",
         "--dhcp-option=option:dns-server,10.9.0.53", f"--dhcp-leasefile={leases}", "--dhcp-authoritative",
         "--no-ping"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)
    assert dnsmasq.poll() is None, dnsmasq.stderr.read()
    yield {"leases": leases}
    dnsmasq.terminate()
    dnsmasq.wait()
    for ns in (NODE, SWITCH):
        subprocess.run(f"ip netns del {ns}", shell=True, capture_output=True)
