"""``harvester-netsetup apply PROFILE``: change the host live, verified, restored on failure;
then write the node's persistent config."""

from __future__ import annotations

import os
import time

from tui.commands.common import INVALID, OK, report, say
from tui.commands.host_session import guarded, node_plan, with_host


def run(args) -> int:
    return with_host(args, lambda host: guarded(host, "apply", lambda: _run(args, host)))


def _run(args, host) -> int:
    from tui.model.outcome import verdict
    from tui.net.inventory import ssh_peer_local_ip
    from tui.net.transaction import apply, prepare, recorded_apply

    recorded = recorded_apply(host.journal)  # before the profile is read
    if recorded:
        import logging

        logging.getLogger("tui.commands.apply").error("apply refused: %s", recorded)
        say(f"error: {recorded}")
        return INVALID
    np = node_plan(host, args.profile, args.inventory)
    if np.target is None:
        return report(np.problems)
    report(np.problems)
    persistent, problems = _render_persistent(args, host.inventory())
    if report([p for p in problems if p.is_error]):
        return INVALID
    if args.dry_run:
        _, _, steps = prepare(host.snapshot(), np.target)
        for i, s in enumerate(steps, 1):
            print(f"{i:>3}. {s.describe()}")
        say(f"dry run: {len(steps)} steps, nothing changed")
        return OK
    out = apply(host, np.target, confirm_timeout=args.confirm_timeout,
                report=lambda event, text: say(f"{event}: {text}"), ssh_ip=ssh_peer_local_ip())
    v = verdict(out, time.time())
    for line in v.lines:
        say(line)
    if v.code:
        return v.code
    return _write_persistent(persistent)


def _render_persistent(args, inventory) -> tuple[list[tuple[str, dict]], list]:
    """Render the node's persistent config before anything changes: a profile that cannot be
    rendered must not be applied."""
    from tui.commands.common import load_profile_file
    from tui.render.node import CONFIG_NAME, render_node

    out, problems = [], []
    for fmt, dest in (("harvester", args.write_config), ("nm-keyfiles", args.nm_dir)):
        if dest:
            r = render_node(load_profile_file(args.profile), inventory, fmt)
            problems += r.problems
            if fmt == "nm-keyfiles":
                out.append((dest, r.files))
            elif r.ok:
                out.append((os.path.dirname(os.path.abspath(dest)), {os.path.basename(dest): r.files[CONFIG_NAME]}))
    return out, problems


def _write_persistent(persistent) -> int:
    from tui.files import write_tree

    for directory, files in persistent:
        try:
            for path in write_tree(directory, files):
                say(f"wrote {path}")
        except OSError as exc:
            say(f"error: cannot write into {directory}: {exc.strerror or exc} (the network change stays applied)")
            return INVALID
    return OK


