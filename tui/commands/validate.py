from tui.commands.common import load_inventory_file, load_profile_file, report
from tui.model.validate import validate


def run(args) -> int:
    inventory, problems = load_inventory_file(args.inventory)
    loaded = load_profile_file(args.profile)
    problems += validate(loaded, inventory)
    code = report(problems, args.json)
    if not args.json and code == 0:
        import sys

        print(f"{args.profile}: valid", file=sys.stderr)
    return code
