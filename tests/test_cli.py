"""The command line contract: exit codes, messages, JSON, atomic 0600 files, no partial output."""

import json
import os
import stat

import pytest

from conftest import PROFILES, write

GOOD = str(PROFILES / "two-nic-active-backup-static.yaml")


def test_validate_ok(cli):
    r = cli("validate", GOOD)
    assert r.code == 0 and "valid" in r.err


def test_validate_errors_are_path_addressed(cli, tmp_path):
    bad = write(tmp_path, "p.yaml",
                "version: 1\nmanagement:\n  interfaces: []\n  ipv4: {method: static, gateway: 300.1.1.1}\n")
    r = cli("validate", bad)
    assert r.code == 1
    assert "error: management.interfaces: select at least one NIC" in r.err
    assert "error: management.ipv4.gateway: '300.1.1.1' is not an IPv4 address" in r.err
    assert "Traceback" not in r.err


def test_validate_json(cli, tmp_path):
    bad = write(tmp_path, "p.yaml", "version: 1\nmanagement: {interfaces: [{name: ens5}], vlan_id: 5000}\n")
    r = cli("validate", bad, "--json")
    doc = r.json()
    assert r.code == 1 and doc["valid"] is False
    assert {"path": "management.vlan_id", "severity": "error",
            "message": doc["problems"][0]["message"]} in doc["problems"]


def test_warnings_do_not_fail(cli, tmp_path):
    p = write(tmp_path, "p.yaml", "version: 1\nmanagement: {interfaces: [{name: ens5}], bond: {mode: 802.3ad}}\n")
    r = cli("validate", p)
    assert r.code == 0 and "warning: management.bond.mode" in r.err


@pytest.mark.parametrize("argv", [[], ["validate"], ["render", GOOD, "--format", "xml"], ["bogus"],
                                  ["pxe", "--profile", GOOD]])
def test_usage_errors_exit_2(cli, argv):
    assert cli(*argv).code == 2


@pytest.mark.parametrize("content,words", [
    ("", "is empty"), ("\x00\x01binary", "NUL bytes"), ("a: [", "not valid YAML at line"),
    ("- 1\n- 2\n", "must be a mapping"), ("a: &x 1\nb: *x\n", "aliases"), ("---\na: 1\n---\nb: 2\n",
                                                                           "2 YAML documents"),
])
def test_bad_files(cli, tmp_path, content, words):
    r = cli("validate", write(tmp_path, "p.yaml", content))
    assert r.code == 1 and words in r.err and "Traceback" not in r.err


def test_missing_file(cli):
    r = cli("validate", "/nonexistent/p.yaml")
    assert r.code == 1 and "no such file" in r.err


def test_render_writes_atomically_with_mode_0600(cli, tmp_path):
    out = tmp_path / "sub" / "config.yaml"
    r = cli("render", GOOD, "-o", str(out))
    assert r.code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "scheme_version: 1" in out.read_text()
    assert [p.name for p in out.parent.iterdir()] == ["config.yaml"]  # no temp files left


def test_render_error_leaves_existing_file_untouched(cli, tmp_path):
    out = tmp_path / "config.yaml"
    out.write_text("previous\n")
    bad = write(tmp_path, "p.yaml", "version: 1\nmanagement: {interfaces: []}\n")
    assert cli("render", bad, "-o", str(out)).code == 1
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "p.yaml"]


def test_render_keyfiles_into_directory(cli, tmp_path):
    r = cli("render", GOOD, "--format", "nm-keyfiles", "-o", str(tmp_path / "nm"))
    assert r.code == 0
    names = sorted(p.name for p in (tmp_path / "nm").iterdir() if not p.name.startswith("."))  # not the manifest
    assert names == ["bond-mgmt.nmconnection", "bond-slave-ens5.nmconnection", "bond-slave-ens6.nmconnection",
                     "bridge-mgmt.nmconnection"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in (tmp_path / "nm").iterdir())


def test_render_keyfiles_needs_names(cli, tmp_path):
    r = cli("render", str(PROFILES / "lacp-vlan-jumbo.yaml"), "--format", "nm-keyfiles", "-o", str(tmp_path / "nm"))
    assert r.code == 1 and "--inventory" in r.err and not (tmp_path / "nm").exists()


def test_render_with_inventory_fills_names(cli, inventory_file):
    r = cli("render", str(PROFILES / "lacp-vlan-jumbo.yaml"), "--inventory", inventory_file)
    assert r.code == 0 and "name: ens1f0" in r.out and "hwAddr: b8:ca:3a:6a:64:7d" in r.out


def test_bad_inventory_is_path_addressed(cli, tmp_path):
    inv = write(tmp_path, "inv.json", json.dumps({"nics": [{"name": "ens5", "mac": "nope"}]}))
    r = cli("validate", GOOD, "--inventory", inv)
    assert r.code == 1 and "inventory.nics[0].mac" in r.err


def test_secrets_never_printed_in_problems(cli, tmp_path):
    p = write(tmp_path, "p.yaml", "version: 1\ninstall: {mode: create, token: \"s3cr3t\\ttab\", password: hunter2}\n")
    r = cli("validate", p)
    assert r.code == 1 and "s3cr3t" not in r.err and "hunter2" not in r.err


def test_schema_command(cli):
    r = cli("schema")
    assert r.code == 0 and r.json()["title"].startswith("harvester-netsetup profile")


def test_console_script_entry_point():
    import subprocess
    import sys

    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "harvester-netsetup"), "validate", GOOD],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("url", ["http://x/c.yaml harvester.install.device=/dev/sdz", "http://x/c.yaml\nshell",
                                 "x/c.yaml"])
def test_a_config_url_cannot_add_kernel_arguments(cli, url):
    r = cli("render", GOOD, "--format", "cmdline", "--config-url", url)
    assert r.code == 1 and "error: --config-url:" in r.err and "sdz" not in r.out


def test_the_demo_removes_the_run_dir_it_made(tmp_path):
    """Every --demo wizard or run made a /tmp/hns-demo-run-* directory and left it behind."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "HARVESTER_NETSETUP_RUN_DIR"}
    code = "from tui.commands.demo import demo_run_dir\nd = demo_run_dir()\nopen(d + '/x', 'w').close()\nprint(d)"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root, timeout=60)
    made = r.stdout.strip()
    assert r.returncode == 0 and made.startswith("/"), r.stderr
    assert not os.path.exists(made)
    given = tmp_path / "mine"  # a run dir the caller chose stays
    given.mkdir()
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60,
                       env=dict(env, HARVESTER_NETSETUP_RUN_DIR=str(given)))
    assert r.stdout.strip() == str(given) and (given / "x").exists(), r.stderr
