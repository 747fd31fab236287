import json
import re
import sys

from tui.commands.common import is_terminal, print_problems, report
from tui.importers.kernel_cmdline import parse
from tui.model import problems as P
from tui.render.yaml_out import dump


def run(args) -> int:
    if args.cmdline is not None:
        text = args.cmdline
    else:
        try:
            with open("/proc/cmdline", "rb") as fh:
                text = fh.read(1 << 16).decode("utf-8", "replace")
        except OSError as exc:
            return report([P.error("", f"cannot read /proc/cmdline: {exc.strerror}")], args.json)
    data, problems = parse(text)
    if P.has_errors(problems):
        return report(problems, args.json)
    out = data
    notes: list[P.Problem] = []
    if args.as_profile:
        out, notes = as_profile(data)
        if out is None or P.has_errors(notes):
            return report(notes, args.json)
    if is_terminal(sys.stdout):  # secrets never on screen; redirected to a file they are kept
        from tui.render.masking import mask_data

        out = mask_data(out)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        sys.stdout.write(dump(out) if out else "{}\n")
    print_problems(notes)
    return 0


def as_profile(data: dict) -> tuple[dict | None, list[P.Problem]]:
    """Kernel arguments → a profile that may lack parts (the wizard asks the rest): a value
    that is given but wrong is an error; what the profile still lacks is a warning."""
    from tui.importers.harvester_config import import_config
    from tui.model.load import load_data
    from tui.model.validate import validate

    out, problems = import_config(data)
    if out is None:
        return None, problems
    loaded = load_data(out)
    notes = []
    for p in problems + list(validate(loaded)):
        if p.is_error and not _present(out, p.path):
            p = P.warning(p.path, p.message)
        notes.append(p)
    return out, notes


def _present(data, path: str) -> bool:
    """Whether the profile path (``management.ipv4.method``, ``networks[1].vlan_id``) holds a value."""
    node = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(node, list) or index >= len(node):
                return False
            node = node[index]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return node not in (None, "", [], {})
