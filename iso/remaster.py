#!/usr/bin/env python3
"""Remaster a Harvester ISO: embed a profile and add the kernel arguments that run it.

    iso/remaster IN.iso PROFILE OUT.iso [--arg KEY=VALUE ...]

The profile is validated first (nothing is written if it is invalid), embedded as
/harvester-netsetup/profile.yaml, and every boot entry of /boot/grub2/grub.cfg and
/boot/grub2/harvester.cfg gets ``harvester.netsetup.profile=<where the live system sees
it>``. The boot records are replayed unchanged (xorriso -boot_image any replay)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

ISO_PROFILE = "/harvester-netsetup/profile.yaml"
# root=live:CDLABEL=COS_LIVE: dracut's dmsquash-live mounts the ISO at /run/initramfs/live
LIVE_PROFILE = "file:///run/initramfs/live" + ISO_PROFILE
GRUB_FILES = ("/boot/grub2/grub.cfg", "/boot/grub2/harvester.cfg")


class RemasterError(Exception):
    pass


def xorriso(*args: str) -> str:
    if shutil.which("xorriso") is None:
        raise RemasterError("xorriso is not installed (Debian package xorriso)")
    r = subprocess.run(["xorriso", *args], capture_output=True, text=True)
    if r.returncode:
        raise RemasterError(f"xorriso {' '.join(args[:4])}…: "
                            f"{r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
    return r.stdout


def remaster(src: str, profile: str, dst: str, extra_args: list[str]) -> list[str]:
    from tui.commands.common import load_profile_file
    from tui.model import problems as P
    from tui.model.validate import validate
    from tui.render.grub import add_kernel_args

    loaded = load_profile_file(profile)
    problems = validate(loaded)
    if P.has_errors(problems):
        raise RemasterError("the profile is invalid:\n" + "\n".join(p.line() for p in problems if p.is_error))
    if not os.path.isfile(src):
        raise RemasterError(f"{src}: no such ISO")
    if os.path.abspath(src) == os.path.abspath(dst):
        raise RemasterError("write the remastered ISO to another path than the original")
    args = [f"harvester.netsetup.profile={LIVE_PROFILE}", *extra_args]
    with tempfile.TemporaryDirectory() as tmp:
        maps, changed = [], 0
        for path in GRUB_FILES:
            local = os.path.join(tmp, os.path.basename(path))
            try:
                xorriso("-osirrox", "on", "-indev", src, "-extract", path, local)
            except RemasterError:
                continue  # harvester.cfg holds only variables in some releases
            os.chmod(local, 0o644)
            with open(local) as fh:
                text, n = add_kernel_args(fh.read(), args)
            with open(local, "w") as fh:
                fh.write(text)
            changed += n
            maps += ["-map", local, path]
        if not maps:
            raise RemasterError(f"{src} has no {GRUB_FILES[0]}: not a Harvester ISO")
        if not changed:
            raise RemasterError(f"no boot entry (linux/linuxefi line) found in {', '.join(GRUB_FILES)}")
        partial = dst + ".partial"
        if os.path.exists(partial):
            os.unlink(partial)
        try:
            xorriso("-indev", src, "-outdev", partial, "-boot_image", "any", "replay",
                    "-map", os.path.abspath(profile), ISO_PROFILE, *maps, "-commit")
            os.replace(partial, dst)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    return args


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="iso/remaster", description=__doc__.split("\n\n")[0])
    p.add_argument("iso")
    p.add_argument("profile")
    p.add_argument("output")
    p.add_argument("--arg", action="append", default=[], metavar="KEY=VALUE",
                   help="another kernel argument for every boot entry")
    a = p.parse_args(argv)
    try:
        args = remaster(a.iso, a.profile, a.output, a.arg)
    except RemasterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{a.output}: profile at {ISO_PROFILE}; boot entries get {' '.join(args)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
