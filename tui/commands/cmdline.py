import json
import sys

from tui.commands.common import report
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
        from tui.importers.harvester_config import import_config

        # Kernel arguments usually prefill part of a profile (the wizard asks the rest), so
        # what the profile still lacks is shown as warnings, not as invalid input.
        out, notes = import_config(data)
        from tui.model.load import load_data
        from tui.model.validate import validate

        loaded = load_data(out)
        notes = [P.warning(p.path, p.message) for p in notes + validate(loaded)]
    if _is_terminal(sys.stdout):  # secrets never on screen; redirected to a file they are kept
        from tui.render.masking import mask_data

        out = mask_data(out)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        sys.stdout.write(dump(out) if out else "{}\n")
    for p in notes:
        print(p.line(), file=sys.stderr)
    return 0


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
