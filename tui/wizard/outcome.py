"""What a wizard session did, in words for the Done screen and the terminal, and as the
exit code. Pure: the session records the facts, this module says them."""

from __future__ import annotations

from dataclasses import dataclass, field

EXIT_DONE = 0  # everything that was asked for is done
EXIT_FAILED = 1  # the network change failed or was reverted: the node has its old network
EXIT_PARTIAL = 2  # the network change stays, but the cluster side is not (fully) done
EXIT_NOT_APPLIED = 3  # the wizard ended before Apply: nothing on the node or cluster changed

# network: not applied | applying | pending | kept | nothing to do | reverted | failed | restore failed
# cluster: none (the profile has no cluster side) | not applied | done | not complete | skipped


@dataclass
class Result:
    install_config: bool = True
    network: str = "not applied"
    cluster: str = "not applied"
    written: list[str] = field(default_factory=list)
    address: str | None = None  # the address the node has after the change (DHCP: what it got)
    notes: list[str] = field(default_factory=list)  # why the cluster side is not done, etc.


def exit_code(r: Result) -> int:
    if r.install_config:
        return EXIT_DONE if r.written else EXIT_NOT_APPLIED
    if r.network in ("not applied", "applying", "pending"):
        return EXIT_NOT_APPLIED
    if r.network in ("reverted", "failed", "restore failed"):
        return EXIT_FAILED
    return EXIT_DONE if r.cluster in ("none", "done") else EXIT_PARTIAL


def summary(r: Result) -> list[str]:
    """The lines of the Done screen (and of the terminal after the wizard ends)."""
    out: list[str] = []
    if r.install_config:
        out.append("Install config written; nothing on this node was changed." if r.written
                   else "Nothing was written and nothing on this node was changed.")
    else:
        out.append({
            "not applied": "NOT APPLIED: this node's network was not changed.",
            "applying": "NOT FINISHED: the apply was interrupted.",
            "pending": "NOT CONFIRMED: the change reverts by itself when its timer ends.",
            "kept": "Network: applied, verified and kept.",
            "nothing to do": "Network: already as the profile says; nothing was changed.",
            "reverted": "REVERTED: the node has its previous network again; the profile was NOT applied.",
            "failed": "FAILED: the network change failed; the previous network is back.",
            "restore failed": "FAILED: the network change failed and the previous network could NOT be fully restored.",
        }.get(r.network, f"Network: {r.network}"))
        if r.address:
            out.append(f"The node's address is now {r.address}.")
        if r.network in ("kept", "nothing to do"):
            out.append({
                "none": "Cluster: nothing to send (the profile has no cluster side).",
                "done": "Cluster: every object sent and ready.",
                "not complete": "Cluster: NOT complete; the node's network stays.",
                "skipped": "Cluster: NOT sent; the node's network stays.",
                "not applied": "Cluster: NOT sent.",
            }.get(r.cluster, f"Cluster: {r.cluster}"))
        else:
            out.append("Cluster: nothing was sent.")
    out += [f"  {n}" for n in r.notes]
    out.append(f"Exit code {exit_code(r)}.")
    return out
