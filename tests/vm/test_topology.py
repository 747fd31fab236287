"""The management topology on a real kernel, checked with ip -j / bridge -j (not our code)."""

from __future__ import annotations

import json
import os
import pty
import sys
import time

import pytest

import signal
import subprocess

from vmlab import LAB_DIR, ROOT, RUN_DIR, cli, ipj, oracle_state, profile_file, sh


def mgmt(lab, bond="active-backup", vlan=0, mtu=0, ipv4=None, extra=""):
    ipv4 = ipv4 or ("{method: static, address: 10.0.100.11/24, gateway: 10.0.100.1}" if vlan == 100
                    else "{method: static, address: 10.0.0.11/24, gateway: 10.0.0.1}")
    return (f"version: 1\nharvester: v1.6\nnode: {{hostname: n1, dns: [10.0.0.53]}}\n"
            f"management:\n  interfaces: [{{name: {lab['m1']}}}, {{name: {lab['m2']}}}]\n"
            f"  bond: {{mode: {bond}, miimon: 100}}\n  vlan_id: {vlan}\n  mtu: {mtu}\n  ipv4: {ipv4}\n{extra}")


def link(name):
    (l,) = ipj(f"-d link show dev {name}")
    return l


def bridge_vlans(dev):
    for e in json.loads(sh("bridge -j vlan show") or "[]"):
        if e["ifname"] == dev:
            return sorted((v["vlan"], tuple(sorted(v.get("flags", [])))) for v in e["vlans"])
    return []


def default_route():
    return [(r.get("gateway"), r["dev"]) for r in ipj("-4 route show default")]


def test_active_backup_untagged_static(clean, tmp_path):
    lab = clean
    _prior(lab)  # the gateway answers before the change, so it is probed after it
    r = cli("apply", profile_file(tmp_path, mgmt(lab)))
    assert r.returncode == 0, r.stderr
    bo, br = link("mgmt-bo"), link("mgmt-br")
    assert bo["linkinfo"]["info_kind"] == "bond" and bo["linkinfo"]["info_data"]["mode"] == "active-backup"
    assert bo["linkinfo"]["info_data"]["miimon"] == 100
    assert bo["master"] == "mgmt-br"
    assert link(lab["m1"])["master"] == "mgmt-bo" and link(lab["m2"])["master"] == "mgmt-bo"
    data = br["linkinfo"]["info_data"]
    assert (data["vlan_filtering"], data["stp_state"], data["forward_delay"], data["vlan_default_pvid"]) == (1, 0, 0, 1)
    assert bridge_vlans("mgmt-bo") == [(1, ("Egress Untagged", "PVID"))]
    addr_info = ipj("-4 addr show dev mgmt-br")[0]["addr_info"]
    assert [(a["local"], a["prefixlen"]) for a in addr_info] == [("10.0.0.11", 24)]
    assert default_route() == [("10.0.0.1", "mgmt-br")]
    assert "probe: gateway 10.0.0.1" in r.stderr


def test_lacp_vlan_jumbo(clean, tmp_path):
    lab = clean
    extra = "  \n"
    options = "miimon: 100, options: {lacp_rate: fast, xmit_hash_policy: layer3+4}}"
    text = mgmt(lab, "802.3ad", 100, 9000).replace("miimon: 100}", options) + extra
    r = cli("apply", profile_file(tmp_path, text))
    assert r.returncode == 0, r.stderr
    data = link("mgmt-bo")["linkinfo"]["info_data"]
    assert (data["mode"], data["ad_lacp_rate"], data["xmit_hash_policy"]) == ("802.3ad", "fast", "layer3+4")
    for dev in (lab["m1"], lab["m2"], "mgmt-bo", "mgmt-br", "mgmt-br.100"):
        assert link(dev)["mtu"] == 9000, dev
    assert bridge_vlans("mgmt-bo") == [(1, ("Egress Untagged", "PVID")), (100, ())]
    v = link("mgmt-br.100")["linkinfo"]["info_data"]
    assert v["id"] == 100 and link("mgmt-br.100")["link"] == "mgmt-br"
    assert [i for a in ipj("-4 addr show dev mgmt-br") for i in a["addr_info"]] == []
    assert ipj("-4 addr show dev mgmt-br.100")[0]["addr_info"][0]["local"] == "10.0.100.11"
    assert default_route() == [("10.0.100.1", "mgmt-br.100")]
    # the same profile again: nothing to do
    r2 = cli("plan", profile_file(tmp_path, text))
    assert "nothing to do" in r2.stdout, r2.stdout


def test_vlan_uplink(clean, tmp_path):
    lab = clean
    extra = (f"vlan:\n  cluster_network: vlan\n  interfaces: [{{name: {lab['uplink']}}}]\n"
             "  bond: {mode: active-backup}\n  mtu: 1500\n")
    r = cli("apply", profile_file(tmp_path, mgmt(lab, extra=extra)))
    assert r.returncode == 0, r.stderr
    assert link(lab["uplink"])["master"] == "vlan-bo" and link("vlan-bo")["master"] == "vlan-br"
    assert link("vlan-br")["linkinfo"]["info_data"]["vlan_filtering"] == 1
    assert [i for a in ipj("-4 addr show dev vlan-br") for i in a["addr_info"]] == []


def test_v1_0_bond_carries_the_ip(clean, tmp_path):
    lab = clean
    text = mgmt(lab, "balance-tlb").replace("harvester: v1.6", "harvester: v1.0")
    r = cli("apply", profile_file(tmp_path, text))
    assert r.returncode == 0, r.stderr
    assert link("harvester-mgmt")["linkinfo"]["info_data"]["mode"] == "balance-tlb"
    assert ipj("-4 addr show dev harvester-mgmt")[0]["addr_info"][0]["local"] == "10.0.0.11"
    assert not any(l["ifname"].startswith("mgmt-") for l in ipj("link show"))


def _prior(lab):
    sh(f"ip addr add 10.0.0.50/24 dev {lab['m1']}; ip route add default via 10.0.0.1 dev {lab['m1']}")
    sh(f"ip link set {lab['m2']} down")


def test_apply_then_rollback_restores_exact_state(clean, tmp_path):
    lab = clean
    _prior(lab)
    before = oracle_state([])
    r = cli("apply", "--confirm-timeout", "120", profile_file(tmp_path, mgmt(lab, "802.3ad", 100, 9000)))
    assert r.returncode == 0, r.stderr
    assert oracle_state([]) != before
    r = cli("rollback")
    assert r.returncode == 0, r.stderr
    assert oracle_state([]) == before


@pytest.fixture()
def failing_at():
    from tui.net.real import RealHost

    class FailingHost(RealHost):
        def __init__(self, k):
            super().__init__()
            self.k, self.n = k, 0

        def run(self, step):
            if self.n == self.k:
                self.n += 1  # once: the restore that follows runs normally
                raise RuntimeError(f"injected failure at step {self.k} ({step.describe()})")
            self.n += 1
            super().run(step)

    return FailingHost


def test_failure_at_every_step_restores(clean, tmp_path, failing_at):
    from tui.commands.host_session import node_plan
    from tui.net.transaction import apply, prepare

    lab = clean
    _prior(lab)
    os.environ["HARVESTER_NETSETUP_RUN_DIR"] = RUN_DIR
    before = oracle_state([])
    path = profile_file(tmp_path, mgmt(lab, "802.3ad", 100, 9000))
    probe = failing_at(10**6)
    steps = prepare(probe.snapshot(), node_plan(probe, path).target)[2]
    probe.close()
    assert len(steps) > 15
    for k in range(len(steps)):
        host = failing_at(k)
        out = apply(host, node_plan(host, path).target)
        host.close()
        assert not out.ok and out.restored, (k, out.error, out.restore_problems)
        assert oracle_state([]) == before, f"state differs after a failure at step {k}"


def test_confirm_timer_reverts_with_its_terminal_gone(clean, tmp_path):
    lab = clean
    _prior(lab)
    before = oracle_state([])
    path = profile_file(tmp_path, mgmt(lab))
    # the apply runs on its own terminal, which is closed (and its session hung up) afterwards
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["HARVESTER_NETSETUP_RUN_DIR"] = RUN_DIR
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "tui", "apply", "--confirm-timeout", "8", path])
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, out.decode()
    assert link("mgmt-bo")  # applied, pending
    assert json.load(open(f"{RUN_DIR}/journal.json"))["state"] == "pending"
    deadline = time.time() + 60
    while time.time() < deadline and os.path.exists(f"{RUN_DIR}/journal.json"):
        time.sleep(0.5)
    assert not os.path.exists(f"{RUN_DIR}/journal.json"), "the timer did not revert"
    assert oracle_state([]) == before


def test_kill_9_after_the_first_step_is_restored_by_the_armed_timer(clean, tmp_path):
    """The revert timer is armed before the first step: kill -9 the apply right after it, and
    the timer restores the exact prior state by itself (ip -j / bridge -j). Prints the time
    from the kill to the restored state."""
    lab = clean
    _prior(lab)
    before = oracle_state([])
    env = dict(os.environ, HARVESTER_NETSETUP_RUN_DIR=RUN_DIR)
    path = profile_file(tmp_path, mgmt(lab, "802.3ad", 100, 9000))
    proc = subprocess.Popen([sys.executable, "-m", "tui", "apply", "--confirm-timeout", "120", path], cwd=ROOT, env=env,
                            stderr=subprocess.PIPE, text=True)
    steps = 0
    for line in proc.stderr:
        if line.startswith("step: "):
            steps += 1
            if steps == 2:  # the first step is done
                break
    proc.send_signal(signal.SIGKILL)
    killed = time.time()
    proc.wait()
    assert steps == 2, "the apply never reached its second step"
    while time.time() - killed < 120 and os.path.exists(f"{RUN_DIR}/journal.json"):
        time.sleep(0.02)  # only a stat: the restore gets the (emulated) CPUs
    took = time.time() - killed
    assert oracle_state([]) == before, "the armed timer did not restore the prior state"
    log = open(f"{RUN_DIR}/harvester-netsetup.log").read().splitlines()

    def at(words):  # the log's own clock: when the timer noticed, when the restore verified
        line = next(l for l in log if words in l)
        return time.mktime(time.strptime(line[:19], "%Y-%m-%d %H:%M:%S")) + int(line[20:23]) / 1000 - killed

    print("\n".join(l for l in log if "revert timer" in l or "restore" in l or "lock" in l))
    noticed, verified = at("the applying process died; restoring the checkpoint"), at("restore: verified")
    print(f"\nFIGURE kill -9 after the first step -> prior state restored and verified in {took:.2f} s "
          f"(timer noticed the death at +{noticed:.2f} s, restore verified at +{verified:.2f} s); "
          f"the confirm timeout was 120 s")


def test_two_concurrent_applies_one_refused_by_the_lock(clean, tmp_path):
    lab = clean
    env = dict(os.environ, HARVESTER_NETSETUP_RUN_DIR=RUN_DIR)
    path = profile_file(tmp_path, mgmt(lab))
    cmds = ([sys.executable, "-m", "tui", "apply", path],
            [sys.executable, "-m", "tui", "run", "--profile", path, "--no-cluster",
             "--config-out", str(tmp_path / "c")])
    procs = [subprocess.Popen(c, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) for c in cmds]
    results = [(p.wait(timeout=240), p.stderr.read()) for p in procs]
    winners = [r for r in results if r[0] == 0]
    losers = [r for r in results if r[0] != 0]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "another harvester-netsetup is changing this host: pid" in losers[0][1], losers[0][1]
    assert link("mgmt-bo")["master"] == "mgmt-br" and not os.path.exists(f"{RUN_DIR}/journal.json")


def test_confirm_after_the_timer_reverted_says_so(clean, tmp_path):
    lab = clean
    r = cli("apply", "--confirm-timeout", "3", profile_file(tmp_path, mgmt(lab)))
    assert r.returncode == 0, r.stderr
    deadline = time.time() + 60
    while time.time() < deadline and os.path.exists(f"{RUN_DIR}/journal.json"):
        time.sleep(0.2)
    r = cli("confirm")
    assert r.returncode == 1 and "too late: the revert timer already restored the prior state" in r.stderr, r.stderr


def _timers() -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"revert-timer" in open(f"/proc/{pid}/cmdline", "rb").read():
                found.append(int(pid))
        except OSError:
            pass
    return found


def test_confirm_keeps_the_change(clean, tmp_path):
    lab = clean
    r = cli("apply", "--confirm-timeout", "60", profile_file(tmp_path, mgmt(lab)))
    assert r.returncode == 0, r.stderr
    assert _timers()
    r = cli("confirm")
    assert r.returncode == 0 and "confirmed: the change stays" in r.stderr, r.stderr
    deadline = time.time() + 30
    while _timers() and time.time() < deadline:
        time.sleep(0.2)
    assert not _timers() and not os.path.exists(f"{RUN_DIR}/journal.json")  # nothing left that could revert
    assert link("mgmt-bo")["master"] == "mgmt-br"


def test_tagged_dhcp_probe_through_the_bridge(clean, tmp_path):
    lab = clean
    assert cli("apply", profile_file(tmp_path, mgmt(lab))).returncode == 0
    before = oracle_state([])
    r = cli("probe-dhcp", "mgmt-br", "--vlan", "100", "--timeout", "8", "--json")
    assert r.returncode == 0, r.stderr + r.stdout
    offers = json.loads(r.stdout)["offers"]
    assert offers and offers[0]["server"] == "10.0.100.1" and offers[0]["ip"].startswith("10.0.100.")
    assert offers[0]["router"] == "10.0.100.1"
    assert oracle_state([]) == before  # the temporary sub-interface and VIDs are gone
    assert "10.0.100." not in open(f"{LAB_DIR}/dnsmasq-sw.leases").read()  # DISCOVER only: no lease


def test_dhcp_management_on_a_vlan(clean, tmp_path):
    lab = clean
    r = cli("apply", profile_file(tmp_path, mgmt(lab, vlan=100, ipv4="{method: dhcp}")))
    assert r.returncode == 0, r.stderr
    addr = ipj("-4 addr show dev mgmt-br.100")[0]["addr_info"]
    assert addr and addr[0]["local"].startswith("10.0.100.")
    assert default_route() == [("10.0.100.1", "mgmt-br.100")]


def test_a_gateway_that_stops_answering_restores(clean, tmp_path):
    lab = clean
    _prior(lab)  # 10.0.0.1 answers on the untagged LAN now
    before = oracle_state([])
    # the same subnet, but tagged VLAN 100: there 10.0.0.1 does not exist
    text = mgmt(lab, vlan=100, ipv4="{method: static, address: 10.0.0.11/24, gateway: 10.0.0.1}")
    r = cli("apply", "--confirm-timeout", "60", profile_file(tmp_path, text))
    assert r.returncode == 1
    assert "the gateway 10.0.0.1 answered before the change and does not answer now" in r.stderr
    assert "the prior network state is back (verified)" in r.stderr
    assert oracle_state([]) == before


def _serve(tmp_path, text: str):
    """The profile over HTTP on the guest's loopback, as a boot server would serve it."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    sh("ip link set lo up")
    www = tmp_path / "www"
    www.mkdir()
    (www / "node.yaml").write_text(text)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/node.yaml"


SECRETS = "install: {mode: create, token: s3cret-token, vip: 10.0.100.250, device: /dev/vda, password: s3cret-pw}\n"


def test_unattended_run_applies_the_network_and_reports(clean, tmp_path):
    """harvester-netsetup run on a real kernel: fetch over HTTP, validate, write the config,
    apply with verify; the report names the NICs chosen and holds no secret."""
    lab = clean
    server, url = _serve(tmp_path, mgmt(lab, "802.3ad", 100, 9000) + SECRETS)
    report, config = tmp_path / "report.json", tmp_path / "harvester.config"
    try:
        r = cli("run", "--profile", url, "--report", str(report), "--config-out", str(config))
    finally:
        server.shutdown()
    assert r.returncode == 0, r.stderr
    rep = json.loads(report.read_text())
    assert rep["result"] == "SUCCEEDED" and rep["nics"]["management"] == [lab["m1"], lab["m2"]]
    assert [s["status"] for s in rep["steps"] if s["name"] in ("fetch", "validate", "config", "network")] == ["ok"] * 4
    assert link("mgmt-bo")["linkinfo"]["info_data"]["mode"] == "802.3ad" and link("mgmt-br.100")["mtu"] == 9000
    assert ipj("-4 addr show dev mgmt-br.100")[0]["addr_info"][0]["local"] == "10.0.100.11"
    assert default_route() == [("10.0.100.1", "mgmt-br.100")]
    assert "vlan_id: 100" in config.read_text() and oct(config.stat().st_mode & 0o777) == "0o600"
    log = open(f"{RUN_DIR}/harvester-netsetup.log").read()
    assert "step 1/" in log and "verify: the host matches the profile" in log
    for secret in ("s3cret-token", "s3cret-pw"):
        assert secret not in r.stderr + r.stdout + report.read_text() + log


def test_unattended_run_that_fails_restores_and_reports(clean, tmp_path):
    """A gateway that answered before the change and not after: the runner restores the exact
    prior state (ip -j / bridge -j), exits non-zero and reports FAILED with the reason."""
    lab = clean
    text = mgmt(lab, vlan=100, ipv4="{method: static, address: 10.0.0.11/24, gateway: 10.0.0.1}")
    server, url = _serve(tmp_path, text)
    _prior(lab)
    before = oracle_state([])
    report = tmp_path / "report.json"
    try:
        r = cli("run", "--profile", url, "--report", str(report), "--config-out", str(tmp_path / "harvester.config"))
    finally:
        server.shutdown()
    assert r.returncode != 0
    rep = json.loads(report.read_text())
    network = next(s for s in rep["steps"] if s["name"] == "network")
    assert rep["result"] == "FAILED" and network["status"] == "failed"
    assert "10.0.0.1" in json.dumps(network)
    assert oracle_state([]) == before
