"""Kernel arguments added to the boot entries of a GRUB config — pure.

Every ``linux``/``linuxefi`` line gets the arguments; an argument already there with the
same key is replaced, so remastering twice gives the same config."""

from __future__ import annotations

import re

_KERNEL_LINE = re.compile(r"^(\s*)(linux|linuxefi)(\s+)(\S+)(.*)$")


def _key(arg: str) -> str:
    return arg.split("=", 1)[0]


def add_kernel_args(cfg: str, args: list[str]) -> tuple[str, int]:
    """(the new config, how many boot entries were changed)."""
    keys = {_key(a) for a in args}
    out, changed = [], 0
    for line in cfg.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        end = line[len(body):]
        m = _KERNEL_LINE.match(body)
        if not m:
            out.append(line)
            continue
        indent, cmd, sep, image, rest = m.groups()
        kept = [w for w in rest.split() if _key(w) not in keys]
        out.append(f"{indent}{cmd}{sep}{image} {' '.join(kept + args)}".rstrip() + end)
        changed += 1
    return "".join(out), changed
