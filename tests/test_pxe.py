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
    assert c2["install"]["mode"] == "join" and c2["server_url"] == "https://10.0.0.99:443" and "vip" not in c2["install"]
    assert c2["install"]["role"] == "worker" and c2["install"]["device"] == "/dev/nvme0n1"
    assert c2["install"]["management_interface"]["ip"] == "10.0.0.12"
    assert c1["install"]["iso_url"] == "http://10.0.0.10/hv/v1.6.0/harvester-v1.6.0-amd64.iso"
    script = (out / "nodes/525400000002.ipxe").read_text()
    assert script.startswith("#!ipxe\n")
    assert "kernel http://10.0.0.10/hv/v1.6.0/harvester-v1.6.0-vmlinuz-amd64 initrd=harvester-v1.6.0-initrd-amd64" in script
    assert "root=live:http://10.0.0.10/hv/v1.6.0/harvester-v1.6.0-rootfs-amd64.squashfs" in script
    assert "harvester.install.automatic=true harvester.install.config_url=http://10.0.0.10/hv/configs/node2.yaml" in script
    assert "ip=10.0.0.12::10.0.0.1:255.255.255.0:node2:ens5:none" in script
    assert "fleet-token" not in script  # secrets stay in the served config
    assert "chain --autofree http://10.0.0.10/hv/nodes/${mac:hexraw}.ipxe" in (out / "boot.ipxe").read_text()


def test_yaml_node_list_and_release(cli, tmp_path):
    nodes = "- {mac: '52:54:00:00:00:01', hostname: a, ip: 10.0.0.11/24}\n- {mac: '52:54:00:00:00:02', hostname: b, ip: 10.0.0.12/24, mode: join}\n"
    r = cli("pxe", "--profile", write(tmp_path, "base.yaml", BASE), "--nodes", write(tmp_path, "n.yaml", nodes),
            "--out", str(tmp_path / "out"), "--release", "v1.6.1")
    assert r.code == 0, r.err
    assert "${next-server}/harvester/v1.6.1/harvester-v1.6.1-vmlinuz-amd64" in (tmp_path / "out/nodes/525400000001.ipxe").read_text()


@pytest.mark.parametrize("nodes,words", [
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:01,node2,10.0.0.12/24\n", "nodes line 3.mac: 52:54:00:00:00:01 is already used on line 2"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node1,10.0.0.12/24\n", "nodes line 3.hostname: node1 is already used on line 2"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node2,10.0.0.11/24\n", "nodes line 3.ip: 10.0.0.11 is already used on line 2"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node2,10.0.1.12/24\n", "nodes line 3.ip: 10.0.1.12/24 is outside the management subnet 10.0.0.0/24"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24\n52:54:00:00:00:02,node2,10.0.0.99/24\n", "nodes line 3.ip: 10.0.0.99 is the cluster VIP"),
    ("mac,hostname,ip\nnot-a-mac,node1,10.0.0.11/24\n", "nodes line 2.mac"),
    ("mac,host,ip\n", "nodes line 1"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,10.0.0.11/24,extra\n", "nodes line 2"),
    ("mac,hostname,ip,mode\n52:54:00:00:00:01,node1,10.0.0.11/24,create\n52:54:00:00:00:02,node2,10.0.0.12/24,create\n", "exactly one node must create"),
    ("mac,hostname,ip\n52:54:00:00:00:01,node1,\n", "nodes line 2.ip: required"),
])
def test_errors_name_the_lines_and_write_nothing(cli, tmp_path, nodes, words):
    r = run(cli, tmp_path, nodes)
    assert r.code == 1 and words in r.err, r.err
    assert not (tmp_path / "out").exists()
