import sys

from tui.commands.common import read_text, report
from tui.importers.harvester_config import import_config
from tui.model import problems as P
from tui.model.dump import dump_profile
from tui.model.load import load_data
from tui.model.releases import parse_release
from tui.model.validate import validate
from tui.model.yamlsafe import load_yaml
from tui.render.password import hash_password
from tui.render.yaml_out import dump


def convert(data, release: str | None):
    """Harvester config data → (Loaded profile, problems)."""
    profile_data, problems = import_config(data, release)
    if profile_data is None:
        return None, problems
    loaded = load_data(profile_data)
    return loaded, problems + validate(loaded)


def run(args) -> int:
    if args.harvester and parse_release(args.harvester) is None:
        return report([P.error("--harvester", f"'{args.harvester}' is not a supported release (v1.0 … v1.9)")],
                      args.json)
    raw, problems = read_text(args.config, "config")
    if raw is None:
        return report(problems, args.json)
    text = raw.decode("utf-8", "replace").replace("#!cloud-config", "").replace("#cloud-config", "")
    data, problems = load_yaml(text, f"config {args.config}")
    if problems:
        return report(problems, args.json)
    loaded, problems = convert(data, args.harvester)
    code = report(problems, args.json)
    if code:
        return code
    text = dump(dump_profile(loaded.profile, hash_password),
                header=f"imported from {args.config} by harvester-netsetup")
    if args.output:
        from tui.files import atomic_write, same_file

        if same_file(args.output, args.config):
            return report([P.error("", f"-o {args.output} is the input config; give another path")], args.json)
        try:
            atomic_write(args.output, text)
        except OSError as exc:
            print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(args.output, file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
