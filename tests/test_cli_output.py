"""What the commands print and exit with (issue 13 item 18; issue 12 item 15)."""

import json

import pytest

from conftest import PROFILES


def test_help_does_not_show_hidden_commands(cli):
    r = cli("--help")
    assert r.code == 0 and "SUPPRESS" not in r.out and "revert-timer" not in r.out


def test_render_json_prints_one_json_document(cli):
    r = cli("render", str(PROFILES / "single-nic-dhcp.yaml"), "--json")
    assert r.code == 0
    doc = json.loads(r.out)  # the whole of stdout is one JSON document
    assert doc["valid"] is True and "scheme_version: 1" in doc["files"]["harvester-config.yaml"]


def test_render_json_with_output_names_the_file(cli, tmp_path):
    out = tmp_path / "c.yaml"
    r = cli("render", str(PROFILES / "single-nic-dhcp.yaml"), "--json", "-o", str(out))
    assert r.code == 0 and json.loads(r.out)["written"] == [str(out)] and out.read_text().startswith("scheme_version")


def test_render_json_invalid_is_one_document(cli, tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("version: 1\nharvester: v1.6\nnode: {hostname: 'A B'}\n")
    r = cli("render", str(bad), "--json")
    assert r.code == 1 and json.loads(r.out)["valid"] is False


CMDLINE_PROFILE = [  # (kernel arguments, exit code, in stderr, not in stdout)
    ("harvester.install.management_interface.method=foo", 1, "error: management.ipv4.method", None),
    ("harvester.install.management_interface.method=dhcp harvester.install.management_interface.interfaces=ens3 "
     "harvester.install.management_interface.vlan_id=5000", 1, "error: management.vlan_id", None),
    ("harvester.install.management_interface.method=dhcp", 0, "warning: management.interfaces", "interfaces: []"),
    ("harvester.install.mode=create harvester.os.hostname=node1", 0, "warning: install.token", None),
    ("harvester." + "a." * 500 + "b=1", 1, "levels deep", None),
]


@pytest.mark.parametrize("line,code,err,absent", CMDLINE_PROFILE, ids=range(len(CMDLINE_PROFILE)))
def test_cmdline_profile_errors_on_bad_values_warns_on_missing_ones(cli, line, code, err, absent):
    r = cli("cmdline", "--profile", "--cmdline", line)
    assert r.code == code and err in r.err and "Traceback" not in r.err, (r.code, r.err)
    if code:
        assert r.out == ""  # nothing half-made on stdout
    if absent:
        assert absent not in r.out


def test_wizard_prefill_survives_a_deep_path():
    from tui.commands.wizard import prefill

    draft = object()
    assert prefill(draft, "harvester." + "a." * 500 + "b=1") is draft


def test_validate_unsupported_version_first_and_alone(cli, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("version: 2\nharvester: v1.6\nnode: {hostname: 'A B'}\n")
    r = cli("validate", str(path))
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert lines == ["error: version: unsupported profile version 2; this tool reads version 1"], lines


def test_profile_import_of_a_profile_says_so(cli):
    r = cli("profile", "import", str(PROFILES / "single-nic-dhcp.yaml"))
    assert r.code == 1 and r.out == ""
    assert r.err.strip().splitlines() == [
        "error: config: this is a harvester-netsetup profile (version, harvester, management), not a Harvester "
        "config; use it as it is (validate, render)"], r.err
