"""``harvester-netsetup boot``: what the boot units run. Reads the kernel command line:
``harvester.netsetup.disable`` skips the tool; ``harvester.netsetup.profile=<url|path>``
runs the profile unattended; otherwise nothing happens here (the console gets the wizard)."""

from __future__ import annotations


def decide(cmdline: str) -> tuple[str, str | None]:
    """("disabled" | "run" | "wizard", profile source)."""
    from tui.importers.kernel_cmdline import parse

    args, _ = parse(cmdline, prefix="harvester")
    ns = (args.get("netsetup") or {}) if isinstance(args, dict) else {}
    if not isinstance(ns, dict):
        return "wizard", None
    if ns.get("disable") not in (None, "false", "0"):
        return "disabled", None
    profile = ns.get("profile")
    if isinstance(profile, list):
        profile = profile[-1]
    return ("run", profile) if profile else ("wizard", None)


def run(args) -> int:
    if args.cmdline is None:
        with open("/proc/cmdline") as fh:
            args.cmdline = fh.read()
    what, source = decide(args.cmdline)
    if args.print:
        print(what if source is None else f"{what} {source}")
        return 0
    if what != "run":
        from tui.commands.common import log

        log(f"{what}: no unattended run")
        return 0
    from tui.commands import run as runner

    args.profile_source = source
    return runner.run(args)
