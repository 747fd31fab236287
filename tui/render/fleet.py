"""A fleet: one base profile + a node list → per-node Harvester configs and iPXE scripts.

NODES is CSV with the header ``mac,hostname,ip[,mode,role,device]`` (``ip`` in CIDR form;
empty = DHCP) or the same as a YAML list of mappings. The first node creates the cluster
and the others join its VIP, unless a node's ``mode`` says otherwise. Every problem names
the line it comes from (``nodes.csv:3: ip: ...``), all of them at once; nothing is rendered
unless all nodes are valid. The boot files (kernel, initrd, rootfs) are the release of the
ISO the nodes install, never a guess beside it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace

from tui.model import formats as F
from tui.model import problems as P
from tui.model.load import Loaded
from tui.model.profile import IPv4, Install, MacSelector, Node, Profile
from tui.model.releases import parse_release
from tui.model.selectors import ResolvedNic
from tui.model.validate import check
from tui.model.selectors import resolve
from tui.render.harvester_config import render_config
from tui.render.kernel_args import dracut_network
from tui.render.yaml_out import dump_many

COLUMNS = ("mac", "hostname", "ip", "mode", "role", "device")
REQUIRED = ("mac", "hostname")
DEFAULT_BOOT_URL = "http://${next-server}/harvester"


@dataclass(frozen=True)
class NodeRow:
    line: int  # 1-based line in the CSV (2 = first data row) or item number in YAML
    mac: str
    hostname: str
    ip: str | None
    mode: str | None
    role: str | None
    device: str | None
    where: str = ""  # "nodes.csv:3" or "nodes.yaml item 2": how problems name the row


def parse_nodes(text: str, source: str = "nodes") -> tuple[list[NodeRow], list[P.Problem]]:
    """``source``: the node list's file name, as problems name it (``nodes.csv:3: ip: ...``)."""
    stripped = text.lstrip()
    if stripped.startswith(("-", "[")):
        from tui.model.yamlsafe import load_yaml

        data, problems = load_yaml(text, source)
        if problems:
            return [], [P.error(f"{source}: {p.path}" if p.path else source, p.message) for p in problems]
        if not isinstance(data, list):
            return [], [P.error(source, "a YAML node list is a list of mappings")]
        records = [(i + 1, item) for i, item in enumerate(data)]

        def label(n: int) -> str:
            return f"{source} item {n}"
    else:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or [])]
        unknown = [h for h in header if h not in COLUMNS]
        missing = [h for h in REQUIRED if h not in header]
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:  # csv.DictReader would keep the last silently
            return [], [P.error(f"{source}:1", f"column(s) named twice: {', '.join(twice)}")]
        if unknown or missing:
            msg = f"the header must be {','.join(COLUMNS[:3])}[,{','.join(COLUMNS[3:])}]"
            msg += f"; unknown: {', '.join(unknown)}" if unknown else ""
            msg += f"; missing: {', '.join(missing)}" if missing else ""
            return [], [P.error(f"{source}:1", msg)]
        reader.fieldnames = header
        records = []
        try:
            for row in reader:
                records.append((reader.line_num, row))
        except csv.Error as exc:
            return [], [P.error(f"{source}:{reader.line_num}", str(exc))]

        def label(n: int) -> str:
            return f"{source}:{n}"
    rows, problems = [], []
    for line, item in records:
        where = label(line)
        if not isinstance(item, dict):
            problems.append(P.error(where, "must be a mapping with mac, hostname and ip"))
            continue
        extra = [k for k in item if k not in COLUMNS]
        if extra and None not in extra:
            problems.append(P.error(where, f"unknown column(s): {', '.join(map(str, extra))}"))
            continue
        if None in item:
            problems.append(P.error(where, "more fields than the header has columns"))
            continue
        vals = {k: (str(item[k]).strip() if item.get(k) not in (None, "") else None) for k in COLUMNS}
        bad = False
        for key, check_ in (("mac", F.mac), ("hostname", F.hostname), ("ip", F.host_cidr), ("device", F.device)):
            if key in REQUIRED and not vals[key]:
                problems.append(P.error(f"{where}: {key}", "required"))
                bad = True
            elif vals[key] and check_(vals[key]):
                problems.append(P.error(f"{where}: {key}", check_(vals[key])))
                bad = True
        if vals["mode"] and vals["mode"] not in ("create", "join"):
            problems.append(P.error(f"{where}: mode", f"'{vals['mode']}' is not create or join"))
            bad = True
        if vals["role"] and vals["role"] not in ("default", "management", "worker", "witness"):
            problems.append(P.error(f"{where}: role",
                                    f"'{vals['role']}' is not default, management, worker or witness"))
            bad = True
        if not bad:
            rows.append(NodeRow(line, F.normalize_mac(vals["mac"]), vals["hostname"], vals["ip"], vals["mode"],
                                vals["role"],
                                vals["device"], where))
    if not records and not problems:
        problems.append(P.error(source, "no nodes listed"))
    return rows, problems


def _duplicates(rows: list[NodeRow]) -> list[P.Problem]:
    out = []
    for key in ("mac", "hostname"):
        seen: dict[str, NodeRow] = {}
        for row in rows:
            value = getattr(row, key)
            if value in seen:
                out.append(P.error(f"{row.where}: {key}", f"{value} is already used on {seen[value].where}"))
            seen.setdefault(value, row)
    seen_ip: dict[str, NodeRow] = {}
    for row in rows:
        if row.ip:
            ip = row.ip.split("/")[0]
            if ip in seen_ip:
                out.append(P.error(f"{row.where}: ip", f"{ip} is already used on {seen_ip[ip].where}"))
            seen_ip.setdefault(ip, row)
    return out


def node_profile(base: Profile, row: NodeRow, first: NodeRow, subnet) -> tuple[Profile | None, list[P.Problem]]:
    problems: list[P.Problem] = []
    mg = base.management
    if not mg.interfaces:
        mg = replace(mg, interfaces=(MacSelector(row.mac),))
    if row.ip:
        iface = F.ipv4_interface(row.ip)
        if subnet is not None and iface.network != subnet:
            problems.append(P.error(f"{row.where}: ip", f"{row.ip} is outside the management subnet {subnet}"))
        if not mg.ipv4.gateway:
            problems.append(P.error(f"{row.where}: ip",
                                    "a static node address needs management.ipv4.gateway in the base profile"))
        mg = replace(mg, ipv4=IPv4("static", row.ip, mg.ipv4.gateway))
    elif mg.ipv4.method == "static":
        problems.append(P.error(f"{row.where}: ip", "required: the base profile's management network is static"))
    ins = base.install or Install()
    mode = row.mode or ("create" if row is first else "join")
    vip = ins.vip
    if vip and row.ip and row.ip.split("/")[0] == vip:
        problems.append(P.error(f"{row.where}: ip", f"{vip} is the cluster VIP"))
    server_url = ins.server_url
    if mode == "join" and not server_url:
        if not vip:
            problems.append(P.error(f"{row.where}: mode",
                                    "joining needs the cluster VIP (install.vip) or install.server_url in the base "
                                    "profile"))
        server_url = f"https://{vip}:443" if vip else None
    ins = replace(
        ins, mode=mode, server_url=server_url if mode == "join" else None,
        vip=ins.vip if mode == "create" else None, vip_mode=ins.vip_mode if mode == "create" else None,
        vip_hw_addr=ins.vip_hw_addr if mode == "create" else None,
        role=row.role or ins.role, device=row.device or ins.device,
    )
    node = Node(row.hostname, base.node.dns, base.node.ntp)
    return base.with_(node=node, management=mg, install=ins), problems


_ISO_RELEASE = re.compile(r"harvester-(v1\.\d+\.\d+)-amd64\.iso")


def boot_release(profile: Profile, requested: str | None) -> tuple[str | None, list[P.Problem]]:
    """The release of the boot files: the ISO's (install.iso_url), else the profile's
    ``harvester: v1.x.y``, else --release, else v1.x.0 (the ISO is then built from it too).
    A --release or profile release that differs from the ISO's is refused, not mixed."""
    rel = profile.release
    iso_url = profile.install.iso_url if profile.install else None
    m = _ISO_RELEASE.search(iso_url or "")
    iso = m.group(1) if m else None
    if requested is not None:
        given = parse_release(requested)
        if given is None or given.patch is None or not requested.startswith("v"):
            return None, [P.error("--release", f"'{requested}' is not a release like v1.6.1")]
    problems = []
    if iso and (parse_release(iso).minor != rel.minor or (rel.patch is not None and iso != rel.name)):
        problems.append(P.error("install.iso_url",
                                f"the ISO is {iso} but the profile targets harvester {profile.harvester}"))
    if requested is not None and iso and requested != iso:
        problems.append(P.error("--release", f"{requested} boot files with the {iso} ISO of install.iso_url: "
                                             "the kernel, initrd and rootfs must be the ISO's release"))
    if requested is not None and parse_release(requested).minor != rel.minor:
        problems.append(P.error("--release", f"{requested} is not the profile's release ({profile.harvester})"))
    if problems:
        return None, problems
    if requested is not None:
        return requested, []
    if iso:
        return iso, []
    if rel.patch is not None:
        return rel.name, []
    guess = f"v1.{rel.minor}.0"
    return guess, [P.warning("harvester", f"no patch release named: the boot files and the ISO are {guess}; "
                                          f"name the one you serve (harvester: v1.{rel.minor}.N or --release)")]


def render_fleet(loaded: Loaded, rows: list[NodeRow], release: str, boot_url: str | None = None,
                 source: str = "nodes", complete: bool = True) -> tuple[dict[str, str], list[P.Problem]]:
    """``complete``: False when some rows of the list were invalid (reported by parse_nodes);
    then the per-row checks still run, but not the whole-list ones (the creator count)."""
    base = loaded.profile
    problems = list(loaded.problems) + _duplicates(rows)
    if base is None:
        return {}, problems
    base_bad = P.has_errors(loaded.problems)  # the rows' own checks still run: every problem at once
    if base.management is None:
        return {}, problems + [P.error("management", "a fleet profile needs the management network")]
    boot = (boot_url or DEFAULT_BOOT_URL).rstrip("/")
    artifacts = f"{boot}/{release}"
    subnet = None
    if base.management.ipv4.address:
        subnet = F.ipv4_interface(base.management.ipv4.address).network
    elif rows and rows[0].ip:
        subnet = F.ipv4_interface(rows[0].ip).network
    if base.install and base.install.vip and subnet and F.ipv4_address(base.install.vip) not in subnet:
        problems.append(P.error("install.vip", f"{base.install.vip} is outside the management subnet {subnet}"))
    if base.install and base.install.password:
        # One hash for the whole fleet: SHA-512 crypt is deliberately slow (5000 rounds).
        from tui.render.password import hash_password

        base = base.with_(install=replace(base.install, password=hash_password(base.install.password)))
    files: dict[str, str] = {}
    configs: list[tuple[str, dict, str]] = []
    creators = [r for r in rows if (r.mode or ("create" if r is rows[0] else "join")) == "create"]
    if len(creators) != 1 and complete:
        problems.append(P.error(source,
                                f"exactly one node must create the cluster; {len(creators)} do "
                                f"({', '.join(r.hostname for r in creators) or 'none'})"))
    for row in rows:
        profile, more = node_profile(base, row, rows[0], subnet)
        problems += more
        if more or base_bad:
            continue
        if not profile.install.iso_url:
            profile = profile.with_(install=replace(profile.install,
                                                    iso_url=f"{artifacts}/harvester-{release}-amd64.iso"))
        res = resolve(profile, None)
        node_problems = [p for p in check(profile, frozenset(), res, None) if p.is_error]
        if not profile.install.device:
            node_problems.append(P.error("install.device", "an automatic install needs the disk: "
                                                           "set install.device or the device column"))
        problems += [P.error(f"{row.where}: {p.path}", p.message) for p in node_problems]
        if node_problems:
            continue
        name = f"configs/{row.hostname}.yaml"
        files[name] = ""  # written below, all configs at once
        configs.append((name, render_config(profile, res.management, res.vlan),
                        f"Harvester config for {row.hostname} ({row.mac}), generated by harvester-netsetup"))
        files[f"nodes/{row.mac.replace(':', '')}.ipxe"] = node_script(profile, res.management, row, artifacts, release,
                                                                      f"{boot}/configs/{row.hostname}.yaml")
    files["boot.ipxe"] = entry_script(boot, rows)
    if P.has_errors(problems):
        return {}, problems
    texts = dump_many([c for _, c, _ in configs], [h for _, _, h in configs])
    files.update((name, text) for (name, _, _), text in zip(configs, texts))
    return files, problems


def node_script(profile: Profile, management: tuple[ResolvedNic, ...], row: NodeRow, artifacts: str, release: str,
                config_url: str) -> str:
    initrd = f"harvester-{release}-initrd-amd64"
    args = [
        f"initrd={initrd}", *dracut_network(profile, management), "rd.cos.disable", "rd.noverifyssl",
        "net.ifnames=1", "console=tty1",
        f"root=live:{artifacts}/harvester-{release}-rootfs-amd64.squashfs",
        "harvester.install.automatic=true", f"harvester.install.config_url={config_url}",
    ]
    return (
        "#!ipxe\n"
        f"# {row.hostname} ({row.mac}): {profile.install.mode}\n"
        f"kernel {artifacts}/harvester-{release}-vmlinuz-amd64 {' '.join(args)}\n"
        f"initrd {artifacts}/{initrd}\n"
        "boot\n"
    )


def entry_script(boot: str, rows: list[NodeRow]) -> str:
    known = "".join(f"# {r.mac} {r.hostname}\n" for r in rows)
    return (
        "#!ipxe\n"
        "# Chains to the node's own script by the MAC it boots from.\n"
        f"{known}"
        f"chain --autofree {boot}/nodes/${{mac:hexraw}}.ipxe || goto unknown\n"
        ":unknown\n"
        "echo This machine (${mac}) is not in the Harvester fleet list.\n"
        "sleep 30\n"
        "exit 1\n"
    )
