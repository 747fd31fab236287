import sys

from tui.commands.common import load_profile_file, read_text, report
from tui.model import problems as P
from tui.model.releases import parse_release
from tui.render.fleet import parse_nodes, render_fleet


def run(args) -> int:
    loaded = load_profile_file(args.profile)
    raw, problems = read_text(args.nodes, "nodes")
    if raw is None:
        return report(problems, args.json)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return report([P.error("nodes", f"{args.nodes} is not UTF-8 text")], args.json)
    rows, problems = parse_nodes(text)
    release = args.release
    if release is None and loaded.profile is not None:
        release = f"{loaded.profile.release.name.split('.')[0]}.{loaded.profile.release.minor}.0"
    if release is not None and (parse_release(release) is None or release.count(".") != 2 or not release.startswith("v")):
        problems.append(P.error("--release", f"'{release}' is not a release like v1.6.1"))
    if P.has_errors(problems) or loaded.profile is None:
        return report(problems + list(loaded.problems), args.json)
    files, more = render_fleet(loaded, rows, release, args.boot_url)
    code = report(problems + more, args.json, {"files": sorted(files)} if files else None)
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
