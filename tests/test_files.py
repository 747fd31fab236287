"""Output files under a hostile or broken filesystem (issue 12, items 5-9): every byte or a
failure that leaves the previous tree; no stale auto-install script for a removed machine;
no device, FIFO or symlink replaced; no staging file written through a pre-placed link."""

from __future__ import annotations

import errno
import os
import stat

import pytest

import tui.files
from conftest import PROFILES, write
from test_pxe import BASE

GOOD = str(PROFILES / "two-nic-active-backup-static.yaml")
AB = "mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node2,10.0.0.12/24\n"
A = "mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n"


def pxe(cli, tmp_path, nodes):
    return cli("pxe", "--profile", write(tmp_path, "base.yaml", BASE), "--nodes", write(tmp_path, "nodes.csv", nodes),
               "--out", str(tmp_path / "out"), "--boot-url", "http://10.0.0.10/hv")


def tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_short_writes_are_completed(cli, tmp_path, monkeypatch):
    real = os.write
    monkeypatch.setattr(tui.files.os, "write", lambda fd, data: real(fd, bytes(data[:100])))  # at most 100 a call
    r = pxe(cli, tmp_path, AB)
    assert r.code == 0, r.err
    boot = (tmp_path / "out/boot.ipxe").read_text()
    assert len(boot) > 100 and "chain --autofree" in boot and boot.endswith("exit 1\n")


@pytest.mark.parametrize("failure", ["no progress", "ENOSPC"])
def test_a_full_disk_fails_and_keeps_the_previous_tree(cli, tmp_path, monkeypatch, failure):
    assert pxe(cli, tmp_path, AB).code == 0
    before = tree(tmp_path / "out")
    real, budget = os.write, [300]

    def nearly_full(fd, data):
        if budget[0] <= 0:
            if failure == "ENOSPC":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return 0
        n = real(fd, bytes(data[: budget[0]]))
        budget[0] -= n
        return n

    monkeypatch.setattr(tui.files.os, "write", nearly_full)
    r = pxe(cli, tmp_path, A)
    assert r.code == 1 and "Traceback" not in r.err and "cannot write" in r.err
    assert tree(tmp_path / "out") == before
    assert not [p for p in (tmp_path / "out").rglob(".tmp-*")]


def test_a_machine_removed_from_the_list_loses_its_files(cli, tmp_path):
    assert pxe(cli, tmp_path, AB).code == 0
    assert (tmp_path / "out/nodes/525400000002.ipxe").exists()
    r = pxe(cli, tmp_path, A)
    assert r.code == 0, r.err
    names = set(tree(tmp_path / "out"))
    assert "nodes/525400000002.ipxe" not in names and "configs/node2.yaml" not in names
    assert "52:54:00:00:00:02" not in (tmp_path / "out/boot.ipxe").read_text()
    assert {"nodes/525400000001.ipxe", "configs/node1.yaml", "boot.ipxe"} <= names


def test_an_unknown_earlier_output_without_manifest_is_refused(cli, tmp_path):
    (tmp_path / "out/nodes").mkdir(parents=True)
    (tmp_path / "out/nodes/525400000009.ipxe").write_text("#!ipxe\n# someone else's\n")
    (tmp_path / "out/harvester-v1.6.0-amd64.iso").write_text("served artifacts stay")
    r = pxe(cli, tmp_path, A)
    assert r.code == 1 and "no manifest" in r.err and "Traceback" not in r.err
    assert not (tmp_path / "out/boot.ipxe").exists()


def test_keyfiles_of_a_renamed_nic_are_removed(cli, tmp_path):
    assert cli("render", GOOD, "--format", "nm-keyfiles", "-o", str(tmp_path / "nm")).code == 0
    renamed = write(tmp_path, "p.yaml", open(GOOD).read().replace("ens6", "ens7"))
    r = cli("render", renamed, "--format", "nm-keyfiles", "-o", str(tmp_path / "nm"))
    assert r.code == 0, r.err
    names = sorted(p.name for p in (tmp_path / "nm").iterdir() if not p.name.startswith("."))
    assert "bond-slave-ens6.nmconnection" not in names and "bond-slave-ens7.nmconnection" in names


def _fifo(path):
    os.mkfifo(path)


def _symlink(path):
    victim = path.parent / "victim"
    victim.write_text("keep me\n")
    os.symlink(victim, path)


def _device(path):
    """A character device node (1, 3: what /dev/null is) made in the test's own directory;
    nothing ever opens it (the old code renamed over it, the new one refuses)."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))


@pytest.mark.parametrize("make", [_fifo, _symlink, _device], ids=["fifo", "symlink", "device"])
def test_output_onto_a_non_regular_file_is_refused(cli, tmp_path, make):
    target = tmp_path / "target"
    make(target)
    kind = stat.S_IFMT(os.lstat(target).st_mode)
    r = cli("render", GOOD, "-o", str(target))
    assert r.code == 1 and "Traceback" not in r.err and "cannot write" in r.err
    assert stat.S_IFMT(os.lstat(target).st_mode) == kind
    if (tmp_path / "victim").exists():
        assert (tmp_path / "victim").read_text() == "keep me\n"


@pytest.mark.parametrize("command", ["render", "import"])
def test_output_equal_to_the_input_is_refused(cli, tmp_path, command):
    if command == "render":
        src = write(tmp_path, "p.yaml", open(GOOD).read())
        argv = ("render", src, "-o", src)
    else:
        src = write(tmp_path, "c.yaml", "install:\n  mode: create\n  management_interface:\n"
                                        "    interfaces: [{name: ens5}]\n    method: dhcp\n  vip: 10.0.0.9\n  "
                                        "vip_mode: static\n"
                                        "token: t\nos:\n  password: pw\n  ntp_servers: [ntp.example.org]\n")
        argv = ("profile", "import", src, "-o", src)
    before = open(src).read()
    r = cli(*argv)
    assert r.code == 1 and "is the input" in r.err
    assert open(src).read() == before


def test_a_preplaced_staging_link_is_not_written_through(cli, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    os.chmod(victim, 0o644)
    (tmp_path / "out").mkdir()
    os.link(victim, tmp_path / "out" / f".tmp-{os.getpid()}-boot.ipxe")  # the old predictable name
    r = pxe(cli, tmp_path, A)
    assert r.code == 0, r.err
    assert victim.read_text() == "keep me\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644


@pytest.mark.parametrize("where", ["existing dir", "under a file"])
def test_profile_import_output_errors_are_clean(cli, tmp_path, where):
    src = write(tmp_path, "c.yaml", "install:\n  mode: create\n  management_interface:\n"
                                    "    interfaces: [{name: ens5}]\n    method: dhcp\n  vip: 10.0.0.9\n  vip_mode: "
                                    "static\n"
                                        "token: t\nos:\n  password: pw\n  ntp_servers: [ntp.example.org]\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "f").write_text("")
    out = tmp_path / ("d" if where == "existing dir" else "f/x.yaml")
    r = cli("profile", "import", src, "-o", str(out))
    assert r.code == 1 and "Traceback" not in r.err and "cannot write" in r.err
