"""Boot integration: the install script into a root directory, the console generator, the
units checked by systemd-analyze, and the ISO remaster on a small ISO this test builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.render.grub import add_kernel_args

ROOT = Path(__file__).resolve().parent.parent
ISO = ROOT / "iso"
needs_xorriso = pytest.mark.skipif(shutil.which("xorriso") is None,
                                   reason="xorriso is not installed (scripts/setup installs it)")
needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="systemd-analyze is not available here")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    r = subprocess.run(["bash", str(ISO / "install.sh"), "--root", str(root), "--python", sys.executable],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return root


def test_install_puts_the_tool_and_units_under_the_root(installed):
    root = installed
    for path, mode in (("usr/bin/harvester-netsetup", 0o755), ("usr/lib/systemd/system/harvester-netsetup.service",
                                                               0o644),
                       ("usr/lib/systemd/system-generators/harvester-netsetup-generator", 0o755),
                       ("usr/libexec/harvester-netsetup/console", 0o755)):
        assert (root / path).is_file(), path
        assert (root / path).stat().st_mode & 0o777 == mode, path
    link = root / "etc/systemd/system/multi-user.target.wants/harvester-netsetup.service"
    assert os.readlink(link) == "/usr/lib/systemd/system/harvester-netsetup.service"
    site = next(root.glob("usr/lib/python3*/site-packages"))
    assert (site / "tui/kube/crds/network.harvesterhci.io_vlanconfigs.yaml").is_file()
    assert (site / "screens/wizard.tcss").is_file()
    env = dict(os.environ, PYTHONPATH=str(site))
    r = subprocess.run([str(root / "usr/bin/harvester-netsetup"), "boot", "--cmdline", "harvester.netsetup.disable",
                        "--print"],
                       capture_output=True, text=True, env=env, cwd="/")
    assert r.returncode == 0 and r.stdout.strip() == "disabled"
    assert str(site) in subprocess.run([sys.executable, "-c", "import tui; print(tui.__file__)"], capture_output=True,
                                       text=True, env=env, cwd="/").stdout


@pytest.mark.parametrize("cmdline,active,types,unit", [
    ("console=tty1", "tty1", {}, "getty@tty1.service"),
    ("console=ttyS0,115200", "ttyS0", {"ttyS0": "4"}, "serial-getty@ttyS0.service"),
    # an inactive serial port is skipped
    ("console=ttyS1 console=tty1", "ttyS1 tty1", {"ttyS1": "0"}, "getty@tty1.service"),
    ("console=tty1 harvester.netsetup.disable", "tty1", {}, None),
    ("console=tty1 harvester.netsetup.profile=http://x/p.yaml", "tty1", {}, None),  # unattended: no wizard
    ("console=ttyAMA0", "ttyAMA0", {"ttyAMA0": "4"}, None),
])
def test_generator_takes_the_first_active_console(tmp_path, cmdline, active, types, unit):
    (tmp_path / "cmdline").write_text(cmdline + "\n")
    (tmp_path / "active").write_text(active + "\n")
    for tty, kind in types.items():
        (tmp_path / "class" / tty).mkdir(parents=True)
        (tmp_path / "class" / tty / "type").write_text(kind + "\n")
    out = tmp_path / "gen"
    env = dict(os.environ, HNS_CMDLINE=str(tmp_path / "cmdline"), HNS_CONSOLE_ACTIVE=str(tmp_path / "active"),
               HNS_TTY_CLASS=str(tmp_path / "class"))
    r = subprocess.run(["sh", str(ISO / "systemd/harvester-netsetup-generator"), str(out)], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    dropins = sorted(p.parent.name for p in out.glob("*.service.d/harvester-netsetup.conf")) if out.exists() else []
    assert dropins == ([unit + ".d"] if unit else [])
    if unit:
        text = (out / f"{unit}.d/harvester-netsetup.conf").read_text()
        assert "ExecStart=\nExecStart=-/sbin/agetty -n -l /usr/libexec/harvester-netsetup/console %I $TERM" in text


def test_console_runs_the_wizard_then_a_login_shell():
    text = (ISO / "console").read_text()
    assert text.index("/usr/bin/harvester-netsetup") < text.index("exec /bin/bash -l") and "TERM=linux" in text


@needs_systemd
def test_units_pass_systemd_analyze_verify(installed, tmp_path):
    unit = (installed / "usr/lib/systemd/system/harvester-netsetup.service").read_text()
    local = tmp_path / "harvester-netsetup.service"
    local.write_text(unit.replace("/usr/bin/harvester-netsetup", str(installed / "usr/bin/harvester-netsetup")))
    r = subprocess.run(["systemd-analyze", "verify", str(local)], capture_output=True, text=True)
    assert r.returncode == 0 and "harvester-netsetup" not in r.stderr, r.stderr
    (tmp_path / "cmdline").write_text("console=tty1\n")
    (tmp_path / "active").write_text("tty1\n")
    gen = tmp_path / "gen"
    env = dict(os.environ, HNS_CMDLINE=str(tmp_path / "cmdline"), HNS_CONSOLE_ACTIVE=str(tmp_path / "active"))
    subprocess.run(["sh", str(ISO / "systemd/harvester-netsetup-generator"), str(gen)], check=True, env=env)
    r = subprocess.run(["systemd-analyze", "verify", "getty@tty1.service"], capture_output=True, text=True,
                       env=dict(os.environ, SYSTEMD_UNIT_PATH=f"{gen}:"))
    assert "harvester-netsetup.conf" not in r.stderr, r.stderr


GRUB_CFG = """source /boot/grub2/harvester.cfg
menuentry "Harvester Installer ${harvester_version}" {
  linux /boot/x86_64/loader/linux cdroot root=live:CDLABEL=COS_LIVE console=tty1 rd.cos.disable net.ifnames=1
  initrd /boot/x86_64/loader/initrd
}
menuentry "Harvester Installer (VGA 1024x768)" {
\tlinuxefi /boot/x86_64/loader/linux cdroot root=live:CDLABEL=COS_LIVE vga=792 harvester.netsetup.profile=old
  initrd /boot/x86_64/loader/initrd
}
"""


@pytest.mark.parametrize("cfg,args,changed,expect", [
    (GRUB_CFG, ["a=1"], 2, ["net.ifnames=1 a=1", "harvester.netsetup.profile=old a=1"]),
    (GRUB_CFG, ["harvester.netsetup.profile=new"], 2, ["vga=792 harvester.netsetup.profile=new"]),
    ("set timeout=5\n", ["a=1"], 0, ["set timeout=5"]),
])
def test_grub_kernel_args(cfg, args, changed, expect):
    text, n = add_kernel_args(cfg, args)
    assert n == changed
    for e in expect:
        assert e in text
    assert add_kernel_args(text, args)[0] == text  # idempotent
    assert "profile=old" not in text or "harvester.netsetup.profile=new" not in args


def _iso(tmp_path) -> Path:
    tree = tmp_path / "tree"
    (tree / "boot/grub2").mkdir(parents=True)
    (tree / "boot/x86_64/loader").mkdir(parents=True)
    (tree / "boot/grub2/grub.cfg").write_text(GRUB_CFG)
    (tree / "boot/grub2/harvester.cfg").write_text("set harvester_version=v1.6.1\n")
    (tree / "boot/x86_64/loader/linux").write_text("kernel")
    iso = tmp_path / "harvester.iso"
    subprocess.run(["xorriso", "-as", "mkisofs", "-V", "COS_LIVE", "-R", "-o", str(iso), str(tree)], check=True,
                   capture_output=True)
    return iso


def _extract(iso: Path, path: str, dest: Path) -> str:
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract", path, str(dest)], check=True,
                   capture_output=True)
    return dest.read_text()


@needs_xorriso
def test_remaster_embeds_the_profile_and_adds_the_kernel_args(tmp_path):
    iso = _iso(tmp_path)
    out = tmp_path / "out.iso"
    profile = ROOT / "profiles" / "lacp-vlan-jumbo.yaml"
    r = subprocess.run([str(ISO / "remaster"), str(iso), str(profile), str(out), "--arg",
                        "harvester.install.automatic=true"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert _extract(out, "/harvester-netsetup/profile.yaml", tmp_path / "p.yaml") == profile.read_text()
    cfg = _extract(out, "/boot/grub2/grub.cfg", tmp_path / "g.cfg")
    arg = ("harvester.netsetup.profile=file:///run/initramfs/live/harvester-netsetup/profile.yaml "
           "harvester.install.automatic=true")
    assert cfg.count(arg) == 2 and "profile=old" not in cfg
    assert _extract(out, "/boot/x86_64/loader/linux", tmp_path / "k") == "kernel"
    pvd = subprocess.run(["xorriso", "-indev", str(out), "-pvd_info"], capture_output=True, text=True).stdout
    assert "COS_LIVE" in pvd  # the label the boot entries look for is kept
    again = tmp_path / "again.iso"
    assert subprocess.run([str(ISO / "remaster"), str(out), str(profile), str(again)],
                          capture_output=True).returncode == 0
    assert _extract(again, "/boot/grub2/grub.cfg", tmp_path / "g2.cfg").count("harvester.netsetup.profile=") == 2


@needs_xorriso
def test_remaster_refuses_an_invalid_profile_and_writes_nothing(tmp_path):
    iso = _iso(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / "profiles" / "lacp-vlan-jumbo.yaml").read_text().replace("mtu: 9000", "mtu: 12"))
    r = subprocess.run([str(ISO / "remaster"), str(iso), str(bad), str(tmp_path / "out.iso")], capture_output=True,
                       text=True)
    assert r.returncode == 1 and "error: management.mtu" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out.iso").exists() and not (tmp_path / "out.iso.partial").exists()
