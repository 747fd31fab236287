"""The wizard in a real terminal: tmux runs ``harvester-netsetup --demo`` with TERM=linux at
80x25; send-keys drives a full walk and capture-pane shows each screen and the final paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.path.dirname(sys.executable), "harvester-netsetup")
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (scripts/setup installs it)")


# What the Linux console's default font can draw: the IBM PC (cp437) repertoire
# (with its symbols in 0x01-0x1f, as the kernel's VGA font draws them).
CP437_LOW = "☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼"
CONSOLE_GLYPHS = set(bytes(range(32, 256)).decode("cp437")) | set(CP437_LOW) | {"\n"}


class Term:
    def __init__(self, session: str):
        self.session = session
        self.seen: list[str] = []

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout

    def screen(self) -> str:
        shown = self.tmux("capture-pane", "-p", "-t", self.session)
        self.seen.append(shown)
        return shown

    def keys(self, *keys: str) -> None:
        for k in keys:
            self.tmux("send-keys", "-t", self.session, k)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")


@pytest.fixture()
def term(tmp_path):
    session = f"hns{os.getpid()}"
    out = tmp_path / "out"
    # COLUMNS/LINES as a login script might leave them: the wizard must still follow resizes
    cmd = (f"cd {ROOT} && HARVESTER_NETSETUP_RUN_DIR={tmp_path}/run TERM=linux COLUMNS=80 LINES=24 "
           f"{BIN} --demo --out {out}; echo EXITED $?; sleep 60")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "25", "-e", "TERM=linux", cmd],
                   check=True)
    t = Term(session)
    t.out = out
    yield t
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_full_demo_walk_in_a_linux_console(term):
    term.wait_for("What do you want to do?")
    s = term.wait_for("f1 Help", timeout=5)  # the key bar: drawn in the same frame, but a capture may fall between
    assert "harvester-netsetup  Welcome" in s and "^q Quit" in s
    term.keys("Down", "Enter")
    s = term.wait_for("Management NICs")
    assert "S" in s and "eno1" in s and "25G" in s and "your SSH session" in s
    term.wait_for("selected: eno1")  # what the node uses now
    term.keys("Enter", "Down", "Down", "Enter", "Down", "Enter")
    term.wait_for("selected: ens1f0, ens1f1")
    term.keys("C-n")
    term.wait_for("Bond mode")
    term.keys("C-n")
    term.wait_for("Management VLAN ID")
    term.type("100")
    term.keys("C-n")
    s = term.wait_for("Probe DHCP")
    term.keys("C-n")
    term.wait_for("Hostname")
    term.keys("C-u")  # the node's own hostname is filled in
    term.type("node9")
    term.keys("Tab")
    term.type("10.0.0.53")
    term.keys("C-n")
    term.wait_for("Default VLAN NIC")
    term.keys("C-n")
    term.wait_for("VM networks")
    term.keys("C-n")
    term.wait_for("Plan on this node:")
    s = term.wait_for("none: the profile is valid")
    assert "create bond mgmt-bo" in s
    term.keys("C-n")
    s = term.wait_for("Type yes and press Enter")
    term.wait_for("eno1 - your SSH session - loses the default route via 10.0.0.1")
    term.keys("C-n")  # not enough
    term.type("yes")
    term.keys("Enter")
    term.wait_for("applied and verified", timeout=30)
    term.wait_for("Keep this network?")
    term.keys("Enter")  # Keep has the focus
    term.wait_for("confirmed: the change stays")
    term.keys("C-n")
    s = term.wait_for("Replay this session unattended")
    unwrapped = "".join(line.strip() for line in s.splitlines())  # a long path wraps inside the body's padding
    assert str(term.out / "profile.yaml") in unwrapped
    term.keys("C-q")
    term.wait_for("Quit the wizard?")
    term.keys("y")
    printed = term.wait_for("EXITED")  # back on the normal screen: the paths written, one per line
    assert "EXITED 0" in printed and str(term.out / "profile.yaml") in printed.replace("\n", "")
    assert (term.out / "profile.yaml").exists() and (term.out / "harvester-config.yaml").exists()
    odd = {ch for shown in term.seen for ch in shown} - CONSOLE_GLYPHS
    assert not odd, f"glyphs the Linux console font lacks: {sorted(odd)}"
    assert oct((term.out / "profile.yaml").stat().st_mode & 0o777) == "0o600"


def test_small_terminal_shows_the_notice(term):
    term.wait_for("What do you want to do?")
    term.tmux("resize-window", "-t", term.session, "-x", "70", "-y", "20")
    s = term.wait_for("enlarge the terminal")
    assert "70x20" in s
    term.tmux("resize-window", "-t", term.session, "-x", "80", "-y", "25")
    term.wait_for("What do you want to do?")
