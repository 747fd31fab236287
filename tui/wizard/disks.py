"""The install-disk choice from lsblk JSON: whole, writable disks with a size, largest
fixed disk first after the order lsblk gives; removable ones (the installer's USB stick)
last. Pure: the host backend (tui/net/disks.py) gives the JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Disk:
    path: str
    size: int  # bytes
    model: str
    removable: bool
    transport: str

    def label(self) -> str:
        """"/dev/sda  480 GB  SAMSUNG MZ7LH480 (sata)": ASCII, fits 80 columns."""
        extra = " ".join(x for x in (self.model[:28], f"({self.transport})" if self.transport else "",
                                     "removable" if self.removable else "") if x)
        return f"{self.path}  {human_size(self.size)}  {extra}".rstrip()


def _flag(value) -> bool:
    return value in (True, 1, "1", "true")


def parse_lsblk(text: str) -> list[Disk]:
    try:
        devices = json.loads(text).get("blockdevices") or []
    except (ValueError, AttributeError):
        return []
    out = []
    for d in devices:
        if not isinstance(d, dict) or d.get("type") != "disk" or _flag(d.get("ro")):
            continue
        name = str(d.get("name") or "")
        size = int(d.get("size") or 0)
        if not size or name.startswith(("zram", "loop", "ram")):
            continue
        out.append(Disk(str(d.get("path") or f"/dev/{name}"), size, str(d.get("model") or "").strip(),
                        _flag(d.get("rm")), str(d.get("tran") or "")))
    return sorted(out, key=lambda x: x.removable)


def human_size(size: int) -> str:
    for unit, factor in (("TB", 10 ** 12), ("GB", 10 ** 9), ("MB", 10 ** 6)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} B"
