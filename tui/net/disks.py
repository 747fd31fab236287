"""The machine's disks for the wizard's install-disk choice, as lsblk JSON (parsed by
tui/wizard/disks.py): the real machine's from lsblk, the demo node's simulated."""

from __future__ import annotations

import json
import subprocess

LSBLK = ["lsblk", "--json", "--bytes", "--nodeps", "--output", "NAME,PATH,SIZE,MODEL,TYPE,RM,RO,TRAN"]


def lsblk_json(timeout: float = 10.0) -> str:
    """lsblk's JSON; an empty list when lsblk is missing or fails (the wizard then says so)."""
    try:
        proc = subprocess.run(LSBLK, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return '{"blockdevices": []}'
    return proc.stdout if proc.returncode == 0 else '{"blockdevices": []}'


def simulated_lsblk_json() -> str:
    """The demo node: two SSDs, a USB stick (the installer's) and a loop device."""
    disks = [
        {"name": "sda", "path": "/dev/sda", "size": 480103981056, "model": "SAMSUNG MZ7LH480HAHQ-00005",
         "type": "disk", "rm": False, "ro": False, "tran": "sata"},
        {"name": "nvme0n1", "path": "/dev/nvme0n1", "size": 3840755982336, "model": "SAMSUNG MZQL23T8HCLS-00A07",
         "type": "disk", "rm": False, "ro": False, "tran": "nvme"},
        {"name": "sdb", "path": "/dev/sdb", "size": 15664676864, "model": "Ultra USB 3.0",
         "type": "disk", "rm": True, "ro": False, "tran": "usb"},
        {"name": "loop0", "path": "/dev/loop0", "size": 1073741824, "model": None,
         "type": "loop", "rm": False, "ro": True, "tran": None},
    ]
    return json.dumps({"blockdevices": disks})
