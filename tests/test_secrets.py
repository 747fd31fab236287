"""Secrets stay secret (issue 12, item 11): a saved profile holds the password's $6$ hash,
which replays; ``render`` to a terminal and ``cmdline`` on a terminal hide the token and the
password, while a file gets them in full. The terminal is a real pty around a real process."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tui.model.load import load_data, load_text

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "profiles" / "two-nic-active-backup-static.yaml"
TOKEN, PASSWORD = "my-cluster-secret", "p@ssword"
ARGS = f"ip=dhcp harvester.install.mode=create harvester.token={TOKEN} harvester.os.password={PASSWORD}"


def on_a_terminal(*argv: str) -> str:
    """Run the CLI with its stdout on a pty; what the terminal shows."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui", *argv], stdout=slave, stderr=subprocess.PIPE, cwd=ROOT)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()
    return shown.decode()


def into_a_file(tmp_path, *argv: str) -> str:
    out = tmp_path / "out.txt"
    with open(out, "wb") as fh:
        subprocess.run([sys.executable, "-m", "tui", *argv], stdout=fh, check=True, cwd=ROOT)
    return out.read_text()


@pytest.mark.parametrize("argv", [
    ("render", str(PROFILE)),
    ("render", str(PROFILE), "--format", "cmdline"),
    ("cmdline", "--cmdline", ARGS),
    ("cmdline", "--cmdline", ARGS, "--json"),
    ("cmdline", "--cmdline", ARGS, "--profile"),
])
def test_a_terminal_never_shows_the_token_or_password(argv, tmp_path):
    shown = on_a_terminal(*argv)
    assert "<hidden>" in shown
    assert TOKEN not in shown and PASSWORD not in shown
    full = into_a_file(tmp_path, *argv)
    assert TOKEN in full  # a file gets the secrets
    assert "<hidden>" not in full


def test_render_to_a_file_keeps_the_secrets(tmp_path):
    out = tmp_path / "c.yaml"
    subprocess.run([sys.executable, "-m", "tui", "render", str(PROFILE), "-o", str(out)], check=True, cwd=ROOT,
                   capture_output=True)
    config = yaml.safe_load(out.read_text())
    assert config["token"] == TOKEN and config["os"]["password"].startswith("$6$")


def test_a_saved_profile_holds_the_hash_and_replays(tmp_path):
    from tui.net.simulated import SimulatedHost
    from tui.wizard.draft import Draft
    from tui.wizard.session import Session

    loaded = load_text(PROFILE.read_bytes())
    assert loaded.profile.install.password == PASSWORD
    # as typed
    session = Session(host=SimulatedHost.demo(0), out_dir=str(tmp_path / "out"),
                      draft=Draft(yaml.safe_load(PROFILE.read_text())))
    session.write_outputs()
    text = (tmp_path / "out" / "profile.yaml").read_text()
    assert PASSWORD not in text
    saved = yaml.safe_load(text)["install"]["password"]
    assert saved.startswith("$6$")
    crypt = pytest.importorskip("crypt", reason="the crypt module (oracle) is gone in Python 3.13")
    assert crypt.crypt(PASSWORD, saved) == saved
    replayed = load_data(yaml.safe_load(text))
    assert replayed.profile.install.password == saved  # a hash passes through to the config


def test_profile_import_writes_the_hash_not_the_clear_password(tmp_path):
    """``profile import`` writes a profile file too: the clear password of a Harvester config
    becomes its $6$ hash there (the model's dump hashes only through the caller's hasher)."""
    from tests.conftest import run_cli, write

    config = write(tmp_path, "c.yaml", f"os:\n  hostname: n1\n  password: {PASSWORD}\ntoken: {TOKEN}\n"
                   "install:\n  mode: create\n  vip: 10.0.0.10\n  vip_mode: static\n"
                   "  management_interface:\n    interfaces: [{name: ens5}]\n    method: dhcp\n")
    out = tmp_path / "p.yaml"
    r = run_cli("profile", "import", config, "-o", str(out))
    assert r.code == 0, r.err
    text = out.read_text()
    assert PASSWORD not in text and yaml.safe_load(text)["install"]["password"].startswith("$6$")
