"""Helpers and fixtures for the tests that run inside the QEMU guest (tests/test_vm.py boots it).

The guest has five virtio NICs: the first three share QEMU hub 0 (two become the management
bond, the third is the "switch" side: the gateway and dnsmasq, in the namespace ``sw``), the
last two share hub 1 (the VLAN uplink and its peer in ``sw2``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB_DIR = tempfile.mkdtemp(prefix="hns-vmlab-")  # per run: dnsmasq's files, the run directory
RUN_DIR = os.path.join(LAB_DIR, "run")


def sh(cmd: str, check: bool = True) -> str:
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if check and r.returncode:
        raise AssertionError(f"{cmd}: {r.stderr.strip()}")
    return r.stdout


def ipj(cmd: str):
    return json.loads(sh(f"ip -j {cmd}") or "[]")


def virtio_nics() -> list[str]:
    """The guest's NICs in the order QEMU got them (tests/test_vm.py gives port i the MAC
    52:54:00:00:<hub>:<i>): hub 0 first, then hub 1."""
    found = {}
    for name in os.listdir("/sys/class/net"):
        with open(f"/sys/class/net/{name}/address") as fh:
            mac = fh.read().strip()
        if mac.startswith("52:54:00:00:0"):
            found[int(mac.split(":")[-1], 16)] = name
    return [found[i] for i in sorted(found)]


def cli(*args: str, env: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    e = dict(os.environ, HARVESTER_NETSETUP_RUN_DIR=RUN_DIR, **(env or {}))
    return subprocess.run([sys.executable, "-m", "tui", *args],
                          capture_output=True, text=True, cwd=ROOT, env=e, timeout=timeout)


def oracle_state(names: list[str]) -> dict:
    """The independent view: ip -j / bridge -j, stripped of counters and timers."""
    links = {}
    for l in ipj("-d link show"):
        if l["ifname"] == "lo":
            continue
        info = l.get("linkinfo", {})
        links[l["ifname"]] = {
            "up": "UP" in l.get("flags", []), "mtu": l.get("mtu"), "master": l.get("master"),
            "kind": info.get("info_kind"), "address": l.get("address"),
            "data": {k: v for k, v in (info.get("info_data") or {}).items()
                     if k in ("mode", "miimon", "vlan_filtering", "stp_state", "forward_delay", "vlan_default_pvid",
                              "id", "lacp_rate", "xmit_hash_policy")},
        }
    addrs = sorted((a["ifname"], i["local"], i["prefixlen"])
                   for a in ipj("-4 addr show") for i in a.get("addr_info", []) if a["ifname"] != "lo")
    routes = sorted((r.get("dst"), r.get("gateway"), r.get("dev")) for r in ipj("-4 route show table main"))
    vlans = {}
    for entry in json.loads(sh("bridge -j vlan show") or "[]"):
        vlans[entry["ifname"]] = sorted((v["vlan"], tuple(sorted(v.get("flags", [])))) for v in entry.get("vlans", []))
    return {"links": links, "addrs": addrs, "routes": routes, "vlans": vlans}


@pytest.fixture(scope="session")
def lab():
    info, procs = setup_lab()
    yield info
    for p in procs:
        p.terminate()


def setup_lab():
    nics = virtio_nics()
    assert len(nics) >= 5, f"the guest needs 5 virtio NICs, has {nics}"
    m1, m2, peer, uplink, upeer = nics[:5]
    sh("modprobe bonding; modprobe 8021q; modprobe bridge", check=False)
    for ns, dev in (("sw", peer), ("sw2", upeer)):
        sh(f"ip netns add {ns}")
        sh(f"ip link set {dev} netns {ns}")
        sh(f"ip -n {ns} link set {dev} up; ip -n {ns} link set lo up")
    # a router answers ARP only on the VLAN interface that owns the address (strong host)
    sh("ip netns exec sw sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.default.arp_ignore=1")
    sh(f"ip -n sw addr add 10.0.0.1/24 dev {peer}")
    sh(f"ip -n sw link add link {peer} name {peer}.100 type vlan id 100; ip -n sw link set {peer}.100 up")
    sh(f"ip -n sw addr add 10.0.100.1/24 dev {peer}.100")
    sh(f"ip -n sw link set {peer} mtu 9000; ip -n sw link set {peer}.100 mtu 9000")
    sh(f"ip -n sw2 link add link {upeer} name {upeer}.200 type vlan id 200; ip -n sw2 link set {upeer}.200 up")
    sh(f"ip -n sw2 addr add 10.0.200.1/24 dev {upeer}.200")
    procs = []
    for ns, spec in (("sw", f"--interface={peer} --interface={peer}.100 "
                            "--dhcp-range=10.0.0.100,10.0.0.150,255.255.255.0,1h "
                            "--dhcp-range=10.0.100.100,10.0.100.150,255.255.255.0,1h "
                            f"--dhcp-option=tag:{peer}.100,option:router,10.0.100.1"),
                     ("sw2", f"--interface={upeer}.200 --dhcp-range=10.0.200.100,10.0.200.150,255.255.255.0,1h")):
        procs.append(subprocess.Popen(
            f"ip netns exec {ns} dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --port=0 "
            f"--dhcp-leasefile={LAB_DIR}/dnsmasq-{ns}.leases --pid-file={LAB_DIR}/dnsmasq-{ns}.pid "
            f"--no-ping --log-dhcp {spec}",
            shell=True, stdout=subprocess.DEVNULL, stderr=open(f"{LAB_DIR}/dnsmasq-{ns}.log", "w")))
    time.sleep(1)
    for p in procs:
        assert p.poll() is None, open(f"{LAB_DIR}/dnsmasq-sw.log").read()
    return {"m1": m1, "m2": m2, "uplink": uplink, "peer": peer}, procs


@pytest.fixture()
def clean(lab):
    """Every test starts from the same host: NICs free, down, MTU 1500, no addresses."""
    for l in ipj("link show"):
        if l["ifname"].startswith(("mgmt-", "vlan-", "harvester-", "hnsp")) and "@" not in l["ifname"]:
            sh(f"ip link del {l['ifname']}", check=False)
    for l in ipj("link show"):
        if l["ifname"].startswith(("mgmt-", "vlan-", "harvester-")):
            sh(f"ip link del {l['ifname']}", check=False)
    for dev in (lab["m1"], lab["m2"], lab["uplink"]):
        sh(f"ip link set {dev} nomaster; ip addr flush dev {dev}; ip link set {dev} mtu 1500; ip link set {dev} up",
           check=False)
    sh(f"rm -rf {RUN_DIR}", check=False)
    return lab


def profile_file(tmp_path, text: str) -> str:
    p = tmp_path / "profile.yaml"
    p.write_text(text)
    return str(p)
