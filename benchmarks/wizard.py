"""The wizard in a pseudo-terminal (80x24, TERM=linux): time from process start to the first
interactive screen (median of 9), against a minimal Textual app as the baseline in the same
run (alternating); then a demo walk to the live apply with the peak RSS (VmHWM) read before quitting."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).parent / "harvester-netsetup")
BASELINE = ("from textual.app import App\nfrom textual.widgets import Static\n"
            "class A(App):\n    def compose(self):\n        yield Static('What do you want to do?')\nA().run()\n")


def spawn(argv: list[str], env: dict) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def read_until(fd: int, marker: bytes, timeout: float = 20.0) -> bytes:
    buf, deadline = b"", time.monotonic() + timeout
    while marker not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{marker!r} not seen; got {buf[-300:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
    return buf


def drain(fd: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def stop(pid: int, fd: int) -> None:
    os.write(fd, b"\x11")  # ctrl+q
    drain(fd, 0.5)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)


def first_screen(argv: list[str], marker: bytes, env: dict) -> float:
    t = time.perf_counter()
    pid, fd = spawn(argv, env)
    read_until(fd, marker)
    elapsed = time.perf_counter() - t
    stop(pid, fd)
    return elapsed


def walk_rss(env: dict) -> int:
    pid, fd = spawn([BIN, "--demo", "--out", "/tmp/hns-bench-out"], env)
    read_until(fd, b"What do you want")
    # reconfigure; add ens1f0 and ens1f1 to the node's eno1; ctrl+n to the node step; a DNS
    # server (the node's static address needs one); ctrl+n to the confirmation; type yes
    keys = ([b"\x1b[B", b"\r", b"\x1b[B", b"\x1b[B", b"\r", b"\x1b[B", b"\r"] + [b"\x0e"] * 4
            + [b"\t"] + list(b"10.0.0.53") + [b"\x0e"] * 4 + list(b"yes"))
    for k in keys:
        os.write(fd, k if isinstance(k, bytes) else bytes([k]))
        drain(fd, 0.4)
    os.write(fd, b"\r")  # apply
    drain(fd, 6)
    with open(f"/proc/{pid}/status") as fh:
        hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
    stop(pid, fd)
    return hwm


def main() -> None:
    env = dict(os.environ, TERM="linux", HARVESTER_NETSETUP_RUN_DIR="/tmp/hns-bench-run")
    ours, base = [], []
    for _ in range(9):  # alternated, so the machine's drift weighs on both alike
        ours.append(first_screen([BIN, "--demo", "--out", "/tmp/hns-bench-out"], b"What do you want", env))
        base.append(first_screen([sys.executable, "-c", BASELINE], b"What do you want", env))
    o, b = statistics.median(ours), statistics.median(base)
    print(f"first screen: harvester-netsetup --demo {o * 1000:.0f} ms median "
          f"minimal Textual app {b * 1000:.0f} ms; ratio {o / b:.2f}x (target <= 1.2x)")
    print(f"peak RSS during a demo walk to the live apply: {walk_rss(env) / 1024:.0f} MiB (target <= 120 MiB)")


if __name__ == "__main__":
    main()
