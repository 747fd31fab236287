"""The ``harvester-netsetup`` command line: argument parsing and dispatch only.

Each subcommand lives in ``tui/commands/<name>.py`` and is imported only when used, so a
command never pays for the libraries of another (validate never loads textual,
pyroute2 or kubernetes).
"""

from __future__ import annotations

import argparse
import importlib
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="harvester-netsetup",
        description="Set up Harvester node networking: wizard, unattended runner, generator.",
    )
    p.add_argument("--demo", action="store_true", help="run the wizard on a simulated node (no root needed)")
    p.add_argument("--profile", help="prefill the wizard from this profile")
    p.add_argument("--out", metavar="DIR",
                   help="where the wizard writes the saved profile and config (default ./harvester-netsetup-out)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("schema", help="print the profile JSON Schema")
    s.set_defaults(module="schema")

    s = sub.add_parser("validate", help="check a profile; every problem with its path")
    s.add_argument("profile")
    s.add_argument("--inventory", metavar="FILE", help="NIC inventory JSON (from 'inventory --json')")
    s.add_argument("--json", action="store_true", help="print the problems as JSON")
    s.set_defaults(module="validate")

    s = sub.add_parser("render", help="render a profile into a Harvester config, NM keyfiles or kernel args")
    s.add_argument("profile")
    s.add_argument("--inventory", metavar="FILE")
    s.add_argument("-o", "--output", metavar="PATH", help="file (harvester, cmdline) or directory (nm-keyfiles)")
    s.add_argument("--format", choices=("harvester", "nm-keyfiles", "cmdline"), default="harvester")
    s.add_argument("--config-url", metavar="URL",
                   help="cmdline: point the installer at this config instead of inlining it")
    s.add_argument("--json", action="store_true", help="print problems as JSON")
    s.set_defaults(module="render")

    s = sub.add_parser("profile", help="profile tools")
    psub = s.add_subparsers(dest="profile_command", metavar="SUBCOMMAND", required=True)
    i = psub.add_parser("import", help="turn a Harvester config into a profile")
    i.add_argument("config")
    i.add_argument("-o", "--output", metavar="PATH")
    i.add_argument("--harvester", metavar="vX.Y",
                   help="target release (default: v1.0 for install.networks, else the newest)")
    i.add_argument("--json", action="store_true")
    i.set_defaults(module="profile_import")

    s = sub.add_parser("cmdline", help="read the harvester.* kernel arguments")
    s.add_argument("--cmdline", metavar="STR", help="parse this instead of /proc/cmdline")
    s.add_argument("--json", action="store_true")
    s.add_argument("--profile", dest="as_profile", action="store_true", help="print the arguments as a profile")
    s.set_defaults(module="cmdline")

    s = sub.add_parser("pxe", help="generate configs and iPXE scripts for a fleet")
    s.add_argument("--profile", required=True, metavar="BASE")
    s.add_argument("--nodes", required=True, metavar="NODES",
                   help="CSV (mac,hostname,ip[,mode,role,device]) or YAML list")
    s.add_argument("--out", required=True, metavar="DIR")
    s.add_argument("--boot-url", metavar="URL", default=None,
                   help="HTTP base URL where DIR and the release artifacts are served")
    s.add_argument("--release", metavar="vX.Y.Z",
                   help="Harvester release of the artifacts (default: the profile's, .0)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(module="pxe")

    s = sub.add_parser("inventory", help="this host's NICs (the JSON that --inventory accepts)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--all", action="store_true", help="include virtual links")
    s.set_defaults(module="inventory")

    s = sub.add_parser("plan", help="the changes an apply would make on this host")
    s.add_argument("profile")
    s.add_argument("--inventory", metavar="FILE", help="resolve selectors against this inventory instead of the host's")
    s.add_argument("--json", action="store_true")
    s.set_defaults(module="plan")

    s = sub.add_parser("apply", help="apply the management network live: verified, restored on failure")
    s.add_argument("profile")
    s.add_argument("--inventory", metavar="FILE", help=argparse.SUPPRESS)
    s.add_argument("--confirm-timeout", type=_seconds, metavar="SEC",
                   help="keep the change pending; it reverts after SEC unless confirmed")
    s.add_argument("--no-cluster", action="store_true", help="do not apply the profile's cluster settings")
    s.add_argument("--dry-run", action="store_true", help="show the steps, change nothing")
    s.add_argument("--write-config", metavar="PATH", help="also write the node's Harvester config here")
    s.add_argument("--nm-dir", metavar="DIR", help="also write NetworkManager keyfiles here (installed v1.7+ node)")
    s.set_defaults(module="apply")

    for name, text in (("confirm", "keep a pending apply"), ("rollback", "revert a pending or interrupted apply now")):
        s = sub.add_parser(name, help=text)
        s.set_defaults(module="pending")
    s = sub.add_parser("revert-timer")  # internal (the detached timer); no help= keeps it out of --help
    s.add_argument("--token", required=True)
    s.add_argument("--owner", help="PID:START of the apply that started it")
    s.set_defaults(module="pending")

    s = sub.add_parser("probe-dhcp", help="look for DHCP servers (DISCOVER only, never takes a lease)")
    s.add_argument("iface")
    s.add_argument("--vlan", type=int, metavar="VID", help="probe tagged, through a temporary VLAN sub-interface")
    s.add_argument("--timeout", type=_seconds, default=6.0, metavar="SEC")
    s.add_argument("--json", action="store_true")
    s.set_defaults(module="probe_dhcp")

    s = sub.add_parser("cluster", help="the cluster side: default VLAN NIC, VM networks, settings")
    csub = s.add_subparsers(dest="cluster_command", metavar="SUBCOMMAND", required=True)
    for name, text in (("plan", "show the changes against the cluster (server-side dry-run)"),
                       ("apply", "create or merge-patch the objects, then wait for the nodes")):
        c = csub.add_parser(name, help=text)
        c.add_argument("profile")
        c.add_argument("--kubeconfig", metavar="FILE")
        c.add_argument("--inventory", metavar="FILE", help="resolve uplink selectors against this inventory")
        c.add_argument("--json", action="store_true")
        if name == "apply":
            c.add_argument("--wait", type=_seconds, metavar="SEC",
                           help="wait up to SEC for every matched node's VlanStatus")
        c.set_defaults(module="cluster")
    s = sub.add_parser("run", help="unattended: fetch a profile, apply it, report")
    s.add_argument("--profile", dest="profile_source", required=True, metavar="URL|PATH")
    _runner_options(s)
    s.set_defaults(module="run")
    s = sub.add_parser("boot", help="what the boot units run: act on harvester.netsetup.* kernel arguments")
    s.add_argument("--cmdline", metavar="STR", help="use this instead of /proc/cmdline")
    s.add_argument("--print", action="store_true", help="only print the decision (wizard, run URL, disabled)")
    _runner_options(s)
    s.set_defaults(module="boot")

    c = csub.add_parser("nics", help="which NICs the nodes have (the VLAN NIC picker's list)")
    c.add_argument("--kubeconfig", metavar="FILE")
    c.add_argument("--json", action="store_true")
    c.set_defaults(module="cluster")
    return p


def _runner_options(s) -> None:
    s.add_argument("--report", metavar="FILE", help="write the JSON report here")
    s.add_argument("--webhook", metavar="URL", help="POST STARTED / SUCCEEDED / FAILED events here")
    s.add_argument("--config-out", metavar="PATH",
                   help="where the Harvester config goes (default /oem/harvester.config when /oem exists)")
    s.add_argument("--confirm-timeout", type=_seconds, metavar="SEC")
    s.add_argument("--no-network", action="store_true", help="do not change the host network")
    s.add_argument("--no-cluster", action="store_true", help="do not apply the cluster side")
    s.add_argument("--kubeconfig", metavar="FILE")
    s.add_argument("--wait", type=_seconds, default=120.0, metavar="SEC", help="cluster readiness wait (default 120)")
    s.add_argument("--retries", type=int, default=5, metavar="N", help="fetch attempts (default 5)")
    s.add_argument("--retry-delay", type=float, default=1.0, metavar="SEC",
                   help="first back-off delay, doubling (default 1)")
    s.add_argument("--timeout", type=_seconds, default=10.0, metavar="SEC", help="per fetch attempt (default 10)")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and 86400 seconds")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if not (args.demo or args.profile or sys.stdin.isatty()):
            parser.print_help(sys.stderr)
            return 2
        args.module = "wizard"
    module = importlib.import_module(f"tui.commands.{args.module}")
    try:
        return module.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
