"""What every command does alike: read inputs, print problems, pick exit codes.

Exit codes: 0 ok (warnings allowed), 1 invalid input, 2 usage (argparse).
"""

from __future__ import annotations

import json
import sys

from tui.model import problems as P
from tui.model.inventory import Inventory, inventory_from_data
from tui.files import load_profile_file, read_text  # noqa: F401  (the commands' way to read inputs)

OK, INVALID, USAGE = 0, 1, 2


def load_inventory_file(path: str | None) -> tuple[Inventory | None, list[P.Problem]]:
    if not path:
        return None, []
    raw, problems = read_text(path, "inventory")
    if raw is None:
        return None, problems
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return None, [P.error("inventory", f"{path} is not JSON: {exc}")]
    return inventory_from_data(data, source=path)


def say(text: str) -> None:
    """A line for the person at the terminal (stderr, at once)."""
    print(text, file=sys.stderr, flush=True)


def log(text: str) -> None:
    """A line of an unattended run's log (``run``, ``boot``): stderr, named."""
    say(f"harvester-netsetup: {text}")


def print_problems(problems) -> None:
    """Each problem on its own line on stderr (``Problem.line``: ``error: <path>: <message>``)."""
    for p in problems:
        say(p.line())


def report(problems, as_json: bool = False, extra: dict | None = None) -> int:
    """Print problems (stderr text, or JSON on stdout) and return the exit code."""
    problems = sorted(problems, key=lambda p: (not p.is_error, p.path))
    code = INVALID if P.has_errors(problems) else OK
    if as_json:
        doc = {"valid": code == OK, "problems": [p.as_dict() for p in problems]}
        doc.update(extra or {})
        print(json.dumps(doc, indent=2))
    else:
        print_problems(problems)
    return code


def is_terminal(stream) -> bool:
    """Whether ``stream`` is a terminal a person reads (secrets are masked there)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
