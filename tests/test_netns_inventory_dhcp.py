"""The inventory and DHCP on this machine's own kernel, in network namespaces with veth NICs
and a real dnsmasq (tests/netns_wire.py): the inventory against ip -j, the DHCP probe (an
offer and no lease; no server; a tagged probe without 8021q) and the DHCP client."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.netns_wire import NODE, SWITCH, in_node, ipj, oracle, sh, why_not

pytestmark = [pytest.mark.netns, pytest.mark.skipif(why_not() is not None, reason=why_not() or "")]


def test_inventory_matches_ip(wire):
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    sh(f"ip -n {NODE} link set eth1 mtu 1400")
    sh(f"ip -n {NODE} link add br0 type bridge && ip -n {NODE} link set eth1 master br0")
    r = in_node("-m", "tui", "inventory", "--all", "--json", env={"SSH_CONNECTION": "10.9.0.77 50000 10.9.0.10 22"})
    assert r.returncode == 0, r.stderr
    nics = {n["name"]: n for n in json.loads(r.stdout)["nics"]}
    for l in ipj("-d link show"):
        if l["ifname"] == "lo":
            continue
        n = nics[l["ifname"]]
        assert (n["mac"], n["mtu"], n["kind"], n["physical"]) == \
            (l["address"], l["mtu"], l["linkinfo"]["info_kind"], False)
        assert n["operstate"] == l["operstate"].lower()
        assert n["master"] == l.get("master")
        assert n["carrier"] == (("NO-CARRIER" not in l["flags"]) if "UP" in l["flags"] else None)
    assert nics["eth0"]["ipv4"] == ["10.9.0.10/24"] and nics["eth0"]["default_route"] and nics["eth0"]["ssh_session"]
    assert not nics["eth1"]["default_route"] and not nics["eth1"]["ssh_session"] and nics["eth1"]["mtu"] == 1400
    # physical NICs only by default: veths are virtual
    r = in_node("-m", "tui", "inventory", "--json")
    assert json.loads(r.stdout)["nics"] == []


def test_dhcp_probe_sees_the_offer_and_takes_no_lease(wire):
    r = in_node("-m", "tui", "probe-dhcp", "eth0", "--timeout", "3", "--json")
    assert r.returncode == 0, r.stderr + r.stdout
    (offer,) = json.loads(r.stdout)["offers"]
    assert offer["server"] == "10.9.0.1" and offer["ip"].startswith("10.9.0.1") and offer["prefix"] == 24
    assert offer["dns"] == ["10.9.0.53"] and offer["lease_time"] == 3600
    assert not wire["leases"].exists() or wire["leases"].read_text().strip() == ""
    assert [i for a in ipj("-4 addr show dev eth0") for i in a["addr_info"]] == []


def test_dhcp_probe_with_no_server_says_so(wire):
    r = in_node("-m", "tui", "probe-dhcp", "eth1", "--timeout", "2")
    assert r.returncode == 1 and "no DHCP offer on eth1" in r.stdout


def test_dhcp_client_configures_address_and_default_route(wire):
    sh(f"ip -n {SWITCH} link set sw0 up")
    code = "from tui.net.dhcp import lease; o = lease('eth0', 15); print(o.ip, o.router)"
    r = in_node("-c", code)
    assert r.returncode == 0, r.stderr
    ip, router = r.stdout.split()
    assert [(a["local"], a["prefixlen"]) for a in ipj("-4 addr show dev eth0")[0]["addr_info"]] == [(ip, 24)]
    assert router == "10.9.0.1"
    assert [(x.get("gateway"), x["dev"]) for x in ipj("-4 route show default")] == [("10.9.0.1", "eth0")]


def test_a_tagged_probe_on_a_kernel_without_8021q_is_refused_cleanly(wire):
    have = subprocess.run(f"ip -n {NODE} link add link eth0 name hnsq.5 type vlan id 5",
                          shell=True, capture_output=True)
    before = oracle()
    r = in_node("-m", "tui", "probe-dhcp", "eth0", "--vlan", "10", "--timeout", "2")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    if have.returncode == 0:  # the kernel has 8021q: the probe runs (no server on VLAN 10)
        sh(f"ip -n {NODE} link del hnsq.5")
        assert "no DHCP offer on eth0 VLAN 10" in r.stdout
    else:
        assert "error: this kernel lacks 802.1Q VLANs (8021q): cannot probe VLAN 10; nothing was changed" in r.stderr
        assert oracle() == before


@pytest.mark.parametrize("args", [("nosuch0",), ("nosuch0", "--vlan", "10")], ids=["untagged", "tagged"])
def test_a_probe_on_a_missing_interface_says_so(wire, args):
    """It printed pyroute2's "Link not found" and then "no DHCP offer on nosuch0": an absent
    NIC read as a network without a DHCP server."""
    before = oracle()
    r = in_node("-m", "tui", "probe-dhcp", *args, "--timeout", "1")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "error: nosuch0 does not exist" in r.stderr and "no DHCP offer" not in r.stdout, (r.stdout, r.stderr)
    assert oracle() == before
