"""The golden cases (every shipped profile and every case folder under tests/golden/cases),
and reading and rendering one: shared by tests/test_golden.py and the installer conformance
tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def golden_cases():
    """(id, profile path, inventory path or None, golden folder)."""
    for path in sorted((ROOT / "profiles").glob("*.yaml")):
        yield pytest.param(path, None, GOLDEN / "profiles" / path.stem, id=f"profiles/{path.stem}")
    for folder in sorted((GOLDEN / "cases").iterdir()):
        inv = folder / "inventory.json"
        yield pytest.param(folder / "profile.yaml", inv if inv.exists() else None, folder, id=f"cases/{folder.name}")


def load_case(profile_path: Path):
    from tui.model.load import load_text

    return load_text(profile_path.read_bytes())


def case_inventory(inventory_path: Path | None):
    if inventory_path is None:
        return None
    from tui.model.inventory import inventory_from_data

    inventory, problems = inventory_from_data(json.loads(inventory_path.read_text()))
    assert not problems
    return inventory


def render(loaded, inventory, fmt, **kw):
    from tui.render.node import render_node

    return render_node(loaded, inventory, fmt, **kw)
