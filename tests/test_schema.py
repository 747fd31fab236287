"""The JSON Schema stays in step with the model and accepts exactly what the loader accepts."""

from pathlib import Path

import jsonschema
import pytest
import yaml

from tui.model.load import load_data
from tui.model.profile import SECTION_KEYS
from tui.model.schema import profile_schema
from tui.model.validate import validate

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = profile_schema()
PROFILE_FILES = (sorted((ROOT / "profiles").glob("*.yaml"))
                 + sorted((ROOT / "tests/golden/cases").glob("*/profile.yaml")))


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_sections_match_the_model():
    props = SCHEMA["properties"]
    assert tuple(SCHEMA["properties"]) == SECTION_KEYS["profile"]
    for section, key in [("node", "node"), ("management", "management"), ("vlan", "vlan"), ("install", "install"),
                         ("cluster", "cluster")]:
        assert tuple(props[key]["properties"]) == SECTION_KEYS[section]
    assert tuple(props["networks"]["items"]["properties"]) == SECTION_KEYS["network"]


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_profile_passes_the_schema(path):
    jsonschema.validate(yaml.safe_load(path.read_text()), SCHEMA)


@pytest.mark.parametrize("data", [
    {"version": 2}, {"version": 1, "bogus": 1}, {"version": 1, "management": {"vlan_id": 5000}},
    {"version": 1, "management": {"interfaces": [{"name": "a", "match": {}}]}}, {"version": 1,
                                                                                 "install": {"mode": "upgrade"}},
    {"version": 1, "management": {"mtu": 100}}, {"version": 1, "vlan": {"cluster_network": "thirteen-chars"}},
    # bounds the loader always had and the hand-written schema lacked (both derive from the field table now)
    {"version": 1, "management": {"bond": {"miimon": 100_001}}},
    {"version": 1, "vlan": {"interfaces": [{"match": {"min_speed": 10_000_001}}]}},
])
def test_schema_and_loader_both_reject(data):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
    assert any(p.is_error for p in validate(load_data(data)))
