"""The wizard: ``harvester-netsetup`` with no command (``--demo`` for the simulated node)."""

from __future__ import annotations

import os
import sys
import tempfile


def run(args) -> int:
    from tui.net import open_host
    from tui.wizard.draft import Draft
    from tui.wizard.session import Session, default_out_dir

    if args.demo:
        # the simulated node keeps its journal and outputs away from the real /run
        os.environ.setdefault("HARVESTER_NETSETUP_RUN_DIR", tempfile.mkdtemp(prefix="hns-demo-run-"))
    elif os.geteuid() != 0:
        print("error: the wizard changes this node's network and needs root; try --demo for the simulated node", file=sys.stderr)
        return 1
    draft = Draft()
    if args.profile:
        from tui.commands.common import load_profile_file

        loaded = load_profile_file(args.profile)
        if loaded.profile is None:
            for p in loaded.problems:
                print(p.line(), file=sys.stderr)
            return 1
        draft = Draft.from_profile(loaded)
    else:
        draft = _from_cmdline(draft)
    session = Session(open_host(simulated=args.demo), args.out or default_out_dir(), draft, simulated=args.demo)
    from screens.app import WizardApp, console_env

    console_env()
    WizardApp(session).run()
    for path in session.written:
        print(path)
    return 0


def _from_cmdline(draft):
    """Prefill from the harvester.* kernel arguments of this boot, when there are any."""
    from tui.importers.harvester_config import import_config
    from tui.importers.kernel_cmdline import parse

    try:
        with open("/proc/cmdline") as fh:
            line = fh.read()
    except OSError:
        return draft
    if "harvester." not in line:
        return draft
    args, problems = parse(line)
    if not args or any(p.is_error for p in problems):
        return draft
    data, _ = import_config(args)
    return type(draft)(data) if data else draft
