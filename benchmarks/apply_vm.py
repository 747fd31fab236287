"""Applying the full management topology (802.3ad bond of two NICs, VLAN-filtering bridge,
VLAN 100 sub-interface, MTU 9000, static address and route) with ``harvester-netsetup apply``
vs the same steps as an ip/bridge command script, in the same Debian kernel under QEMU
(virtme-ng, TCG). Three runs each, alternating, torn down in between.

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
                   f"for d in {a} {b}; do ip link set $d mtu 1500; ip link set $d up; done", shell=True, capture_output=True)


def inside() -> None:
    nics = sorted(n for n in os.listdir("/sys/class/net") if open(f"/sys/class/net/{n}/address").read().startswith("52:54:00:00:00"))
    a, b = nics[:2]
    Path("/tmp/bench-profile.yaml").write_text(PROFILE.format(a=a, b=b))
    subprocess.run("modprobe bonding; modprobe 8021q; modprobe bridge", shell=True, capture_output=True)
    env = dict(os.environ, HARVESTER_NETSETUP_RUN_DIR=f"/tmp/hns-bench-run-{os.getpid()}")
    ours, script = [], []
    for _ in range(3):
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "tui", "apply", "/tmp/bench-profile.yaml"], capture_output=True, text=True, cwd=ROOT, env=env)
        if r.returncode:
            sys.exit(f"RESULT apply failed: {r.stderr[-1500:]}")
        ours.append(time.perf_counter() - t)
        teardown(a, b)
        t = time.perf_counter()
        subprocess.run(["sh", "-c", SCRIPT.format(a=a, b=b)], check=True, capture_output=True)
        script.append(time.perf_counter() - t)
        teardown(a, b)
    o, s = statistics.median(ours), statistics.median(script)
    print(f"RESULT apply of the management topology in the VM: harvester-netsetup {o * 1000:.0f} ms "
          f"(process incl. imports, verify), ip/bridge script {s * 1000:.0f} ms; ratio {o / s:.2f}x (target <= 1.0x)")


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_vm import VENV_BIN, _kernel, qemu_nics

    cmd = [os.path.join(VENV_BIN, "vng"), "--disable-kvm", "--force-9p", "-r", _kernel(), "--user", "root", "--memory", "1G",
           "--cpus", "2", f"--qemu-opts={qemu_nics(3, 0)}", "--exec", f"cd {ROOT} && {sys.executable} benchmarks/apply_vm.py --inside"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PATH=f"{VENV_BIN}:{os.environ['PATH']}"))
    lines = [line for line in r.stdout.splitlines() if line.startswith("RESULT")]
    print(lines[0][7:] if lines else r.stdout[-2000:] + r.stderr[-2000:])


if __name__ == "__main__":
    inside() if "--inside" in sys.argv else main()
