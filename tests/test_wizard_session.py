"""The wizard's logic without a UI (tui/wizard): the session on the simulated node and
cluster of --demo. No Pilot: the screens only show this and send these intents."""

from __future__ import annotations

import pytest

from tui.commands.wizard import demo_session
from tui.wizard import outcome as O
from tui.wizard.networks import NetForm, describe, form_from_network


pytestmark = pytest.mark.usefixtures("run_dir")


def _session(tmp_path, **draft):
    s = demo_session(str(tmp_path / "out"), delay=0)
    s.install_config = False
    s.draft.set("management.interfaces", [{"name": "eno1"}])
    s.draft.set("management.ipv4.method", "dhcp")
    for path, value in draft.items():
        s.draft.set(path.replace("__", "."), value)
    return s


def test_three_vm_networks_are_added_edited_and_removed(tmp_path):
    s = _session(tmp_path, vlan__cluster_network="data", vlan__interfaces=[{"name": "ens1f0"}])
    for form in (NetForm("a", "100", "auto"), NetForm("b", "", "none"),
                 NetForm("c", "300", "manual", "10.3.0.0/24", "10.3.0.1")):
        assert s.save_network(None, form) == {}
    assert [describe(n) for n in s.draft.get("networks")] == [
        "a  VLAN 100  route auto", "b  untagged  no route", "c  VLAN 300  route manual 10.3.0.0/24 via 10.3.0.1"]
    form = form_from_network(s.draft.get("networks")[1])
    assert form == NetForm("b", "", "none")
    form.vlan_id = "200"
    assert s.save_network(1, form) == {}
    assert s.draft.get("networks[1]") == {"name": "b", "vlan_id": 200}
    s.remove_network(0)
    s.remove_network(1)
    assert [n["name"] for n in s.draft.get("networks")] == ["b"]
    s.remove_network(0)
    assert s.draft.get("networks") is None


@pytest.mark.parametrize("form, errors", [
    (NetForm("x", "abc", "auto"), {"vlan_id"}),
    (NetForm("x", "5000", "none"), {"vlan_id"}),
    (NetForm("", "10", "none"), {"name"}),
    (NetForm("x", "", "auto"), {"mode"}),  # an untagged network has no route settings
    (NetForm("x", "10", "manual", "", ""), {"cidr", "gateway"}),
    (NetForm("x", "10", "manual", "10.0.0.0/33", "10.0.0.1"), {"cidr"}),
    (NetForm("a", "20", "none"), {"name"}),  # the name is taken
])
def test_an_invalid_vm_network_is_not_added(tmp_path, form, errors):
    s = _session(tmp_path, vlan__cluster_network="data", vlan__interfaces=[{"name": "ens1f0"}])
    assert s.save_network(None, NetForm("a", "10", "none")) == {}
    before = s.draft.get("networks")
    assert set(s.save_network(None, form)) == errors
    assert s.draft.get("networks") == before


def test_the_confirmation_lists_host_steps_ssh_loss_cluster_objects_files_and_warnings(tmp_path):
    s = _session(tmp_path, node__hostname="node7", harvester="v1.8",
                 vlan__cluster_network="data", vlan__interfaces=[{"name": "ens1f1"}])
    assert s.save_network(None, NetForm("vlan200", "200", "auto")) == {}
    c = s.confirmation()
    assert c.host[:2] == ["eno1 - your SSH session - loses 10.0.0.11/24",
                          "eno1 - your SSH session - loses the default route via 10.0.0.1"]
    assert "enslave eno1 to mgmt-bo" in c.host and "run DHCP on mgmt-br (needs a default route)" in c.host
    assert "create clusternetworks/data" in c.cluster
    assert "create network-attachment-definitions/default/vlan200" in c.cluster
    assert c.files == [str(tmp_path / "out" / "profile.yaml"), str(tmp_path / "out" / "harvester-config.yaml")]
    text = "\n".join(c.warnings)
    assert "ens1f1 is free on 2 of 3 cluster nodes only" in text
    assert "the profile targets v1.8 but the cluster runs v1.9" in text
    assert "matches no node of the cluster" in text  # no node is called node7
    assert all(x.isascii() for x in c.lines())


def test_cluster_checks_join_the_problems_once_run_for_this_draft(tmp_path):
    s = _session(tmp_path, node__hostname="node7", vlan__cluster_network="data", vlan__interfaces=[{"name": "ens1f1"}])
    assert not any(p.path.startswith("vlan") for p in s.problems())
    s.check_cluster()
    assert any("matches no node" in p.message for p in s.problems())
    s.draft.set("node.hostname", "harvester-node-0")  # another draft: the old check is stale
    assert not any("matches no node" in p.message for p in s.problems())


def test_the_install_config_confirmation_changes_nothing_on_the_node(tmp_path):
    s = _session(tmp_path)
    s.install_config = True
    c = s.confirmation()
    assert c.host == ["nothing on this node changes (an install config is written)"] and not c.cluster


@pytest.mark.parametrize("result, code, first", [
    (O.Result(install_config=True, written=["p"]), O.EXIT_DONE, "Install config written"),
    (O.Result(install_config=True), O.EXIT_NOT_APPLIED, "Nothing was written"),
    (O.Result(False, "not applied"), O.EXIT_NOT_APPLIED, "NOT APPLIED"),
    (O.Result(False, "pending"), O.EXIT_NOT_APPLIED, "NOT CONFIRMED"),
    (O.Result(False, "kept", "done"), O.EXIT_DONE, "Network: applied, verified and kept."),
    (O.Result(False, "kept", "none"), O.EXIT_DONE, "Network: applied"),
    (O.Result(False, "kept", "skipped"), O.EXIT_PARTIAL, "Network: applied"),
    (O.Result(False, "kept", "not complete"), O.EXIT_PARTIAL, "Network: applied"),
    (O.Result(False, "reverted"), O.EXIT_FAILED, "REVERTED"),
    (O.Result(False, "failed"), O.EXIT_FAILED, "FAILED"),
    (O.Result(False, "restore failed"), O.EXIT_FAILED, "FAILED"),
])
def test_the_outcome_says_what_was_not_done_and_the_exit_code_agrees(result, code, first):
    assert O.exit_code(result) == code
    lines = O.summary(result)
    assert lines[0].startswith(first) and lines[-1] == f"Exit code {code}."
    if code == O.EXIT_PARTIAL:
        assert "NOT" in lines[1]


def test_the_session_records_apply_keep_and_the_dhcp_address(tmp_path):
    s = _session(tmp_path, node__hostname="harvester-node-0")
    out = s.apply_network(lambda e, t: None, 60)
    assert out.ok and s.result.network == "pending"
    s.keep()
    assert s.result.network == "kept" and s.result.address == "10.0.0.57/24"
    assert s.apply_cluster(lambda t: None) and s.result.cluster == "none"
    assert s.outcome()[1] == O.EXIT_DONE and "The node's address is now 10.0.0.57/24." in s.outcome()[0]


@pytest.mark.parametrize("device, kept", [
    ({"name": "sda", "path": "/dev/sda", "size": 480103981056, "model": "X", "type": "disk", "rm": False, "ro": False},
     True),
    ({"name": "sda", "size": "480103981056", "model": None, "type": "disk", "rm": "0", "ro": "0"}, True),  # older lsblk
    ({"name": "sr0", "path": "/dev/sr0", "size": 1000, "type": "rom", "rm": True, "ro": False}, False),
    ({"name": "zram0", "path": "/dev/zram0", "size": 0, "type": "disk", "rm": False, "ro": False}, False),
    ({"name": "sdc", "path": "/dev/sdc", "size": 10 ** 12, "type": "disk", "rm": False, "ro": True}, False),
    ({"name": "loop0", "path": "/dev/loop0", "size": 10 ** 9, "type": "loop", "rm": False, "ro": False}, False),
])
def test_install_disks_come_from_lsblk_json(device, kept):
    import json

    from tui.wizard.disks import parse_lsblk

    disks = parse_lsblk(json.dumps({"blockdevices": [device]}))
    assert [d.path for d in disks] == ([device.get("path", "/dev/" + device["name"])] if kept else [])
    assert all(d.label().isascii() for d in disks)


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"blockdevices": null}'])
def test_bad_lsblk_output_gives_no_disks(text):
    from tui.wizard.disks import parse_lsblk

    assert parse_lsblk(text) == []


@pytest.mark.parametrize("draft, expected", [
    ({}, {"node.hostname": "demo-node", "management.interfaces": [{"name": "eno1", "mac": "3c:ec:ef:10:00:01"}],
          "management.ipv4.method": "static", "management.ipv4.address": "10.0.0.11/24",
          "management.ipv4.gateway": "10.0.0.1"}),
    ({"node": {"hostname": "x"}, "management": {"ipv4": {"method": "dhcp"}}},  # a loaded profile wins
     {"management.interfaces": [{"name": "eno1", "mac": "3c:ec:ef:10:00:01"}]}),
])
def test_reconfigure_prefills_from_the_node(draft, expected):
    from tui.net.simulated import SimulatedHost
    from tui.wizard.prefill import from_node

    host = SimulatedHost.demo(0)
    assert from_node(draft, host.inventory(), host.snapshot()) == expected
