"""The wizard: ``harvester-netsetup`` with no command (``--demo`` for the simulated node)."""

from __future__ import annotations

import os
import sys


def run(args) -> int:
    from tui.wizard.draft import Draft
    from tui.wizard.session import default_out_dir

    if not args.demo and os.geteuid() != 0:
        print("error: the wizard changes this node's network and needs root; try --demo for the simulated node",
              file=sys.stderr)
        return 1
    draft = Draft()
    if args.profile:
        from tui.commands.common import load_profile_file, print_problems

        loaded = load_profile_file(args.profile)
        if loaded.profile is None:
            print_problems(loaded.problems)
            return 1
        draft = Draft.from_profile(loaded)
    else:
        draft = _from_cmdline(draft)
    out = args.out or default_out_dir()
    session = demo_session(out, draft) if args.demo else node_session(out, draft)
    from screens.app import WizardApp, console_env

    console_env()
    app = WizardApp(session)
    app.run()
    lines, code = session.outcome()  # says what was not done; the exit code agrees
    for path in session.written:
        print(path)
    for line in lines:
        print(line)
    return code if app.return_code in (0, None) else app.return_code


def demo_session(out: str, draft=None, delay: float = 0.15):
    """The simulated node and three-node cluster; everything else is the real code."""
    from tui.commands.demo import demo_run_dir, simulated_cluster
    from tui.net.simulated import SimulatedHost
    from tui.wizard.draft import Draft
    from tui.wizard.session import Session

    demo_run_dir()
    return Session(SimulatedHost.demo(delay), out, draft or Draft(), simulated=True, connect_cluster=simulated_cluster,
                   lsblk=simulated_disks)


def simulated_disks() -> str:
    """The demo node's disks (loaded when the install step asks: not before the first screen)."""
    from tui.net.disks import simulated_lsblk_json

    return simulated_lsblk_json()


def node_session(out: str, draft):
    from tui.net import open_host
    from tui.wizard.session import Session

    def real_cluster():
        from tui.kube.cluster import Cluster

        return Cluster.connect(None, draft.get("cluster.kubeconfig"))

    def real_disks() -> str:
        from tui.net.disks import lsblk_json

        return lsblk_json()

    return Session(open_host(), out, draft, connect_cluster=real_cluster, lsblk=real_disks)


def _from_cmdline(draft):
    """Prefill from the harvester.* kernel arguments of this boot, when there are any."""
    try:
        with open("/proc/cmdline") as fh:
            return prefill(draft, fh.read())
    except OSError:
        return draft


def prefill(draft, cmdline: str):
    if "harvester." not in cmdline:
        return draft
    from tui.importers.harvester_config import import_config
    from tui.importers.kernel_cmdline import parse

    args, problems = parse(cmdline)
    args.pop("netsetup", None)  # our own switches are not Harvester config
    if not args or any(p.is_error for p in problems):
        return draft
    data, _ = import_config(args)
    return type(draft)(data) if data else draft
