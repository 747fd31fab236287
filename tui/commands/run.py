"""``harvester-netsetup run --profile URL|PATH``: the unattended runner.

fetch → validate → render the Harvester config → apply the network (verified, restored on
failure) → apply the cluster side → report (exit code, JSON report, webhook)."""

from __future__ import annotations

import json
import os

from tui.commands.common import INVALID, OK, log
from tui.model import problems as P


class StepError(Exception):
    pass


def run(args) -> int:
    """Always ends with a result: the report file (when asked), the webhook (when asked) and
    an exit code — whatever failed, expected or not."""
    from tui.runner import report as R
    from tui.runner.fetch import redact

    rep = R.Report(redact(args.profile_source))
    if args.webhook:
        R.post(args.webhook, "STARTED", rep, log, timeout=min(5.0, args.timeout))
    try:
        if args.report:
            _write_report(args.report, rep)  # an unusable --report shows now, before any change
        _steps(args, rep)
        rep.result, rep.exit_code = "SUCCEEDED", OK
    except StepError as exc:
        log(f"error: {exc}")
        rep.result, rep.exit_code = "FAILED", INVALID
    except KeyboardInterrupt:
        rep.result, rep.exit_code = "FAILED", 130
    except Exception as exc:  # noqa: BLE001 - the catch-all: a FAILED report, never a bare traceback
        text = f"unexpected {exc.__class__.__name__}: {_first_line(exc)}"
        log(f"error: {text}")
        rep.steps.append({"name": "internal", "status": "failed", "error": text})
        rep.result, rep.exit_code = "FAILED", INVALID
    if args.report:
        try:
            _write_report(args.report, rep)
        except StepError as exc:
            log(f"error: {exc}")
            rep.steps.append({"name": "report", "status": "failed", "error": str(exc)})
            rep.result, rep.exit_code = "FAILED", INVALID
    if args.webhook:
        R.post(args.webhook, rep.result, rep, log, timeout=min(5.0, args.timeout))
    log(f"{rep.result.lower()}")
    return rep.exit_code


def _write_report(path: str, rep) -> None:
    from tui.files import atomic_write

    try:
        atomic_write(path, json.dumps(rep.as_dict(), indent=1) + "\n")
    except (OSError, ValueError) as exc:
        raise StepError(f"cannot write the report {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _first_line(exc: BaseException) -> str:
    """An unexpected error's text: first line, URL credentials removed, short."""
    import re

    text = (str(exc).splitlines() or [""])[0]
    return re.sub(r"//[^/@\s]*@", "//", text)[:200]


def _steps(args, rep) -> None:
    from tui.commands.host_session import open_for
    from tui.model.load import load_text
    from tui.model.selectors import resolve
    from tui.model.topology import profile_target
    from tui.model.validate import validate
    from tui.runner.fetch import FetchFailed, fetch

    with rep.step("fetch"):
        try:
            data = fetch(args.profile_source, attempts=args.retries, delay=args.retry_delay, timeout=args.timeout,
                         log=log)
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
                raise StepError(f"the profile is invalid ({sum(p.is_error for p in problems)} problems); nothing was "
                                "changed")
        profile = loaded.profile
        res = resolve(profile, inventory)
        rep.nics = {"management": [n.name for n in res.management], "vlan": [n.name for n in res.vlan]}
        with rep.step("config"):
            _write_config(args, loaded, inventory)
        if profile.management is not None and not args.no_network:
            with rep.step("network") as st:
                _apply_network(args, host, profile_target(profile, inventory), st)
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
        raise StepError("the Harvester config cannot be rendered: " + P.errors_line(r.problems))
    dest = args.config_out or ("/oem/harvester.config" if os.path.isdir("/oem") else None)
    if dest:
        try:
            atomic_write(dest, r.files[CONFIG_NAME])
        except OSError as exc:
            raise StepError(f"cannot write {dest}: {exc.strerror or exc}") from None
        log(f"wrote {dest}")


def _apply_network(args, host, target, st) -> None:
    from tui.model.outcome import verdict
    from tui.net.inventory import ssh_peer_local_ip
    from tui.net.journal import JournalError
    from tui.net.lock import Busy, exclusive
    from tui.net.transaction import apply

    try:
        with exclusive(host.journal, "run"):
            out = apply(host, target, confirm_timeout=args.confirm_timeout,
                        report=lambda e, t: log(f"{e}: {t}"), ssh_ip=ssh_peer_local_ip())
    except (Busy, JournalError) as exc:
        raise StepError(f"network: {exc}") from None
    st["changes"] = len(out.steps)
    if not out.ok:
        raise StepError(f"network: {verdict(out).summary}")


def _apply_cluster(args, profile, inventory, st) -> None:
    from tui.kube.cluster import ClusterError
    from tui.kube.profile_apply import apply_profile

    def planned(problems, uplinks):
        for p in problems:
            log(p.line())
        if uplinks is not None and not P.has_errors(problems):
            st["uplinks"] = {n.node: list(n.nics) for n in uplinks.nodes}

    try:
        cluster = _cluster(args, profile)
        if profile.vlan and profile.vlan.cluster_scope:
            _publish_nic_facts(cluster, profile, inventory, st)
        out = apply_profile(cluster, profile, inventory, args.wait, report=lambda t: log(f"cluster: {t}"),
                            on_plan=planned)
    except ClusterError as exc:
        raise StepError(f"cluster: {exc}") from None
    if out.changes is not None:
        st["changed"] = sum(c.action != "unchanged" for c in out.changes)
    if out.states is not None:
        st["nodes"] = {s.node: s.ready for s in out.states}
    if not out.ok:
        raise StepError(f"cluster: {out.error}")


def _publish_nic_facts(cluster, profile, inventory, st) -> None:
    """Cluster scope (issue 15): record this node's NIC driver/speed/vendor/PCI on its Node,
    which every node's plan reads (the cluster's own NIC view lacks them). Unchanged facts
    send nothing, so N nodes booting the same profile do not churn."""
    from tui.model.nic_views import facts_annotation

    node = profile.node.hostname or (inventory.hostname if inventory else None)
    if inventory is None or node not in {n["metadata"]["name"] for n in cluster.nodes()}:
        log(f"cluster: {node or 'this node'} is not a node of the cluster (yet): its NIC facts are not published")
        return
    if cluster.publish_nic_facts(node, facts_annotation(inventory)):
        log(f"cluster: published the NIC facts of {node}")
    st["facts_published"] = node


def _cluster(args, profile):
    from tui.kube.cluster import Cluster

    if args.demo:
        from tui.commands.demo import simulated_cluster

        return simulated_cluster()
    return Cluster.connect(args.kubeconfig, profile.cluster.kubeconfig if profile.cluster else None)
