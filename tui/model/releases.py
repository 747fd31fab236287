"""Harvester releases and what differs between them, as each release's harvester-installer code
(pkg/config, pkg/console) does it; tests/test_conformance_installer.py checks our output with
that release's own installer (tests/oracles.py).

A profile names a target release (``harvester: v1.6``); everything release-dependent is
decided here, in one table, so the renderers and validators never compare versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPORTED_MINORS = tuple(range(0, 10))  # v1.0 … v1.9
DEFAULT_RELEASE = "v1.9"

_RELEASE_RE = re.compile(r"^v?1\.(\d)(?:\.(\d{1,3}))?$")


@dataclass(frozen=True)
class Release:
    minor: int
    patch: int | None = None

    @property
    def name(self) -> str:
        base = f"v1.{self.minor}"
        return base if self.patch is None else f"{base}.{self.patch}"

    @property
    def legacy(self) -> bool:
        """v1.0: ``install.networks`` + ClusterNetwork ``vlan`` + NodeNetwork."""
        return self.minor == 0

    @property
    def default_bond_mode(self) -> str:
        # v1.0's installer default was balance-tlb; the TUI default is active-backup
        # since v1.1 (and the config-file default since v1.6).
        return "balance-tlb" if self.legacy else "active-backup"

    @property
    def network_manager(self) -> bool:
        """v1.7+ persists the management network as NetworkManager keyfiles."""
        return self.minor >= 7

    @property
    def kernel_arg_integers(self) -> bool:
        """v1.8+ converts integer fields (mtu, vlan_id) given as kernel arguments; older
        releases refuse them ("cannot unmarshal string into ... of type int")."""
        return self.minor >= 8

    @property
    def kernel_arg_interface_pairs(self) -> bool:
        """v1.8+ reads ``interfaces=hwAddr:<mac>,name:<nic>``; older releases read one of them."""
        return self.minor >= 8

    @property
    def has_mgmt_vlan(self) -> bool:
        """``management_interface.vlan_id`` exists from v1.1 on (reverted in v1.0.1)."""
        return self.minor >= 1


def parse_release(text: str) -> Release | None:
    """``v1.6`` / ``v1.6.1`` / ``1.6`` → Release; None when not a supported release."""
    m = _RELEASE_RE.match(text.strip())
    if not m:
        return None
    minor = int(m.group(1))
    if minor not in SUPPORTED_MINORS:
        return None
    return Release(minor, int(m.group(2)) if m.group(2) is not None else None)
