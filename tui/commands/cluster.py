"""``harvester-netsetup cluster plan|apply|nics``: the cluster side of a profile."""

from __future__ import annotations

import json
import sys

from tui.commands.common import INVALID, OK, load_inventory_file, load_profile_file, report
from tui.model import problems as P


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


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
    """(cluster, objects, problems) for a profile, with every offline and cluster check."""
    from tui.kube.cluster import Cluster
    from tui.model.cluster_checks import check_against_cluster
    from tui.model.selectors import resolve
    from tui.model.validate import validate
    from tui.render.cluster_objects import cluster_objects

    loaded = load_profile_file(args.profile)
    inventory, problems = _inventory(args.inventory)
    problems += validate(loaded, inventory)
    if P.has_errors(problems):
        return None, [], problems
    profile = loaded.profile
    cluster = Cluster.connect(args.kubeconfig, profile.cluster.kubeconfig if profile.cluster else None)
    dialect = cluster.dialect()
    if dialect.legacy != profile.release.legacy or (dialect.release and not dialect.release.startswith(profile.harvester)):
        problems.append(P.warning("harvester", f"the profile targets {profile.harvester} but the cluster runs {dialect.release or dialect.name}"))
    res = resolve(profile, inventory)
    uplink = tuple(n.name for n in res.vlan if n.name)
    objs = cluster_objects(profile, uplink, dialect.bond_fields)
    if not dialect.legacy:
        host = profile.node.hostname
        mgmt = {host: {n.name for n in res.management if n.name}} if host else {}
        problems += check_against_cluster(objs, cluster.list("network.harvesterhci.io", "v1beta1", "vlanconfigs"), cluster.nodes(), mgmt)
    return cluster, objs, problems


def _profile_command(args) -> int:
    from tui.kube import apply as A

    cluster, objs, problems = prepare(args)
    if report(problems) != OK:
        return INVALID
    if args.cluster_command == "plan":
        changes = A.plan(cluster, objs)
        if args.json:
            print(json.dumps([{"object": c.obj.ref, "action": c.action, "fields": c.fields} for c in changes], indent=1))
        for c in changes if not args.json else ():
            print(f"{c.action:<9} {c.obj.ref}" + (f"  ({', '.join(c.fields)})" if c.fields else ""))
        return OK
    changes = A.apply(cluster, objs, report=say)
    written = sum(c.action != "unchanged" for c in changes)
    say(f"{written} of {len(changes)} objects changed ({cluster.round_trips} API round trips)")
    if args.wait:
        states = A.wait_ready(cluster, objs, args.wait, report=say)
        if not all(s.ready for s in states):
            say("error: not every node is ready (see above)")
            return INVALID
    return OK


def nics(cluster, as_json: bool) -> int:
    from tui.model.cluster_checks import nic_presence

    dialect = cluster.dialect()
    if dialect.legacy:
        per_node = {nn["spec"]["nodeName"]: (nn.get("status") or {}).get("nics") or []
                    for nn in cluster.list("network.harvesterhci.io", "v1beta1", "nodenetworks")}
    else:
        from tui.render.cluster_objects import Obj

        lm = cluster.get(Obj("network.harvesterhci.io", "v1beta1", "linkmonitors", "LinkMonitor", "nic", None, {})) or {}
        per_node = ((lm.get("status") or {}).get("linkStatus")) or {}
    rows = nic_presence(per_node)
    if as_json:
        print(json.dumps({"nodes": sorted(per_node), "nics": [{"name": n, "nodes": c, "of": t, "percent": p} for n, c, t, p in rows]}, indent=1))
    else:
        for n, c, t, p in rows:
            print(f"{n} ({p:.2f} %)  on {c} of {t} nodes")
    return OK
