"""The planner and the apply engine on the simulated node (pure logic; the real kernel is
tests/vm/). Table-driven: each row a profile change and what the plan must (not) contain."""

from __future__ import annotations

import pytest

from tui.model.load import load_text
from tui.model.netstate import as_data, from_data
from tui.model.plan import differences
from tui.model.selectors import resolve
from tui.model.topology import node_target
from tui.net import journal as J
from tui.net.simulated import SimulatedHost
from tui.net.transaction import apply, kernel_needs, prepare

BASE = """version: 1
harvester: {release}
node: {{hostname: n1, dns: [10.0.0.53]}}
management:
  interfaces: [{{name: ens1f0}}, {{name: ens1f1}}]
  bond: {{mode: {mode}}}
  vlan_id: {vid}
  mtu: {mtu}
  ipv4: {ipv4}
"""
STATIC = "{method: static, address: 10.0.0.21/24, gateway: 10.0.0.1}"


def target_for(host, release="v1.6", mode="active-backup", vid=0, mtu=0, ipv4=STATIC):
    loaded = load_text(BASE.format(release=release, mode=mode, vid=vid, mtu=mtu, ipv4=ipv4))
    assert loaded.profile is not None, loaded.problems
    inv = host.inventory()
    res = resolve(loaded.profile, inv)
    return node_target(loaded.profile, res.management, res.vlan)


pytestmark = pytest.mark.usefixtures("run_dir")


CASES = [
    # (name, kwargs, steps that must appear, steps that must not)
    ("untagged", {}, ["create bond mgmt-bo", "enslave mgmt-bo to mgmt-br", "add address 10.0.0.21/24 to mgmt-br"],
     ["mgmt-br.", "mtu"]),
    ("tagged", {"vid": 100, "ipv4": "{method: static, address: 10.0.100.21/24, gateway: 10.0.100.1}"},
     ["create vlan mgmt-br.100", "set mgmt-bo bridge VLANs 1 pvid untagged, 100",
      "add route default via 10.0.100.1 dev mgmt-br.100"], []),
    ("jumbo", {"mtu": 9000}, ["set ens1f0 mtu 9000", "set mgmt-br mtu 9000"], []),
    ("dhcp", {"ipv4": "{method: dhcp}"}, ["run DHCP on mgmt-br"], ["add address"]),
    ("v1.0", {"release": "v1.0", "mode": "balance-tlb"}, ["create bond harvester-mgmt",
                                                          "add address 10.0.0.21/24 to harvester-mgmt"], ["mgmt-br"]),
]


@pytest.mark.parametrize("name,kw,must,mustnt", CASES, ids=[c[0] for c in CASES])
def test_plan_contents_and_order(name, kw, must, mustnt):
    host = SimulatedHost.demo(delay=0)
    _, _, steps = prepare(host.snapshot(), target_for(host, **kw))
    text = [s.describe() for s in steps]
    for m in must:
        assert any(t.startswith(m) for t in text), (m, text)
    for m in mustnt:
        assert not any(m in t for t in text), (m, text)
    first = {op: i for i, op in reversed(list(enumerate(s.op for s in steps)))}
    # a NIC goes down before it is enslaved; bonds exist before bridges; addresses after links are up
    assert first["link-down"] < first["master"] < first.get("addr-add", first.get("dhcp", 99))
    assert first["link-add"] < first["master"]


@pytest.mark.parametrize("name,kw", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_apply_verifies_and_a_second_plan_is_empty(name, kw):
    host = SimulatedHost.demo(delay=0)
    target = target_for(host, **kw)
    out = apply(host, target)
    assert out.ok, out.error
    assert differences(host.snapshot(), prepare(host.snapshot(), target)[0]) == []
    assert prepare(host.snapshot(), target)[2] == []
    assert host.journal.read() is None


@pytest.mark.parametrize("release, mode, vid, needs", [
    ("v1.6", "active-backup", 0, {"bond", "bridge"}),  # mgmt-bo on a VLAN-filtering mgmt-br
    ("v1.6", "802.3ad", 100, {"bond", "bridge", "vlan"}),  # and mgmt-br.100
    ("v1.0", "active-backup", 0, {"bond"}),  # v1.0: the IP on the bond, no bridge
])
def test_the_kernel_is_asked_only_for_what_the_plan_creates(release, mode, vid, needs):
    host = SimulatedHost.demo(delay=0)
    steps = prepare(host.snapshot(), target_for(host, release=release, mode=mode, vid=vid))[2]
    assert kernel_needs(steps) == needs


def test_a_kernel_lacking_a_feature_is_refused_before_anything_changes():
    class NoBonding(SimulatedHost):
        asked = None

        def missing_features(self, kinds):
            NoBonding.asked = set(kinds)
            return ["bonding"] if "bond" in kinds else []

    demo = SimulatedHost.demo(delay=0)
    host = NoBonding(demo.nics, demo.snapshot(), 0)
    before = host.snapshot()
    out = apply(host, target_for(host, mode="802.3ad", vid=100))
    assert not out.ok and out.error == "this kernel lacks bonding: nothing was changed" and out.done == 0
    assert NoBonding.asked == {"bond", "bridge", "vlan"} and host.snapshot() == before
    assert host.journal.read() is None


def test_failure_at_every_step_restores_the_checkpoint():
    host = SimulatedHost.demo(delay=0)
    before = host.snapshot()
    target = target_for(host, mode="802.3ad", vid=100, mtu=9000,
                        ipv4="{method: static, address: 10.0.100.21/24, gateway: 10.0.100.1}")
    n = len(prepare(before, target)[2])

    class Failing(SimulatedHost):
        def run(self, step):
            if self.k == 0:
                self.k = -1  # once: the restore that follows runs normally
                raise RuntimeError("injected")
            self.k -= 1
            super().run(step)

    for k in range(n):
        h = Failing(host.nics, before, 0)
        h.k = k
        out = apply(h, target)
        assert not out.ok and out.restored and out.done == k, (k, out.error, out.restore_problems)
        assert h.snapshot() == before


def test_a_change_that_cuts_the_ssh_session_needs_the_confirm_timer():
    host = SimulatedHost.demo(delay=0)
    loaded = load_text(BASE.format(release="v1.6", mode="active-backup", vid=0, mtu=0,
                                   ipv4=STATIC).replace("ens1f0}, {name: ens1f1", "eno1"))
    res = resolve(loaded.profile, host.inventory())
    out = apply(host, node_target(loaded.profile, res.management), ssh_ip="10.0.0.11")
    assert not out.ok and "would cut this SSH session" in out.error and "--confirm-timeout" in out.error
    assert out.done == 0 and host.snapshot() == SimulatedHost.demo().snapshot()


def test_journal_round_trips_the_checkpoint():
    host = SimulatedHost.demo(delay=0)
    full, checkpoint, _ = prepare(host.snapshot(), target_for(host, vid=100))
    host.journal.write(J.Entry("applying", 999999, checkpoint))
    entry = host.journal.read()
    assert entry is not None and entry.checkpoint == checkpoint and not J.alive(entry.pid)
    assert from_data(as_data(full.state)) == full.state


def test_apply_writes_the_persistent_config_atomically(tmp_path):
    from tests.conftest import run_cli

    cfg, nm = tmp_path / "oem" / "harvester.config", tmp_path / "nm"
    r = run_cli("--demo", "apply", "profiles/lacp-vlan-jumbo.yaml", "--write-config", str(cfg), "--nm-dir", str(nm))
    assert r.code == 0, r.err
    assert "vlan_id: 100" in cfg.read_text() and oct(cfg.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in nm.iterdir()) == ["bond-mgmt.nmconnection", "bond-slave-ens1f0.nmconnection",
                                                   "bond-slave-ens1f1.nmconnection", "bridge-mgmt.nmconnection",
                                                   "vlan-mgmt.nmconnection"]


def test_dry_run_changes_nothing():
    from tests.conftest import run_cli

    r = run_cli("--demo", "apply", "profiles/lacp-vlan-jumbo.yaml", "--dry-run")
    assert r.code == 0 and "create bond mgmt-bo" in r.out and "dry run: 23 steps, nothing changed" in r.err
