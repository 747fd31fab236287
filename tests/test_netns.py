"""The host side on this machine's own kernel, in network namespaces with veth NICs and a
real dnsmasq: inventory, the DHCP probe and client, and apply/restore of links, bridges,
addresses, routes and MTU. Checked with ip -j, not with our code."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# unique per run: two runs at once (or a run next to another engineer's) never share a namespace
_RUN = f"{os.getpid()}-{secrets.token_hex(3)}"
NODE, SWITCH = f"hns-node-{_RUN}", f"hns-sw-{_RUN}"


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("dnsmasq") is None:
        return "dnsmasq is not installed (scripts/setup installs dnsmasq-base)"
    return None


pytestmark = [pytest.mark.netns, pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")]


def sh(cmd: str) -> str:
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    assert r.returncode == 0, f"{cmd}: {r.stderr}"
    return r.stdout


def in_node(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    e = dict(os.environ, **(env or {}))
    return subprocess.run(["ip", "netns", "exec", NODE, sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=e, timeout=timeout)


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


@pytest.fixture()
def wire(tmp_path):
    for ns in (NODE, SWITCH):
        sh(f"ip netns add {ns}")
    sh(f"ip -n {NODE} link add eth0 type veth peer name sw0 netns {SWITCH}")
    sh(f"ip -n {NODE} link add eth1 type veth peer name sw1 netns {SWITCH}")
    sh(f"ip -n {SWITCH} link set sw0 up && ip -n {SWITCH} link set sw1 up && ip -n {SWITCH} addr add 10.9.0.1/24 dev sw0")
    sh(f"ip -n {NODE} link set lo up && ip -n {NODE} link set eth0 up && ip -n {NODE} link set eth1 up")
    leases = tmp_path / "leases"
    dnsmasq = subprocess.Popen(
        ["ip", "netns", "exec", SWITCH, "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--port=0",
         "--bind-interfaces", "--interface=sw0", "--dhcp-range=10.9.0.100,10.9.0.150,255.255.255.0,1h",
         "--dhcp-option=option:dns-server,10.9.0.53", f"--dhcp-leasefile={leases}", "--dhcp-authoritative", "--no-ping"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)
    assert dnsmasq.poll() is None, dnsmasq.stderr.read()
    yield {"leases": leases}
    dnsmasq.terminate()
    dnsmasq.wait()
    for ns in (NODE, SWITCH):
        subprocess.run(f"ip netns del {ns}", shell=True, capture_output=True)


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
        assert (n["mac"], n["mtu"], n["kind"], n["physical"]) == (l["address"], l["mtu"], l["linkinfo"]["info_kind"], False)
        assert n["operstate"] == l["operstate"].lower()
        assert n["master"] == l.get("master")
        assert n["carrier"] == (("NO-CARRIER" not in l["flags"]) if "UP" in l["flags"] else None)
    assert nics["eth0"]["ipv4"] == ["10.9.0.10/24"] and nics["eth0"]["default_route"] and nics["eth0"]["ssh_session"]
    assert not nics["eth1"]["default_route"] and not nics["eth1"]["ssh_session"] and nics["eth1"]["mtu"] == 1400
    # physical NICs only by default: veths are virtual
    r = in_node("-m", "tui", "inventory", "--json")
    assert json.loads(r.stdout)["nics"] == []


def test_rtnl_dump_reads_what_ip_shows(wire):
    """The read-only netlink parser (tui.net.rtnl_dump) against ip -j: every link field the
    tool uses, bridge options, a bridge port, carrier, addresses and routes."""
    sh(f"ip -n {NODE} link add br0 type bridge stp_state 0 forward_delay 0 && ip -n {NODE} link set eth1 master br0")
    sh(f"ip -n {NODE} link set br0 up mtu 1400 && ip -n {NODE} addr add 10.8.0.2/24 dev br0")
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} addr add 10.9.1.10/24 dev eth0")
    sh(f"ip -n {NODE} route add default via 10.9.0.1 dev eth0 && ip -n {NODE} route add 10.7.0.0/16 via 10.8.0.1")
    code = textwrap.dedent("""
        import json
        from tui.net.rtnl_dump import RtnlDump
        with RtnlDump() as r:
            print(json.dumps({"links": [m._asdict() for m in r.links()], "addrs": r.ipv4_addresses(),
                              "routes": r.ipv4_routes()}))
    """)
    r = in_node("-c", code)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    links = {m["name"]: m for m in got["links"]}
    for l in ipj("-d link show"):
        m = links.pop(l["ifname"])
        assert m["index"] == l["ifindex"] and m["mtu"] == l["mtu"] and m["operstate"] == l["operstate"].lower()
        assert m["mac"] == (l["address"] if l["address"] != "00:00:00:00:00:00" else None)
        assert m["kind"] == l.get("linkinfo", {}).get("info_kind")
        master = [x["ifname"] for x in ipj("link show") if x["ifindex"] == m["master"]]
        assert master == ([l["master"]] if "master" in l else [])
        if "UP" in l["flags"]:
            assert m["carrier"] == ("NO-CARRIER" not in l["flags"])
    assert not links, f"links ip does not show: {sorted(links)}"
    br = ipj("-d link show dev br0")[0]["linkinfo"]["info_data"]
    info = next(m["info"] for m in got["links"] if m["name"] == "br0")
    assert (info["stp_state"], info["forward_delay"]) == (br["stp_state"], br["forward_delay"])
    ifindex = {l["ifname"]: l["ifindex"] for l in ipj("link show")}
    assert sorted(tuple(a) for a in got["addrs"]) == sorted(
        (ifindex[a["ifname"]], i["local"], i["prefixlen"]) for a in ipj("-4 addr show") for i in a["addr_info"])
    main = sorted((x["dst"], x["gateway"], x["oif"]) for x in got["routes"] if x["table"] == 254)
    assert main == sorted((x["dst"], x.get("gateway"), ifindex[x["dev"]]) for x in ipj("-4 route show"))


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


APPLY = textwrap.dedent("""
    import json, sys
    from tui.model.netstate import HostState, Link, KernelRoute, Target, sorted_attrs
    from tui.net.apply import apply, prepare, restore
    from tui.net.real import RealHost
    want = HostState((
        Link("eth0", None, True, 1400, "br0"), Link("eth1", None, True, 1400, "br0"),
        Link("br0", "bridge", True, 1400, None, sorted_attrs(stp_state=0, forward_delay=0)),
    ), (("br0", "10.9.0.20/24"),), (KernelRoute("default", "10.9.0.1", "br0"),)).normalized()
    target = Target(want, want.names, "br0", "10.9.0.1", owns_default=True)

    class Failing(RealHost):
        k = int(sys.argv[1])
        def run(self, step):
            if self.k == 0:
                self.k = -1
                raise RuntimeError("injected")
            self.k -= 1
            super().run(step)

    host = Failing()
    out = apply(host, target)
    print(json.dumps({"ok": out.ok, "restored": out.restored, "steps": len(out.steps), "error": out.error, "left": out.restore_problems}))
""")


def test_apply_bridge_addresses_routes_mtu_and_restore_on_each_failure(wire, tmp_path):
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    before = oracle()
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")}
    r = in_node("-c", APPLY, "-1", env=env)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["ok"], res
    after = oracle()
    assert after["links"]["br0"] == (True, 1400, None, "bridge")
    assert after["links"]["eth0"][2] == "br0" and after["links"]["eth1"][1] == 1400
    assert ("br0", "10.9.0.20", 24) in after["addrs"] and ("eth0", "10.9.0.10", 24) not in after["addrs"]
    assert ("default", "10.9.0.1", "br0", ()) in after["routes"]
    # back to the start, then fail at every step: each time the exact prior state returns
    sh(f"ip -n {NODE} link del br0 && ip -n {NODE} link set eth0 mtu 1500 && ip -n {NODE} link set eth1 mtu 1500")
    sh(f"ip -n {NODE} link set eth0 up && ip -n {NODE} link set eth1 up")
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    assert oracle() == before
    for k in range(res["steps"]):
        r = in_node("-c", APPLY, str(k), env=env)
        out = json.loads(r.stdout)
        assert not out["ok"] and out["restored"], (k, out)
        assert oracle() == before, f"failure at step {k} left a different state"


def test_a_kernel_without_bonding_is_refused_before_anything_changes(wire, tmp_path):
    have = subprocess.run(f"ip -n {NODE} link add hnsprobe type bond", shell=True, capture_output=True)
    if have.returncode == 0:  # a kernel with bonding: the feature check must say so (the VM tests apply)
        sh(f"ip -n {NODE} link del hnsprobe")
        r = in_node("-c", "from tui.net.netlink import missing_kernel_features as m; print(m(frozenset({'bond'})))")
        assert r.stdout.strip() == "[]", r.stderr
        return
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0")
    before = oracle()
    profile = tmp_path / "p.yaml"
    profile.write_text("version: 1\nnode: {hostname: n1, dns: [10.9.0.53]}\nmanagement:\n  interfaces: [{name: eth0}]\n"
                       "  ipv4: {method: static, address: 10.9.0.20/24, gateway: 10.9.0.1}\n")
    inv = tmp_path / "inv.json"
    inv.write_text(in_node("-m", "tui", "inventory", "--all", "--json").stdout.replace('"physical": false', '"physical": true'))
    r = in_node("-m", "tui", "apply", str(profile), "--inventory", str(inv), env={"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")})
    assert r.returncode == 1 and "this kernel lacks bonding" in r.stderr and "nothing was changed" in r.stderr
    assert oracle() == before


KILLED = APPLY.replace('raise RuntimeError("injected")', '__import__("os")._exit(9)  # dies mid-way, as under kill -9')
assert KILLED != APPLY


def _journal_gone(path, within: float) -> float | None:
    """Seconds until ``path`` disappears (None: it stayed)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < within:
        if not os.path.exists(path):
            return time.monotonic() - t0
        time.sleep(0.02)
    return None


def test_a_kill_9_mid_apply_is_restored_by_the_armed_timer(wire, tmp_path):
    """The revert timer runs before the first step: the applier dies (as under kill -9) after
    step 4, and the timer restores the exact prior state by itself, no person needed."""
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    before = oracle()
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")}
    r = in_node("-c", KILLED, "4", env=env)
    assert r.returncode == 9
    took = _journal_gone(tmp_path / "run" / "journal.json", 30)
    assert took is not None, "the armed timer did not restore"
    assert oracle() == before
    log = (tmp_path / "run" / "harvester-netsetup.log").read_text()
    assert "revert timer: the applying process died; restoring the checkpoint" in log and "restore: verified" in log
    print(f"kill -9 after step 4 -> restored by the timer in {took:.2f} s (netns)")


def test_an_interrupted_apply_without_its_timer_is_visible_and_rolled_back_at_the_next_start(wire, tmp_path):
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    before = oracle()
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")}
    # the timer dies with the applier (a whole-box crash): the journal stays for the next start
    no_timer = KILLED.replace("class Failing(RealHost):", "class Failing(RealHost):\n    arm_timer = lambda self, token: None")
    r = in_node("-c", no_timer, "4", env=env)
    assert r.returncode == 9
    assert oracle() != before  # half applied
    journal = json.loads((tmp_path / "run" / "journal.json").read_text())
    assert journal["state"] == "applying"
    profile = tmp_path / "p.yaml"
    profile.write_text("version: 1\nnode: {dns: [10.9.0.53]}\nmanagement: {interfaces: [{name: eth0}], ipv4: {method: dhcp}}\n")
    r = in_node("-m", "tui", "apply", str(profile), env=env)
    assert r.returncode == 1 and "an interrupted apply is recorded" in r.stderr and "rollback" in r.stderr
    r = in_node("-m", "tui", "rollback", env=env)
    assert r.returncode == 0, r.stderr
    assert "rolled back: the prior network state is back (verified)" in r.stderr
    assert oracle() == before
    assert not (tmp_path / "run" / "journal.json").exists()


SIGNALLED = APPLY.replace('raise RuntimeError("injected")',
                          '__import__("os").kill(__import__("os").getpid(), 15); __import__("time").sleep(5)')


def test_sigterm_mid_apply_restores_in_process(wire, tmp_path):
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    before = oracle()
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")}
    for k in (0, 3):
        r = in_node("-c", SIGNALLED, str(k), env=env)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert not out["ok"] and out["restored"] and out["error"] == "interrupted by SIGTERM", out
        assert oracle() == before and not (tmp_path / "run" / "journal.json").exists()


def test_demo_never_reaches_the_real_host(wire, tmp_path):
    """--demo apply with a confirm timeout, then --demo rollback, in a namespace with a real
    default route: no journal, no timer, no netlink change (ip -j before/after)."""
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    before = oracle()
    run = tmp_path / "run"
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(run)}
    profile = tmp_path / "p.yaml"
    profile.write_text("version: 1\nnode: {hostname: n1, dns: [10.0.0.53]}\nmanagement:\n"
                       "  interfaces: [{name: ens1f0}, {name: ens1f1}]\n  ipv4: {method: static, address: 10.0.0.12/24, gateway: 10.0.0.1}\n")
    r = in_node("-m", "tui", "--demo", "apply", str(profile), "--confirm-timeout", "2", env=env)
    assert r.returncode == 0 and "pending" in r.stderr, r.stderr
    time.sleep(3.5)  # past the deadline: a leaked timer would act now
    for cmd in ("rollback", "confirm"):
        r = in_node("-m", "tui", "--demo", cmd, env=env)
        assert r.returncode == 0, r.stderr
    assert not run.exists() and oracle() == before
    assert "revert-timer" not in sh("ps -eo args")


def test_a_multipath_default_route_is_never_lost(wire, tmp_path):
    """The checkpoint cannot hold a multipath route: the apply is refused before any change,
    and the route (both nexthops, weights) is there afterwards, as is everything else."""
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} addr add 10.9.5.10/24 dev eth1")
    sh(f"ip -n {NODE} route add default nexthop via 10.9.0.1 dev eth0 weight 1 nexthop via 10.9.5.1 dev eth1 weight 2")
    before = oracle()
    assert any(r[3] for r in before["routes"])
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")}
    r = in_node("-c", APPLY, "-1", env=env)
    out = json.loads(r.stdout)
    assert not out["ok"] and "multipath" in out["error"] and "nothing was changed" not in out["error"], out
    assert oracle() == before
    r = in_node("-m", "tui", "rollback", env=env)
    assert r.returncode == 0 and "nothing to roll back" in r.stderr
    assert oracle() == before


def test_the_lock_refuses_a_second_apply_confirm_and_rollback(wire, tmp_path):
    run = tmp_path / "run"
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(run)}
    holder = subprocess.Popen(
        ["ip", "netns", "exec", NODE, sys.executable, "-c",
         "import sys, time; from tui.net.journal import Journal; from tui.net.lock import exclusive\n"
         f"with exclusive(Journal({str(run)!r}), 'apply'):\n    print('held', flush=True); time.sleep(30)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        profile = tmp_path / "p.yaml"
        profile.write_text("version: 1\nnode: {dns: [10.9.0.53]}\nmanagement: {interfaces: [{name: eth0}], ipv4: {method: dhcp}}\n")
        for args in (("apply", str(profile)), ("confirm",), ("rollback",)):
            r = in_node("-m", "tui", *args, env=env)
            assert r.returncode == 1, (args, r.stderr)
            assert f"error: {run / 'lock'}: another harvester-netsetup is changing this host: pid {holder.pid} (apply)" \
                in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
    finally:
        holder.kill()
        holder.wait()


CORRUPT = [("garbage", "garbage{{{", "not JSON"), ("null", "null", "not an object"), ("list", "[]", "not an object"),
           ("empty", "{}", "state: missing")]


@pytest.mark.parametrize("name,text,message", CORRUPT, ids=[c[0] for c in CORRUPT])
def test_a_corrupt_journal_is_an_error_for_every_command(wire, tmp_path, name, text, message):
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    (run / "journal.json").write_text(text)
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(run)}
    profile = tmp_path / "p.yaml"
    profile.write_text("version: 1\nnode: {dns: [10.9.0.53]}\nmanagement: {interfaces: [{name: eth0}], ipv4: {method: dhcp}}\n")
    before = oracle()
    for args in (("confirm",), ("rollback",), ("apply", str(profile))):
        r = in_node("-m", "tui", *args, env=env)
        assert r.returncode == 1 and "Traceback" not in r.stderr, (args, r.stderr)
        assert f"error: {run / 'journal.json'}: " in r.stderr and message in r.stderr, (args, r.stderr)
    assert oracle() == before and (run / "journal.json").read_text() == text


def test_a_tagged_probe_on_a_kernel_without_8021q_is_refused_cleanly(wire):
    have = subprocess.run(f"ip -n {NODE} link add link eth0 name hnsq.5 type vlan id 5", shell=True, capture_output=True)
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


STOPPED = KILLED.replace('__import__("os")._exit(9)  # dies mid-way, as under kill -9',
                         '__import__("os").kill(__import__("os").getpid(), 19)  # SIGSTOP: hung mid-way').replace(
    "from tui.net.real import RealHost",
    "from tui.net.real import RealHost\nimport tui.net.apply as A; A.APPLY_LIMIT = 2")
assert STOPPED != KILLED


def test_an_applier_stopped_mid_apply_is_killed_and_restored_by_the_timer(wire, tmp_path):
    """Ctrl+Z (or a terminal that stalls) mid-apply: the process lives on, so the timer waited
    for ever with the network half applied. Past the apply's limit it kills it and restores."""
    sh(f"ip -n {NODE} addr add 10.9.0.10/24 dev eth0 && ip -n {NODE} route add default via 10.9.0.1 dev eth0")
    before = oracle()
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")}
    (tmp_path / "run").mkdir(mode=0o700)  # as the commands' lock makes it: the timer logs from its start
    r = in_node("-c", STOPPED, "4", env=env, timeout=30)
    assert r.returncode == -9, r.stderr
    assert _journal_gone(tmp_path / "run" / "journal.json", 10) is not None, "the timer did not restore"
    assert oracle() == before
    log = (tmp_path / "run" / "harvester-netsetup.log").read_text()
    assert "still applying past its limit" in log and "restore: verified" in log


def test_an_apply_refused_for_a_recorded_journal_says_why_in_the_log(wire, tmp_path):
    """The command checks the journal before it reads the profile: that refusal reached the
    terminal only, not the log a failed night-time rollout is diagnosed from."""
    run = tmp_path / "run"
    env = {"HARVESTER_NETSETUP_RUN_DIR": str(run)}
    code = ("import os; from tui.net import open_host; from tui.net.journal import Entry\n"
            "from tui.model.netstate import Target\n"
            "h = open_host(); s = h.snapshot(); t = Target(s, frozenset({'eth0'}))\n"
            "h.journal.write(Entry('failed', os.getpid(), t))")
    assert in_node("-c", code, env=env).returncode == 0
    profile = tmp_path / "p.yaml"
    profile.write_text("version: 1\nnode: {dns: [10.9.0.53]}\n"
                       "management: {interfaces: [{name: eth0}], ipv4: {method: dhcp}}\n")
    r = in_node("-m", "tui", "apply", str(profile), env=env)
    assert r.returncode == 1 and "an apply whose restore failed is recorded" in r.stderr, r.stderr
    assert "an apply whose restore failed is recorded" in (run / "harvester-netsetup.log").read_text()
