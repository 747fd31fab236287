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
    from tui.kube.profile_apply import objects_for
    from tui.model.validate import validate

    loaded = load_profile_file(args.profile)
    inventory, problems = _inventory(args.inventory)
    problems += validate(loaded, inventory)
    if P.has_errors(problems):
        return None, [], problems
    profile = loaded.profile
    cluster = Cluster.connect(args.kubeconfig, profile.cluster.kubeconfig if profile.cluster else None)
    objs, more = objects_for(cluster, profile, inventory)
    return cluster, objs, problems + more


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
    from tui.kube.profile_apply import nic_presence

    rows = nic_presence(cluster)
    if as_json:
        nodes = max((t for _, _, t, _ in rows), default=0)
        print(json.dumps({"nodes": nodes, "nics": [{"name": n, "nodes": c, "of": t, "percent": p} for n, c, t, p in rows]}, indent=1))
    else:
        for n, c, t, p in rows:
            print(f"{n} ({p:.2f} %)  on {c} of {t} nodes")
    return OK
