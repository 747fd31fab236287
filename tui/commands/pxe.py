import os
import sys

from tui.commands.common import load_profile_file, read_text, report
from tui.model import formats as F
from tui.model import problems as P
from tui.render.fleet import boot_release, parse_nodes, render_fleet


def run(args) -> int:
    """Every problem at once: the base profile's, the node list's, the URLs' and the release's."""
    loaded = load_profile_file(args.profile)
    source = os.path.basename(args.nodes) or "nodes"
    raw, problems = read_text(args.nodes, "nodes")
    if raw is None:
        return report(problems + list(loaded.problems), args.json)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return report([P.error(source, f"{args.nodes} is not UTF-8 text")] + list(loaded.problems), args.json)
    rows, problems = parse_nodes(text, source)
    if args.boot_url is not None and F.url(args.boot_url):
        problems.append(P.error("--boot-url", F.url(args.boot_url)))
    release = None
    if loaded.profile is not None:
        release, more = boot_release(loaded.profile, args.release)
        problems += more
    if loaded.profile is None or release is None:
        return report(problems + list(loaded.problems), args.json)
    files, more = render_fleet(loaded, rows, release, args.boot_url, source, complete=not P.has_errors(problems))
    problems += more
    code = report(problems, args.json, {"files": sorted(files)} if files and not P.has_errors(problems) else None)
    if code:
        return code
    from tui.files import write_tree

    try:
        write_tree(args.out, files, prune=True)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{len(rows)} nodes: {len(files)} files in {args.out}", file=sys.stderr)
    return 0
