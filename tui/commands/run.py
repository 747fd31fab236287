"""``harvester-netsetup run --profile URL|PATH``: the unattended runner.

fetch → validate → render the Harvester config → apply the network (verified, restored on
failure) → apply the cluster side → report (exit code, JSON report, webhook)."""

from __future__ import annotations

import json
import os
import sys

from tui.commands.common import INVALID, OK
from tui.model import problems as P


def log(text: str) -> None:
    print(f"harvester-netsetup: {text}", file=sys.stderr, flush=True)


class StepError(Exception):
    pass


def run(args) -> int:
    from tui.runner import report as R
    from tui.runner.fetch import redact

    rep = R.Report(redact(args.profile_source))
    if args.webhook:
        R.post(args.webhook, "STARTED", rep, log)
    try:
        _steps(args, rep)
        rep.result, rep.exit_code = "SUCCEEDED", OK
    except StepError as exc:
        log(f"error: {exc}")
        rep.result, rep.exit_code = "FAILED", INVALID
    except KeyboardInterrupt:
        rep.result, rep.exit_code = "FAILED", 130
    if args.report:
        from tui.files import atomic_write

        atomic_write(args.report, json.dumps(rep.as_dict(), indent=1) + "\n")
    if args.webhook:
        R.post(args.webhook, rep.result, rep, log)
    log(f"{rep.result.lower()}")
    return rep.exit_code


def _steps(args, rep) -> None:
    from tui.commands.host_session import open_for
    from tui.model.load import load_text
    from tui.model.selectors import resolve
    from tui.model.validate import validate
    from tui.runner.fetch import FetchFailed, fetch

    with rep.step("fetch"):
        try:
            data = fetch(args.profile_source, attempts=args.retries, delay=args.retry_delay, timeout=args.timeout, log=log)
        except FetchFailed as exc:
            raise StepError(str(exc)) from None
    try:
        host = open_for(args)
    except PermissionError as exc:
        raise StepError(str(exc)) from None
    try:
        with rep.step("validate") as st:
            loaded = load_text(data, "profile")
            inventory = host.inventory()
            problems = validate(loaded, inventory)
            for p in problems:
                log(p.line())
            if P.has_errors(problems):
                st["problems"] = [p.as_dict() for p in problems if p.is_error]
                raise StepError(f"the profile is invalid ({sum(p.is_error for p in problems)} problems); nothing was changed")
        profile = loaded.profile
        res = resolve(profile, inventory)
        rep.nics = {"management": [n.name for n in res.management], "vlan": [n.name for n in res.vlan]}
        with rep.step("config"):
            _write_config(args, loaded, inventory)
        if profile.management is not None and not args.no_network:
            with rep.step("network") as st:
                _apply_network(args, host, profile, res, st)
        if not args.no_cluster:
            from tui.kube.profile_apply import has_cluster_side

            if has_cluster_side(profile):
                with rep.step("cluster") as st:
                    _apply_cluster(args, profile, inventory, st)
    finally:
        host.close()


def _write_config(args, loaded, inventory) -> None:
    from tui.files import atomic_write
    from tui.render.node import CONFIG_NAME, render_node

    r = render_node(loaded, inventory, "harvester")
    if not r.ok:
        raise StepError("the Harvester config cannot be rendered: " + "; ".join(p.line() for p in r.problems if p.is_error))
    dest = args.config_out or ("/oem/harvester.config" if os.path.isdir("/oem") else None)
    if dest:
        try:
            atomic_write(dest, r.files[CONFIG_NAME])
        except OSError as exc:
            raise StepError(f"cannot write {dest}: {exc.strerror or exc}") from None
        log(f"wrote {dest}")


def _apply_network(args, host, profile, res, st) -> None:
    from tui.model.topology import node_target
    from tui.net.apply import apply
    from tui.net.inventory import ssh_peer_local_ip

    from tui.model.outcome import verdict
    from tui.net.journal import JournalError
    from tui.net.lock import Busy, exclusive

    try:
        with exclusive(host.journal, "run"):
            out = apply(host, node_target(profile, res.management, res.vlan), confirm_timeout=args.confirm_timeout,
                        report=lambda e, t: log(f"{e}: {t}"), ssh_ip=ssh_peer_local_ip())
    except (Busy, JournalError) as exc:
        raise StepError(f"network: {exc}") from None
    st["changes"] = len(out.steps)
    if not out.ok:
        raise StepError(f"network: {verdict(out).summary}")


def _apply_cluster(args, profile, inventory, st) -> None:
    from tui.kube import apply as A
    from tui.kube.cluster import ClusterError
    from tui.kube.profile_apply import objects_for

    try:
        cluster = _cluster(args, profile)
        objs, problems = objects_for(cluster, profile, inventory)
        for p in problems:
            log(p.line())
        if P.has_errors(problems):
            raise StepError("cluster: " + "; ".join(p.line() for p in problems if p.is_error))
        changes = A.apply(cluster, objs, report=lambda t: log(f"cluster: {t}"))
        st["changed"] = sum(c.action != "unchanged" for c in changes)
        states = A.wait_ready(cluster, objs, args.wait, report=lambda t: log(f"cluster: {t}"))
        st["nodes"] = {s.node: s.ready for s in states}
        if not all(s.ready for s in states):
            raise StepError("cluster: not every node is ready")
    except ClusterError as exc:
        raise StepError(f"cluster: {exc}") from None


def _cluster(args, profile):
    from tui.kube.cluster import Cluster

    if args.demo:
        from tui.commands.wizard import simulated_cluster

        return simulated_cluster()
    return Cluster.connect(args.kubeconfig, profile.cluster.kubeconfig if profile.cluster else None)
