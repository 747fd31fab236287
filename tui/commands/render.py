import os
import sys

from tui.commands.common import INVALID, load_inventory_file, load_profile_file, report
from tui.model import problems as P
from tui.render.node import render_node


def run(args) -> int:
    inventory, problems = load_inventory_file(args.inventory)
    if args.config_url is not None:
        from tui.model.formats import url

        if url(args.config_url):  # a space or newline would add kernel arguments
            problems.append(P.error("--config-url", url(args.config_url)))
    if P.has_errors(problems):
        return report(problems, args.json)
    loaded = load_profile_file(args.profile)
    if not args.output and _is_terminal(sys.stdout):  # secrets never on screen; a file gets them in full
        from tui.render.masking import mask_loaded

        loaded = mask_loaded(loaded)
    result = render_node(loaded, inventory, args.format, args.config_url)
    code = report(problems + result.problems, args.json)
    if code:
        return code
    from tui.files import atomic_write, same_file, write_tree

    if args.output and same_file(args.output, args.profile):
        return report([P.error("", f"-o {args.output} is the input profile; give another path")], args.json)
    try:
        if args.format == "nm-keyfiles":
            if not args.output:
                return report([P.error("", "nm-keyfiles writes several files: give the directory with -o DIR")], args.json)
            if os.path.exists(args.output) and not os.path.isdir(args.output):
                return report([P.error("", f"{args.output} exists and is not a directory")], args.json)
            for path in write_tree(args.output, result.files, prune=True):
                print(path, file=sys.stderr)
        else:
            (content,) = result.files.values()
            if args.output:
                atomic_write(args.output, content)
                print(args.output, file=sys.stderr)
            else:
                sys.stdout.write(content)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return INVALID
    return 0


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
