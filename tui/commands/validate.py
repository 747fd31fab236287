import sys

from tui.commands.common import load_inventory_file, load_profile_file, report
from tui.model import problems as P
from tui.model.validate import validate


def run(args) -> int:
    inventory, problems = load_inventory_file(args.inventory)
    loaded = load_profile_file(args.profile)
    version = [p for p in loaded.problems if p.path == "version" and p.is_error]
    if version:  # another version's fields mean other things: nothing else is worth reporting
        return report(problems + version, args.json)
    problems += validate(loaded, inventory)
    code = report(problems, args.json)
    if not args.json and code == 0:
        print(f"{args.profile}: valid", file=sys.stderr)
    return code
