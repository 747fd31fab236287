import os
import sys

from tui.commands.common import is_terminal, load_inventory_file, load_profile_file, report
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
    if not args.output and is_terminal(sys.stdout):  # secrets never on screen; a file gets them in full
        from tui.render.masking import mask_loaded

        loaded = mask_loaded(loaded)
    result = render_node(loaded, inventory, args.format, args.config_url)
    problems += result.problems
    if P.has_errors(problems):
        return report(problems, args.json)
    from tui.files import atomic_write, same_file, write_tree

    if args.output and same_file(args.output, args.profile):
        return report([P.error("", f"-o {args.output} is the input profile; give another path")], args.json)
    written: list[str] = []
    try:
        if args.format == "nm-keyfiles":
            if not args.output:
                return report([P.error("", "nm-keyfiles writes several files: give the directory with -o DIR")],
                              args.json)
            if os.path.exists(args.output) and not os.path.isdir(args.output):
                return report([P.error("", f"{args.output} exists and is not a directory")], args.json)
            written = [str(path) for path in write_tree(args.output, result.files, prune=True)]
        elif args.output:
            (content,) = result.files.values()
            atomic_write(args.output, content)
            written = [args.output]
    except OSError as exc:
        return report([P.error("", f"cannot write {args.output}: {exc.strerror or exc}")], args.json)
    if args.json:  # one JSON document: the problems, and the files written or their content
        extra = {"written": written} if written else {"files": result.files}
        return report(problems, True, extra)
    report(problems)
    for path in written:
        print(path, file=sys.stderr)
    if not written:
        (content,) = result.files.values()
        sys.stdout.write(content)
    return 0

