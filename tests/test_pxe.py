"""PXE fleets: per-node configs, iPXE scripts, the entry script, and errors that name lines."""

import stat

import pytest
import yaml

from conftest import write

BASE = """
version: 1
harvester: v1.6
node: {dns: [10.0.0.53], ntp: [0.suse.pool.ntp.org]}
management:
  interfaces: [{name: ens5}]
  ipv4: {method: static, gateway: 10.0.0.1}
install:
  mode: create
  token: fleet-token
  vip: 10.0.0.99
  device: /dev/sda
  password: p@ssword
"""

NODES = """mac,hostname,ip,mode,role,device
52:54:00:00:00:01,node1,10.0.0.11/24,,,
52:54:00:00:00:02,node2,10.0.0.12/24,,worker,/dev/nvme0n1
52:54:00:00:00:03,node3,10.0.0.13/24,,,
"""


def run(cli, tmp_path, nodes=NODES, base=BASE, *extra):
    return cli("pxe", "--profile", write(tmp_path, "base.yaml", base), "--nodes", write(tmp_path, "nodes.csv", nodes),
               "--out", str(tmp_path / "out"), "--boot-url", "http://10.0.0.10/hv", *extra)


def test_fleet(cli, tmp_path):
    r = run(cli, tmp_path)
    assert r.code == 0, r.err
    out = tmp_path / "out"
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files[0] == ".harvester-netsetup-manifest"  # what a re-run removes when it no longer writes it
    files = files[1:]
    assert files == ["boot.ipxe", "configs/node1.yaml", "configs/node2.yaml", "configs/node3.yaml",
                     "nodes/525400000001.ipxe", "nodes/525400000002.ipxe", "nodes/525400000003.ipxe"]
    assert all(stat.S_IMODE((out / f).stat().st_mode) == 0o600 for f in files)
    c1, c2 = (yaml.safe_load((out / f"configs/node{i}.yaml").read_text()) for i in (1, 2))
    assert c1["install"]["mode"] == "create" and c1["install"]["vip"] == "10.0.0.99"
    assert c2["install"]["mode"] == "join" and c2["server_url"] == "https://10.0.0.99:443"
    assert "vip" not in c2["install"]
    assert c2["install"]["role"] == "worker" and c2["install"]["device"] == "/dev/nvme0n1"
    assert c2["install"]["management_interface"]["ip"] == "10.0.0.12"
    assert c1["install"]["iso_url"] == "http://10.0.0.10/hv/v1.6.0/harvester-v1.6.0-amd64.iso"
    script = (out / "nodes/525400000002.ipxe").read_text()
    assert script.startswith("#!ipxe\n")
    assert ("kernel http://10.0.0.10/hv/v1.6.0/harvester-v1.6.0-vmlinuz-amd64 "
            "initrd=harvester-v1.6.0-initrd-amd64") in script
    assert "root=live:http://10.0.0.10/hv/v1.6.0/harvester-v1.6.0-rootfs-amd64.squashfs" in script
    assert ("harvester.install.automatic=true "
            "harvester.install.config_url=http://10.0.0.10/hv/configs/node2.yaml") in script
    assert "ip=10.0.0.12::10.0.0.1:255.255.255.0:node2:ens5:none" in script
    assert "fleet-token" not in script  # secrets stay in the served config
    assert "chain --autofree http://10.0.0.10/hv/nodes/${mac:hexraw}.ipxe" in (out / "boot.ipxe").read_text()


def test_yaml_node_list_and_release(cli, tmp_path):
    nodes = ("- {mac: '52:54:00:00:00:01', hostname: a, ip: 10.0.0.11/24}\n- {mac: '52:54:00:00:00:02', hostname: b, "
             "ip: 10.0.0.12/24, mode: join}\n")
    r = cli("pxe", "--profile", write(tmp_path, "base.yaml", BASE), "--nodes", write(tmp_path, "n.yaml", nodes),
            "--out", str(tmp_path / "out"), "--release", "v1.6.1")
    assert r.code == 0, r.err
    script = (tmp_path / "out/nodes/525400000001.ipxe").read_text()
    assert "${next-server}/harvester/v1.6.1/harvester-v1.6.1-vmlinuz-amd64" in script


@pytest.mark.parametrize("nodes,words", [
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:01,node2,10.0.0.12/24\n",
     "nodes.csv:3: mac: 52:54:00:00:00:01 is already used on nodes.csv:2"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node1,10.0.0.12/24\n",
     "nodes.csv:3: hostname: node1 is already used on nodes.csv:2"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node2,10.0.0.11/24\n",
     "nodes.csv:3: ip: 10.0.0.11 is already used on nodes.csv:2"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node2,10.0.1.12/24\n",
     "nodes.csv:3: ip: 10.0.1.12/24 is outside the management subnet 10.0.0.0/24"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node2,10.0.0.99/24\n",
     "nodes.csv:3: ip: 10.0.0.99 is the cluster VIP"),
    ("mac,hostname,ip\nnot-a-mac,node1,10.0.0.11/24\n", "nodes.csv:2: mac"),
    ("mac,host,ip\n", "nodes.csv:1"),
    ("mac,hostname,ip,mac\n52:54:00:00:00:01,node1,10.0.0.11/24,52:54:00:00:00:02\n",
     "nodes.csv:1: column(s) named twice: mac"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24,extra\n", "nodes.csv:2"),
    ("mac,hostname,ip,mode\n52:54:00:00:00:01,node1,10.0.0.11/24,create\n"
     "52:54:00:00:00:02,node2,10.0.0.12/24,create\n", "exactly one node must create"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,\n", "nodes.csv:2: ip: required"),
])
def test_errors_name_the_lines_and_write_nothing(cli, tmp_path, nodes, words):
    r = run(cli, tmp_path, nodes)
    assert r.code == 1 and words in r.err, r.err
    assert not (tmp_path / "out").exists()


ISO_171 = BASE.replace("harvester: v1.6", "harvester: v1.7").replace(
    "  device: /dev/sda\n", "  device: /dev/sda\n  iso_url: http://10.0.0.10/hv/v1.7.1/harvester-v1.7.1-amd64.iso\n")


def test_the_boot_files_are_the_isos_release(cli, tmp_path):
    r = run(cli, tmp_path, NODES, ISO_171)
    assert r.code == 0, r.err
    script = (tmp_path / "out/nodes/525400000001.ipxe").read_text()
    assert "v1.7.0" not in script
    assert ("kernel http://10.0.0.10/hv/v1.7.1/harvester-v1.7.1-vmlinuz-amd64 "
            "initrd=harvester-v1.7.1-initrd-amd64") in script
    assert "root=live:http://10.0.0.10/hv/v1.7.1/harvester-v1.7.1-rootfs-amd64.squashfs" in script


@pytest.mark.parametrize("base,extra,words", [
    (ISO_171, ("--release", "v1.7.0"), "error: --release: v1.7.0 boot files with the v1.7.1 ISO"),
    (ISO_171.replace("harvester: v1.7", "harvester: v1.8"), (),
     "error: install.iso_url: the ISO is v1.7.1 but the profile targets harvester v1.8"),
    (ISO_171.replace("harvester: v1.7", "harvester: v1.7.2"), (),
     "error: install.iso_url: the ISO is v1.7.1 but the profile targets harvester v1.7.2"),
    (BASE, ("--release", "v1.7.1"), "error: --release: v1.7.1 is not the profile's release (v1.6)"),
])
def test_a_release_mismatch_is_refused(cli, tmp_path, base, extra, words):
    r = run(cli, tmp_path, NODES, base, *extra)
    assert r.code == 1 and words in r.err, r.err
    assert not (tmp_path / "out").exists()


def test_all_node_list_errors_at_once(cli, tmp_path):
    nodes = ("mac,hostname,ip\n"
             "52:54:00:00:00:01,node1,10.0.0.11/24\n"
             "not-a-mac,node2,10.0.0.12/24\n"
             "52:54:00:00:00:03,node3,10.0.0.13/24\n"
             "52:54:00:00:00:03,node4,10.0.0.14/24\n"
             "52:54:00:00:00:05,node5,10.0.9.15/24\n")
    r = run(cli, tmp_path, nodes, BASE.replace("token: fleet-token", "token: \"\""))
    assert r.code == 1
    for words in ("error: nodes.csv:3: mac: 'not-a-mac' is not a MAC address",
                  "error: nodes.csv:5: mac: 52:54:00:00:00:03 is already used on nodes.csv:4",
                  "error: nodes.csv:6: ip: 10.0.9.15/24 is outside the management subnet 10.0.0.0/24",
                  "error: install.token:"):
        assert words in r.err, r.err


@pytest.mark.parametrize("nodes,words", [
    ("- {mac: '52:54:00:00:00:01', hostname: a, mac: '52:54:00:00:00:02'}\n",
     "error: nodes.yaml: [0].mac: duplicate key (line 1; first at line 1)"),
    ('- {"mac": "52:54:00:00:00:01", "hostname": "a\\udcff"}\n',
     "error: nodes.yaml: [0].hostname: holds a lone UTF-16 surrogate"),
    ("- {mac: '52:54:00:00:00:01', hostname: " + "a" * 70 + "}\n", "Linux allows at most 64"),
])
def test_bad_yaml_node_lists(cli, tmp_path, nodes, words):
    r = cli("pxe", "--profile", write(tmp_path, "base.yaml", BASE), "--nodes", write(tmp_path, "nodes.yaml", nodes),
            "--out", str(tmp_path / "out"))
    assert r.code == 1 and words in r.err and "Traceback" not in r.err, r.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ["http://10.0.0.10/h\nshell\n#", "http://10.0.0.10/h shell", "http://10.0.0.10/h\x7f",
                                 "ftp://10.0.0.10/h", "10.0.0.10/h"])
def test_a_boot_url_cannot_inject_ipxe_commands(cli, tmp_path, url):
    r = cli("pxe", "--profile", write(tmp_path, "base.yaml", BASE), "--nodes", write(tmp_path, "nodes.csv", NODES),
            "--out", str(tmp_path / "out"), "--boot-url", url)
    assert r.code == 1 and "error: --boot-url:" in r.err, r.err
    assert not (tmp_path / "out").exists()
