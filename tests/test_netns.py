"""The host side on this machine's own kernel, in network namespaces with veth NICs and a
real dnsmasq (tests/netns_wire.py): the read-only netlink parser, and apply/restore of links,
bridges, addresses, routes and MTU, with the journal, the lock and the revert timer. Checked
with ip -j, not with our code. The inventory and DHCP: tests/test_netns_inventory_dhcp.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.netns_wire import DHCP_PROFILE, NODE, ROOT, in_node, ipj, oracle, sh, why_not

pytestmark = [pytest.mark.netns, pytest.mark.skipif(why_not() is not None, reason=why_not() or "")]


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


APPLY = textwrap.dedent("""
    import json, sys
    from tui.model.netstate import HostState, Link, KernelRoute, Target, sorted_attrs
    from tui.net.restore import restore
    from tui.net.transaction import apply, prepare
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
    print(json.dumps({"ok": out.ok, "restored": out.restored, "steps": len(out.steps), "error": out.error,
                      "left": out.restore_problems}))
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
    listed = in_node("-m", "tui", "inventory", "--all", "--json").stdout
    inv.write_text(listed.replace('"physical": false', '"physical": true'))
    r = in_node("-m", "tui", "apply", str(profile), "--inventory", str(inv),
                env={"HARVESTER_NETSETUP_RUN_DIR": str(tmp_path / "run")})
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
    no_timer = KILLED.replace("class Failing(RealHost):",
                              "class Failing(RealHost):\n    arm_timer = lambda self, token: None")
    r = in_node("-c", no_timer, "4", env=env)
    assert r.returncode == 9
    assert oracle() != before  # half applied
    journal = json.loads((tmp_path / "run" / "journal.json").read_text())
    assert journal["state"] == "applying"
    profile = tmp_path / "p.yaml"
    profile.write_text(DHCP_PROFILE)
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
                       "  interfaces: [{name: ens1f0}, {name: ens1f1}]\n"
                       "  ipv4: {method: static, address: 10.0.0.12/24, gateway: 10.0.0.1}\n")
    r = in_node("-m", "tui", "--demo", "apply", str(profile), "--confirm-timeout", "2", env=env)
    assert r.returncode == 0 and "pending" in r.stderr, r.stderr
    time.sleep(3.5)  # past the deadline: a leaked timer would act now
    for cmd in ("rollback", "confirm"):
        r = in_node("-m", "tui", "--demo", cmd, env=env)
        assert r.returncode == 0, r.stderr
    assert not run.exists() and oracle() == before
    assert _timers_for(run) == []


def _timers_for(run_dir) -> list[int]:
    """PIDs of revert timers started for ``run_dir`` (its environment names it): other runs'
    timers on the same machine are not this test's."""
    mine = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            env = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"revert-timer" in args and f"HARVESTER_NETSETUP_RUN_DIR={run_dir}".encode() in env:
            mine.append(int(proc.name))
    return mine


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
        profile.write_text(DHCP_PROFILE)
        for args in (("apply", str(profile)), ("confirm",), ("rollback",)):
            r = in_node("-m", "tui", *args, env=env)
            assert r.returncode == 1, (args, r.stderr)
            busy = f"error: {run / 'lock'}: another harvester-netsetup is changing this host: pid {holder.pid} (apply)"
            assert busy in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
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
    profile.write_text(DHCP_PROFILE)
    before = oracle()
    for args in (("confirm",), ("rollback",), ("apply", str(profile))):
        r = in_node("-m", "tui", *args, env=env)
        assert r.returncode == 1 and "Traceback" not in r.stderr, (args, r.stderr)
        assert f"error: {run / 'journal.json'}: " in r.stderr and message in r.stderr, (args, r.stderr)
    assert oracle() == before and (run / "journal.json").read_text() == text


STOPPED = KILLED.replace('__import__("os")._exit(9)  # dies mid-way, as under kill -9',
                         '__import__("os").kill(__import__("os").getpid(), 19)  # SIGSTOP: hung mid-way').replace(
    "from tui.net.real import RealHost",
    "from tui.net.real import RealHost\nimport tui.net.transaction as A; A.APPLY_LIMIT = 2")
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
