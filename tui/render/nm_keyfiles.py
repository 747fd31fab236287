"""Profile → the NetworkManager keyfiles Harvester v1.7+ writes for the management network.

The files reproduce Harvester's Go templates byte for byte (checked against the installer's
own ``UpdateManagementInterfaceConfig`` in tests/test_conformance_installer.py), including
the empty line a false ``{{ if }}`` leaves behind, the blank line the bond template's
``{{ range }}`` puts before each option, and the missing final newline of the bond and VLAN
files. Returns ``{file name: content}``.
"""

from __future__ import annotations

import ipaddress

from tui.model.ifnames import MGMT_BOND, MGMT_BRIDGE
from tui.model.profile import Profile
from tui.model.selectors import ResolvedNic
from tui.render.harvester_config import bond_options

BOND, BRIDGE = MGMT_BOND, MGMT_BRIDGE


def _if(cond: bool, body: str) -> str:
    """What ``X\\n{{ if c -}}\\nBODY\\n{{- end }}\\nY`` leaves between X and Y."""
    return body if cond else ""


def _ipv4(method: str, address: str | None, gateway: str | None, dns: str) -> str:
    lines = [_if(dns != "", f"dns={dns}")] if dns is not None else []
    addr = ""
    if method == "static" and address:
        iface = ipaddress.IPv4Interface(address)
        addr = f"method=manual\naddress1={iface.ip}/{iface.network.prefixlen},{gateway}"
    return "\n".join(lines + [_if(method == "dhcp", "method=auto"), _if(method == "static", addr)])


def bond_file(profile: Profile) -> str:
    mg = profile.management
    opts = {k: str(v) for k, v in bond_options(mg.bond).items()}
    vlans = "1 pvid untagged" + (f",{mg.vlan_id}" if mg.tagged else "")
    return (
        f"[connection]\nid=bond-mgmt\ntype=bond\ninterface-name={BOND}\nmaster={BRIDGE}\nslave-type=bridge\n\n"
        f"[ethernet]\n{_if(mg.mtu > 0, f'mtu={mg.mtu}')}\n\n"
        # {{ range $k, $v := .BondOptions }}\n{{ $k }}={{ $v }}\n{{ end }}: sorted keys
        "[bond]\n" + "".join(f"\n{k}={opts[k]}\n" for k in sorted(opts)) + "\n\n"
        f"[bridge-port]\nvlans={vlans}"
    )


def slave_file(nic: str) -> str:
    return (
        f"[connection]\nid=bond-slave-{nic}\ntype=ethernet\ninterface-name={nic}\n"
        f"master={BOND}\nslave-type=bond\n"
    )


def bridge_file(profile: Profile) -> str:
    mg, node = profile.management, profile.node
    dns = ";".join(node.dns) + ";" if node.dns and not mg.tagged else ""
    ip = mg.ipv4
    method = "none" if mg.tagged else ip.method
    ipv4 = "\n".join([_if(dns != "", f"dns={dns}"), _if(method == "none", "method=disabled"), _ipv4(method, ip.address,
                                                                                                    ip.gateway, None)])
    return (
        f"[connection]\nid=bridge-mgmt\ntype=bridge\ninterface-name={BRIDGE}\n\n"
        f"[ethernet]\n{_if(mg.mtu > 0, f'mtu={mg.mtu}')}\n\n"
        "[bridge]\nforward-delay=0\nstp=false\nvlan-filtering=true\nvlan-default-pvid=1\n"
        f"{_if(mg.vlan_id > 1, f'vlans={mg.vlan_id}')}\n\n"
        f"[ipv4]\n{ipv4}\n\n"
        "[ipv6]\nmethod=disabled\n"
    )


def vlan_file(profile: Profile) -> str:
    mg, node = profile.management, profile.node
    dns = ";".join(node.dns) + ";" if node.dns else ""
    ip = mg.ipv4
    return (
        "[connection]\nid=vlan-mgmt\ntype=vlan\n\n"
        f"[ethernet]\n{_if(mg.mtu > 0, f'mtu={mg.mtu}')}\n\n"
        f"[vlan]\nflags=1\nid={mg.vlan_id}\nparent={BRIDGE}\n\n"
        f"[ipv4]\n{_ipv4(ip.method, ip.address, ip.gateway, dns)}\n\n"
        "[ipv6]\nmethod=disabled"
    )


def render_keyfiles(profile: Profile, management: tuple[ResolvedNic, ...]) -> dict[str, str]:
    files = {"bond-mgmt.nmconnection": bond_file(profile)}
    for nic in management:
        files[f"bond-slave-{nic.name}.nmconnection"] = slave_file(nic.name)
    files["bridge-mgmt.nmconnection"] = bridge_file(profile)
    if profile.management.tagged:
        files["vlan-mgmt.nmconnection"] = vlan_file(profile)
    return dict(sorted(files.items()))
