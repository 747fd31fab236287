"""Applying the full management topology (802.3ad bond of two NICs, VLAN-filtering bridge,
VLAN 100 sub-interface, MTU 9000, static address and route) with ``harvester-netsetup apply``
vs the same steps as an ip/bridge command script, in the same Debian kernel under QEMU
(virtme-ng, TCG). Three runs each, alternating, torn down in between — once with every
file read over the VM's 9p root (how virtme-ng shares the host), once with what the apply
loads (Python, the tool, ip and bridge with their libraries) copied onto the guest's tmpfs,
which is what a node's local disk looks like.

    .venv/bin/python benchmarks/apply_vm.py          # boots the VM (about a minute)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """set -e
ip link set {a} down; ip link set {b} down
ip link add mgmt-bo type bond mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4
ip link set {a} master mgmt-bo; ip link set {b} master mgmt-bo
ip link add mgmt-br type bridge vlan_filtering 1 stp_state 0 forward_delay 0 vlan_default_pvid 1
ip link set mgmt-bo master mgmt-br
ip link add link mgmt-br name mgmt-br.100 type vlan id 100
bridge vlan add vid 100 dev mgmt-bo
bridge vlan add vid 100 dev mgmt-br self
for d in {a} {b} mgmt-bo mgmt-br mgmt-br.100; do ip link set $d mtu 9000; done
for d in {a} {b} mgmt-bo mgmt-br mgmt-br.100; do ip link set $d up; done
ip addr add 10.0.100.11/24 dev mgmt-br.100
ip route add default via 10.0.100.1 dev mgmt-br.100
"""

PROFILE = """version: 1
harvester: v1.6
node: {{hostname: n1, dns: [10.0.0.53]}}
management:
  interfaces: [{{name: {a}}}, {{name: {b}}}]
  bond: {{mode: 802.3ad, miimon: 100, options: {{lacp_rate: fast, xmit_hash_policy: layer3+4}}}}
  vlan_id: 100
  mtu: 9000
  ipv4: {{method: static, address: 10.0.100.11/24, gateway: 10.0.100.1}}
"""


def teardown(a: str, b: str) -> None:
    subprocess.run(f"ip link del mgmt-br.100; ip link del mgmt-br; ip link del mgmt-bo; "
                   f"for d in {a} {b}; do ip link set $d mtu 1500; ip link set $d up; done", shell=True,
                   capture_output=True)


RECORD = """
import importlib.util, runpy, sys
sys.argv = ['harvester-netsetup', 'apply', '/tmp/bench-profile.yaml']
try:
    runpy.run_module('tui', run_name='__main__', alter_sys=True)
    code = 0
except SystemExit as exc:
    code = exc.code
import tui.commands.pending, tui.net.lock, tui.net.logfile, tui.net.revert_timer  # the revert timer each apply arms
files = set()
for m in list(sys.modules.values()):
    f = getattr(m, '__file__', None)
    if f:
        files.add(f)
        if f.endswith('.py'):
            files.add(importlib.util.cache_from_source(f))
open('/tmp/bench-modules.txt', 'w').write('\\n'.join(sorted(files)))
sys.exit(code)
"""


def local_tree(dest: Path) -> tuple[list[str], dict, str]:
    """Copy what an apply loads (stdlib, site-packages, tui — sources and byte-code) and the
    ip/bridge binaries with their libraries onto the guest's tmpfs: a node's local disk
    rather than the host's files over 9p. Returns our command, its environment and the
    shell prelude that runs ip/bridge from the copy."""
    import shutil

    lib = dest / "lib/python3.11"
    roots = [(Path(sys.base_prefix) / "lib/python3.11", lib),
             (Path(sys.prefix) / "lib/python3.11/site-packages", lib / "site-packages"), (ROOT, lib / "site-packages")]
    for f in Path("/tmp/bench-modules.txt").read_text().split():
        path = Path(f)
        for src, dst in roots:
            if path.is_relative_to(src) and path.exists():
                target = dst / path.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                break
    (dest / "run").mkdir(exist_ok=True)
    bins = dest / "bin"
    bins.mkdir(exist_ok=True)
    for tool in ("ip", "bridge"):
        shutil.copy2(shutil.which(tool), bins / tool)
    libs = subprocess.run(f"ldd {bins}/ip {bins}/bridge", shell=True, capture_output=True, text=True).stdout
    paths = {w for w in libs.split() if w.startswith("/") and not w.endswith(":") and not w.startswith(str(bins))}
    for word in sorted(paths):
        shutil.copy2(word, bins / os.path.basename(word))
    loader = f"{bins}/ld-linux-x86-64.so.2 --library-path {bins}"
    prelude = f"ip() {{ {loader} {bins}/ip \"$@\"; }}; bridge() {{ {loader} {bins}/bridge \"$@\"; }}\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONHOME=str(dest), PYTHONNOUSERSITE="1")
    return [os.path.realpath(sys.executable), "-m", "tui", "apply", "/tmp/bench-profile.yaml"], env, prelude


def wait_for_timers(limit: float = 120.0) -> None:
    """Until no revert timer runs: the next run must not share the (emulated) CPUs with one."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        busy = False
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                busy |= b"revert-timer" in Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                pass
        if not busy:
            return
        time.sleep(0.2)


def inside() -> None:
    nics = sorted(n for n in os.listdir("/sys/class/net")
                  if open(f"/sys/class/net/{n}/address").read().startswith("52:54:00:00:00"))
    a, b = nics[:2]
    Path("/tmp/bench-profile.yaml").write_text(PROFILE.format(a=a, b=b))
    subprocess.run("modprobe bonding; modprobe 8021q; modprobe bridge", shell=True, capture_output=True)
    run_dir = {"HARVESTER_NETSETUP_RUN_DIR": f"/tmp/hns-bench-run-{os.getpid()}"}
    env = dict(os.environ, **run_dir)
    r = subprocess.run([sys.executable, "-c", RECORD], capture_output=True, text=True, cwd=ROOT, env=env)
    if r.returncode:
        sys.exit(f"RESULT apply failed: {r.stderr[-1500:]}")
    teardown(a, b)
    local_cmd, local_env, prelude = local_tree(Path("/tmp/hns-local"))
    local_env.update(run_dir)
    timings: dict[str, list[float]] = {k: [] for k in ("ours", "script", "ours_local", "script_local")}

    def timed(key: str, cmd, **kw) -> None:
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, **kw)
        timings[key].append(time.perf_counter() - t)
        if r.returncode:
            sys.exit(f"RESULT {key} failed: {r.stderr[-1500:]}")
        wait_for_timers()  # the apply's revert timer exits once the journal is cleared
        teardown(a, b)

    for _ in range(3):
        timed("ours", [sys.executable, "-m", "tui", "apply", "/tmp/bench-profile.yaml"], cwd=ROOT, env=env)
        timed("script", ["sh", "-c", SCRIPT.format(a=a, b=b)])
        timed("ours_local", local_cmd, cwd="/tmp/hns-local/run", env=local_env)
        timed("script_local", ["sh", "-c", prelude + SCRIPT.format(a=a, b=b)])
    m = {k: statistics.median(v) for k, v in timings.items()}
    print(f"RESULT apply of the management topology in the VM (20 steps, verify, kernel check):\n"
          "RESULT   files on the guest's tmpfs (a node's local disk): harvester-netsetup "
          f"{m['ours_local'] * 1000:.0f} ms, "
          f"ip/bridge script {m['script_local'] * 1000:.0f} ms; ratio {m['ours_local'] / m['script_local']:.2f}x "
          "(target <= 1.0x)\n"
          "RESULT   files over the VM's 9p root (every import stats the host): harvester-netsetup "
          f"{m['ours'] * 1000:.0f} ms, "
          f"ip/bridge script {m['script'] * 1000:.0f} ms; ratio {m['ours'] / m['script']:.2f}x")


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_vm import VENV_BIN, _kernel, qemu_nics

    cmd = [os.path.join(VENV_BIN, "vng"), "--disable-kvm", "--force-9p", "-r", _kernel(), "--user", "root", "--memory",
           "1G",
           "--cpus", "2", f"--qemu-opts={qemu_nics(3, 0)}", "--exec",
           f"cd {ROOT} && {sys.executable} benchmarks/apply_vm.py --inside"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ,
                                                                     PATH=f"{VENV_BIN}:{os.environ['PATH']}"))
    lines = [line[7:] for line in r.stdout.splitlines() if line.startswith("RESULT")]
    print("\n".join(lines) if lines else r.stdout[-2000:] + r.stderr[-2000:])


if __name__ == "__main__":
    inside() if "--inside" in sys.argv else main()
