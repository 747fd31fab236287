"""The validation rules that need the node's inventory, one row each: a change to the valid
base profile (tests/rule_rows.py) validated against the inventory below, and what it yields;
and how match selectors pick NICs after explicit ones.
"""

import pytest

from tests.rule_rows import E, W, apply
from tui.model.inventory import inventory_from_data
from tui.model.load import load_data
from tui.model.validate import validate


INVENTORY = {"nics": [
    {"name": "ens5", "mac": "52:54:00:00:00:05", "driver": "ice", "speed": 25000, "pci": "0000:3b:00.0",
     "carrier": True},
    {"name": "ens6", "mac": "52:54:00:00:00:06", "driver": "ice", "speed": 25000, "pci": "0000:3b:00.1",
     "carrier": False},
    {"name": "ens7", "mac": "52:54:00:00:00:07", "driver": "igb", "speed": 1000, "pci": "0000:3b:00.2",
     "carrier": True},
    {"name": "ens10", "mac": "52:54:00:00:00:10", "driver": "ice", "speed": 25000, "pci": "0000:5e:00.0",
     "carrier": True},
    {"name": "bond0", "mac": "52:54:00:00:00:99", "physical": False, "kind": "bond"},
]}


INVENTORY_ROWS = [
    ("name-not-present", {"management.interfaces": [{"name": "ens9"}]}, "management.interfaces[0]", E,
     "no NIC named 'ens9'"),
    ("mac-not-present", {"management.interfaces": [{"mac": "52:54:00:00:00:42"}]}, "management.interfaces[0]", E,
     "no NIC has MAC"),
    ("mac-of-virtual-link", {"management.interfaces": [{"mac": "52:54:00:00:00:99"}]}, "management.interfaces[0]", E,
     "not a physical NIC"),
    ("name-mac-mismatch", {"management.interfaces": [{"name": "ens5", "mac": "52:54:00:00:00:06"}]},
     "management.interfaces[0]", E, "renamed or replaced"),
    ("virtual-link", {"management.interfaces": [{"name": "bond0"}]}, "management.interfaces[0]", E,
     "not a physical NIC"),
    ("no-carrier", {}, "management.interfaces[1]", W, "no carrier"),
    ("slow-nic", {"management.interfaces": [{"name": "ens7"}], "vlan.interfaces": [{"name": "ens10"}]},
     "management.interfaces[0]", W, "10 Gb/s production minimum"),
    ("same-card", {}, "vlan.interfaces[0]", W, "same card"),
    ("match-none", {"vlan.interfaces": [{"match": {"driver": "mlx5_core"}}]}, "vlan.interfaces[0]", E,
     "no NIC matches"),
    ("match-all-taken", {"vlan.interfaces": [{"match": {"driver": "ice"}}, {"match": {"driver": "ice"}}]},
     "vlan.interfaces[1]", E, "already selected"),
    ("mac-and-name-same-nic", {"management.interfaces": [{"name": "ens5"}, {"mac": "52:54:00:00:00:05"}]},
     "management.interfaces[1]", E, "one place only"),
]


@pytest.mark.parametrize("rule,changes,path,severity,words", INVENTORY_ROWS, ids=[r[0] for r in INVENTORY_ROWS])
def test_rule_with_inventory(rule, changes, path, severity, words):
    inventory, problems = inventory_from_data(INVENTORY)
    assert problems == []
    problems = validate(load_data(apply(changes)), inventory)
    hits = [p for p in problems if p.path == path and p.severity.value == severity and words in p.message]
    assert hits, f"expected {severity} at {path} containing {words!r}; got {[p.line() for p in problems]}"


def test_match_selectors_pick_in_natural_order_after_explicit_selectors():
    from tui.model.selectors import resolve

    inventory, _ = inventory_from_data(INVENTORY)
    profile = load_data(apply({
        "management.interfaces": [{"match": {"driver": "ice"}}, {"name": "ens5"}],
        "vlan.interfaces": [{"match": {"driver": "ice", "min_speed": 10000}}],
    })).profile
    res = resolve(profile, inventory)
    assert res.problems == ()
    # ens5 is taken by name first; the match picks ens6 (natural order: ens6 < ens10).
    assert [n.name for n in res.management] == ["ens6", "ens5"]
    assert [n.name for n in res.vlan] == ["ens10"]
