"""Bond modes: the kernel's mode number for each name, and the order the wizard offers them.

The oracle is the kernel, not our table: the names and numbers come from the kernel's
Documentation/networking/bonding.rst ("mode ... balance-rr or 0"), and the numbers are also
read from the installed uapi header include/uapi/linux/if_bonding.h (BOND_MODE_*).
"""

import re
from pathlib import Path

import pytest

from tui.model import bond

# (mode name, number in bonding.rst, BOND_MODE_* constant in if_bonding.h)
KERNEL_MODES = [
    ("balance-rr", 0, "BOND_MODE_ROUNDROBIN"),
    ("active-backup", 1, "BOND_MODE_ACTIVEBACKUP"),
    ("balance-xor", 2, "BOND_MODE_XOR"),
    ("broadcast", 3, "BOND_MODE_BROADCAST"),
    ("802.3ad", 4, "BOND_MODE_8023AD"),
    ("balance-tlb", 5, "BOND_MODE_TLB"),
    ("balance-alb", 6, "BOND_MODE_ALB"),
]

HEADER = Path("/usr/include/linux/if_bonding.h")


@pytest.mark.parametrize("name,number,constant", KERNEL_MODES)
def test_mode_number_is_the_kernels(name, number, constant):
    assert bond.mode_number(name) == number


@pytest.mark.skipif(not HEADER.exists(), reason="kernel uapi headers (linux-libc-dev) not installed")
@pytest.mark.parametrize("name,number,constant", KERNEL_MODES)
def test_mode_number_matches_the_uapi_header(name, number, constant):
    found = re.search(rf"#define\s+{constant}\s+(\d+)", HEADER.read_text())
    assert found, f"{constant} not in {HEADER}"
    assert bond.mode_number(name) == int(found[1])


def test_every_kernel_mode_and_no_other_is_accepted():
    assert set(bond.BOND_MODES) == {name for name, _, _ in KERNEL_MODES}
    assert set(bond.MODE_NUMBERS) == set(bond.BOND_MODES)


@pytest.mark.parametrize("bad", ["", "Active-Backup", "1", "lacp", "balance_rr"])
def test_unknown_mode_has_no_number(bad):
    with pytest.raises(KeyError):
        bond.mode_number(bad)


def test_display_order_offers_every_mode_once():
    assert sorted(bond.DISPLAY_ORDER) == sorted(bond.BOND_MODES)
    assert len(bond.DISPLAY_ORDER) == len(set(bond.DISPLAY_ORDER))


def test_display_order_is_harvesters_installer_order():
    # harvester-installer pkg/console: balance-rr, active-backup (default), balance-xor, broadcast,
    # 802.3ad, balance-tlb, balance-alb -- an operator who knows that screen finds the same list
    assert bond.DISPLAY_ORDER == (
        "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb")


def test_wizard_offers_the_display_order():
    from tui.wizard.steps import STEPS

    selects = [f for s in STEPS for f in s.fields if f.path.endswith(".bond.mode")]
    assert selects, "no bond mode field in the wizard steps"
    for field in selects:
        assert tuple(field.choices) == bond.DISPLAY_ORDER, field.path
