"""``harvester-netsetup cluster plan|apply|nics``: the cluster side of a profile."""

from __future__ import annotations

import json

from tui.commands.common import INVALID, OK, load_inventory_file, load_profile_file, report, say
from tui.model import problems as P


def run(args) -> int:
    from tui.kube.cluster import Cluster, ClusterError

    try:
        if args.cluster_command == "nics":
            return nics(Cluster.connect(args.kubeconfig), args.json)
        return _profile_command(args)
    except ClusterError as exc:
        say(f"error: cluster: {exc}")
        return INVALID


def _inventory(path):
    inventory, problems = load_inventory_file(path)
    if inventory is None and not problems:
        try:
            from tui.net.inventory import read_inventory

            inventory = read_inventory()
        except Exception:  # no netlink here (another machine): name selectors still work
            inventory = None
    return inventory, problems


def prepare(args):
    """(cluster, objects, problems, uplink plan) for a profile, with every offline and cluster
    check; the uplink plan is the per-node one of ``vlan.scope: cluster``, else None."""
    from tui.kube.cluster import Cluster
    from tui.kube.profile_apply import plan_for
    from tui.model.validate import validate

    loaded = load_profile_file(args.profile)
    inventory, problems = _inventory(args.inventory)
    problems += validate(loaded, inventory)
    if P.has_errors(problems):
        return None, [], problems, None
    profile = loaded.profile
    cluster = Cluster.connect(args.kubeconfig, profile.cluster.kubeconfig if profile.cluster else None)
    objs, more, uplinks = plan_for(cluster, profile, inventory)
    return cluster, objs, problems + more, uplinks


def _node_of(uplinks, obj) -> str | None:
    """The node a per-node uplink object is for (VlanConfig <cn>-<node>, NodeNetwork <node>-vlan)."""
    if obj.plural == "vlanconfigs" and obj.name.startswith(uplinks.cluster_network + "-"):
        return obj.name[len(uplinks.cluster_network) + 1:]
    if obj.plural == "nodenetworks":
        return obj.body["spec"]["nodeName"]
    return None


def _planned(uplinks, changes) -> dict[str, str]:
    """Per node: the write its uplink object needs (nodes on the v1.0 default: default-nic)."""
    out = {n.node: ("default-nic" if uplinks.legacy and n.status == "ok" else n.status) for n in uplinks.nodes}
    for c in changes:
        node = _node_of(uplinks, c.obj)
        if node:
            out[node] = c.action
    return out


def _profile_command(args) -> int:
    from tui.kube import writes as A
    from tui.render.cluster_vlan import node_table

    cluster, objs, problems, uplinks = prepare(args)
    if uplinks is not None and P.has_errors(problems):  # refused: the whole picture (unresolved nodes are warnings)
        for line in node_table(uplinks):
            say(line)
    if report(problems) != OK:
        return INVALID
    if args.cluster_command == "plan":
        changes = A.plan(cluster, objs)
        listed = [{"object": c.obj.ref, "action": c.action, "fields": c.fields} for c in changes]
        if args.json:
            if uplinks is None:
                print(json.dumps(listed, indent=1))
            else:
                nodes = [{"node": n.node, "nics": list(n.nics), "why": n.why, "status": n.status,
                          "nic_list": list(n.available)} for n in uplinks.nodes]
                print(json.dumps({"nodes": nodes, "changes": listed}, indent=1))
            return OK
        if uplinks is not None:
            for line in node_table(uplinks, _planned(uplinks, changes)):
                print(line)
            print()
        for c in changes:
            print(f"{c.action:<9} {c.obj.ref}" + (f"  ({', '.join(c.fields)})" if c.fields else ""))
        return OK
    from tui.kube.profile_apply import apply_planned

    out = apply_planned(cluster, objs, problems, uplinks, args.wait or None, report=say)  # --wait 0: no wait
    status = _planned(uplinks, out.changes) if uplinks is not None else {}
    status.update({s.node: "ready" if s.ready else f"NOT ready: {s.message or 'no VlanStatus yet'}"
                   for s in out.states or ()})
    if uplinks is not None:
        for line in node_table(uplinks, status):
            print(line)
    if not out.ok:
        say(f"error: {out.error} (see above)")
        return INVALID
    return OK


def nics(cluster, as_json: bool) -> int:
    from tui.kube.profile_apply import nic_presence
    from tui.render.cluster_vlan import node_nics_table

    rows = nic_presence(cluster)
    views = cluster.node_views(cluster.dialect().legacy)
    if as_json:
        nodes = max((t for _, _, t, _ in rows), default=0)
        keys = ("name", "mac", "state", "master", "driver", "speed", "vendor", "pci")
        per_node = {v.name: [{k: getattr(n, k) for k in keys} for n in v.nics] for v in views}
        listed = [{"name": n, "nodes": c, "of": t, "percent": p} for n, c, t, p in rows]
        print(json.dumps({"nodes": nodes, "nics": listed, "per_node": per_node}, indent=1))
    else:
        for n, c, t, p in rows:
            print(f"{n} ({p:.2f} %)  on {c} of {t} nodes")
        print()
        for line in node_nics_table(views):
            print(line)
    return OK
