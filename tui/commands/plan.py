"""``harvester-netsetup plan PROFILE``: the ordered changes an apply would make here."""

from __future__ import annotations


from tui.commands.common import report
from tui.commands.host_session import node_plan, with_host
from tui.model.netstate import as_data


def run(args) -> int:
    return with_host(args, lambda host: _run(args, host))


def _run(args, host) -> int:
    from tui.net.transaction import prepare

    np = node_plan(host, args.profile, args.inventory)
    if np.target is None:
        return report(np.problems, args.json)
    full, _, steps = prepare(host.snapshot(), np.target)
    if args.json:
        report(np.problems, True, {"steps": [s.as_data() for s in steps], "target": as_data(full.state)})
        return 0
    report(np.problems)
    if not steps:
        print("nothing to do: the host already matches the profile")
    for i, s in enumerate(steps, 1):
        print(f"{i:>3}. {s.describe()}")
    return 0


