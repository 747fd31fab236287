"""The profile contract as JSON Schema (``harvester-netsetup schema``).

Derived from the profile's field table (``tui.model.profile``): every field's kind states its
type, format, range or choices, its default and its help text; a test checks every shipped
profile against it and that it refuses what the loader refuses.
"""

from __future__ import annotations

from tui.model.fields import section_schema
from tui.model.profile import Profile


def profile_schema() -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://harvester-netsetup/profile-v1.json",
        "title": "harvester-netsetup profile, version 1",
        **section_schema(Profile),
    }
