"""Pilot walks of the wizard on the simulated node from the welcome screen to Done: the DHCP
path (reconfigure this node: plan, live apply, keep), the static path (install config) and the
cluster path, asserting the saved profile, the rendered Harvester config and the cluster log;
and the kernel arguments that prefill the wizard."""

from __future__ import annotations

import pytest
import yaml

from tests.wizard_driver import choose, confirm_apply, demo_app, fill, pick_nics, settle, wizard

pytestmark = pytest.mark.usefixtures("run_dir")


async def test_dhcp_path_reconfigures_the_node_and_saves_a_replayable_profile(tmp_path):
    async with wizard(tmp_path) as (app, pilot):
        await settle(pilot, app)
        await pilot.press("down", "enter")  # reconfigure this node
        await settle(pilot, app)
        assert app.screen.key == "nics"
        assert "selected: eno1" in str(app.screen.query_one("#chosen").render())  # what the node uses now
        await pick_nics(pilot, app, ["eno1", "ens1f0", "ens1f1"])
        assert "selected: ens1f0, ens1f1" in str(app.screen.query_one("#chosen").render())
        await pilot.press("ctrl+n")  # bond
        await choose(pilot, app, "f-management-bond-mode", "802.3ad")
        assert app.screen.query_one("#f-management-bond-options-lacp_rate").display  # appears with 802.3ad
        assert not app.screen.query_one("#f-management-bond-options-primary").display
        await choose(pilot, app, "f-management-bond-options-lacp_rate", "fast")
        await pilot.press("ctrl+n")  # vlan / mtu
        await fill(pilot, app, "f-management-vlan_id", "100")
        await fill(pilot, app, "f-management-mtu", "9000")
        await pilot.press("ctrl+n")  # ipv4: dhcp + probe
        assert app.screen.key == "ipv4"
        await choose(pilot, app, "f-management-ipv4-method", "dhcp")
        await pilot.click("#probe-dhcp")
        await settle(pilot, app, 0.3)
        offer = str(app.screen.query_one("#offer").render())
        assert "offer from 10.0.100.2: 10.0.100.57/24, default route via 10.0.100.1" in offer
        await pilot.press("ctrl+n")  # node
        await fill(pilot, app, "f-node-hostname", "node7")
        await fill(pilot, app, "f-node-dns", "10.0.0.53")
        for _ in range(3):  # uplink (none), networks (none), review
            await pilot.press("ctrl+n")
            await settle(pilot, app)
        assert app.screen.key == "review"
        await settle(pilot, app, 0.3)
        plan = str(app.screen.query_one("#plan").render())
        assert "create bond mgmt-bo" in plan and "run DHCP on mgmt-br.100" in plan
        await confirm_apply(pilot, app)
        assert app.screen.key == "apply"
        assert app.session.pending_until is not None
        await pilot.click("#keep")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        assert app.screen.key == "done"
    state = app.session.host.snapshot()
    assert state.link("mgmt-bo").attr("mode") == "802.3ad" and state.link("mgmt-br.100").mtu == 9000
    saved = yaml.safe_load((tmp_path / "out" / "profile.yaml").read_text())
    assert saved["management"]["bond"] == {"mode": "802.3ad", "miimon": 100, "options": {"lacp_rate": "fast"}}
    assert saved["management"]["vlan_id"] == 100 and saved["management"]["ipv4"] == {"method": "dhcp"}
    assert [i["name"] for i in saved["management"]["interfaces"]] == ["ens1f0", "ens1f1"]
    config = yaml.safe_load((tmp_path / "out" / "harvester-config.yaml").read_text())
    mi = config["install"]["management_interface"]
    assert mi["method"] == "dhcp" and mi["vlan_id"] == 100 and mi["mtu"] == 9000
    assert [i["hwAddr"] for i in mi["interfaces"]] == ["b8:ca:3a:6a:64:7d", "b8:ca:3a:6a:64:7e"]
    assert config["os"]["hostname"] == "node7"


async def test_static_path_writes_an_install_config_and_changes_nothing(tmp_path):
    app = demo_app(tmp_path / "out")
    before = app.session.host.snapshot()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")  # write an install config
        await settle(pilot, app)
        await pick_nics(pilot, app, ["eno1"])
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # bond, vlan, ipv4
        await choose(pilot, app, "f-management-ipv4-method", "static")
        assert app.screen.query_one("#f-management-ipv4-address").display
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.300/24")
        assert "is not an IPv4 address" in str(app.screen.query_one("#p-f-management-ipv4-address").render())
        assert "is not an IPv4 address" not in str(app.screen.query_one("#problems").render())  # once, at its field
        await fill(pilot, app, "f-management-ipv4-address", "10.0.0.21/24")
        await fill(pilot, app, "f-management-ipv4-gateway", "10.0.0.1")
        await pilot.press("ctrl+n")
        await fill(pilot, app, "f-node-hostname", "node21")
        await fill(pilot, app, "f-node-dns", "10.0.0.53, 10.0.0.54")
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # uplink, networks, install
        assert app.screen.key == "install"
        await fill(pilot, app, "f-install-token", "s3cret-token")
        assert app.screen.query_one("#f-install-token").password  # masked
        await fill(pilot, app, "f-install-vip", "10.0.0.99")
        await choose(pilot, app, "f-install-device", "/dev/sda")
        await fill(pilot, app, "f-install-password", "p@ss")
        await fill(pilot, app, "f-install-password_again", "p@ss")
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "review", [p.line() for p in app.session.problems()]
        assert "s3cret-token" not in str(app.screen.query_one("#config").render())
        await confirm_apply(pilot, app)
        await pilot.press("ctrl+n")
        assert app.screen.key == "done"
        assert "profile.yaml" in str(app.screen.query_one("#done").render())
    assert app.session.host.snapshot() == before
    saved = yaml.safe_load((tmp_path / "out" / "profile.yaml").read_text())
    assert saved["management"]["ipv4"] == {"method": "static", "address": "10.0.0.21/24", "gateway": "10.0.0.1"}
    assert saved["install"]["vip"] == "10.0.0.99" and saved["node"]["dns"] == ["10.0.0.53", "10.0.0.54"]
    config = yaml.safe_load((tmp_path / "out" / "harvester-config.yaml").read_text())
    mi = config["install"]["management_interface"]
    assert (mi["method"], mi["ip"], mi["subnet_mask"], mi["gateway"]) == \
        ("static", "10.0.0.21", "255.255.255.0", "10.0.0.1")
    assert config["os"]["password"].startswith("$6$") and config["install"]["device"] == "/dev/sda"


async def test_cluster_path_shows_nic_presence_probes_vm_networks_and_applies_the_cluster(tmp_path):
    async with wizard(tmp_path) as (app, pilot):
        await settle(pilot, app)
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert "selected: eno1" in str(app.screen.query_one("#chosen").render())  # what the node uses now
        for _ in range(4):  # bond, vlan, ipv4, node
            await pilot.press("ctrl+n")
            await settle(pilot, app)
        await fill(pilot, app, "f-node-hostname", "harvester-node-0")
        await fill(pilot, app, "f-node-dns", "10.0.0.53")
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "uplink"
        table = app.screen.query_one("#nics")
        rows = {k.value: table.get_row(k) for k in table.rows}
        assert "eno1" not in rows  # management NICs are excluded
        assert rows["ens1f1"][-1] == "2/3 nodes (66.67 %)" and rows["ens1f0"][-1] == "3/3 nodes (100.00 %)"
        await pick_nics(pilot, app, ["ens1f0"])
        await fill(pilot, app, "f-vlan-cluster_network", "data")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.key == "networks"
        await fill(pilot, app, "n-name", "vlan200")
        await fill(pilot, app, "n-vlan_id", "200")
        await choose(pilot, app, "n-mode", "auto")
        await pilot.click("#add")
        await settle(pilot, app, 0.5)
        probe = str(app.screen.query_one("#probe").render())
        assert "VLAN 200: 10.0.200.2 offers 10.0.200.31/24 router 10.0.200.1" in probe
        await pilot.press("ctrl+n")
        await settle(pilot, app, 0.3)
        assert app.screen.key == "review", [p.line() for p in app.session.problems()]
        await confirm_apply(pilot, app)
        await pilot.click("#keep")
        await settle(pilot, app, 1.0)
        log = "\n".join(str(line.text) for line in app.screen.query_one("#log").lines)
        assert "cluster: clusternetworks/data: create" in log
        assert "cluster: network-attachment-definitions/default/vlan200: create" in log
        assert "cluster: harvester-node-0: ready" in log and "cluster: done" in log


def test_kernel_arguments_prefill_the_wizard():
    from tui.commands.wizard import prefill
    from tui.wizard.draft import Draft

    line = ("BOOT_IMAGE=/vmlinuz harvester.install.management_interface.interfaces=hwAddr:b8:ca:3a:6a:64:7d "
            "harvester.install.management_interface.method=static harvester.install.management_interface.ip=10.0.0.21 "
            "harvester.install.management_interface.subnet_mask=255.255.255.0 "
            "harvester.install.management_interface.gateway=10.0.0.1 "
            "harvester.os.hostname=node21 harvester.netsetup.profile=http://x/p.yaml")
    d = prefill(Draft(), line)
    assert d.get("management.ipv4") == {"method": "static", "address": "10.0.0.21/24", "gateway": "10.0.0.1"}
    assert d.get("management.interfaces") == [{"mac": "b8:ca:3a:6a:64:7d"}]
    assert d.get("node.hostname") == "node21"
    assert prefill(Draft(), "quiet splash").data == {"version": 1}
