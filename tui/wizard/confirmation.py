"""What Apply will do, for the page that asks before it: the host's steps (and the addresses
the NIC of this SSH session loses), the cluster's changes, the files, warnings and errors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Confirmation:
    host: list[str] = field(default_factory=list)
    cluster: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["On this node:"] + [f"  {x}" for x in self.host]
        if self.cluster:
            out += ["In the cluster:"] + [f"  {x}" for x in self.cluster]
        out += ["Files written:"] + [f"  {x}" for x in self.files]
        if self.warnings:
            out += ["Warnings:"] + [f"  warning: {x}" for x in self.warnings]
        if self.errors:
            out += ["Errors (Apply is refused):"] + [f"  error: {x}" for x in self.errors]
        return out


def ssh_losses(inventory, steps) -> list[str]:
    """"eno1 - your SSH session - loses 10.0.0.11/24" for each address of the NIC carrying
    this SSH session that a step takes away (ASCII dashes: the console font)."""
    out = []
    for nic in inventory.physical():
        if not nic.ssh_session:
            continue
        touched = [s for s in steps if s.dev == nic.name and s.op in ("addr-del", "master", "link-del", "link-down")]
        lost = [s.args[0] for s in touched if s.op == "addr-del"] or (list(nic.ipv4) if touched else [])
        out += [f"{nic.name} - your SSH session - loses {cidr}" for cidr in lost]
        out += [f"{nic.name} - your SSH session - loses the default route via {s.args[1]}"
                for s in steps if s.dev == nic.name and s.op == "route-del" and s.args[0] == "default"]
    return out
