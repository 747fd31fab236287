"""Golden outputs: every shipped profile and every case folder, every output format.

One folder per case: ``tests/golden/cases/<case>/profile.yaml`` (+ ``inventory.json``),
and ``tests/golden/profiles/<name>/`` for each ``profiles/<name>.yaml``. Expected files:
``harvester-config.yaml``, ``cmdline.txt``, ``cmdline-url.txt`` and ``nm/*.nmconnection``.
These pin our output against accidental change; they are not the judge of correctness.
Harvester's own code is: tests/test_conformance_installer.py checks every golden folder with
the installer oracles (keyfiles byte-identical to ``installer-head nm``; kernel arguments and
configs read back by the target release's ``cmdline``/``load``/``validate``). After a deliberate
change, regenerate with ``UPDATE_GOLDEN=1 ./scripts/test tests/test_golden.py`` and run the
conformance tests on the result.
"""

import os
import re
from pathlib import Path

import pytest

from tests.golden_cases import ROOT, case_inventory, golden_cases, load_case
from tui.model import problems as P
from tui.model.load import load_text
from tui.render.node import render_node

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

_HASH = re.compile(r"\$6\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}")
HASHED = "$6$<random salt>$<hash>"


def normalise(text: str) -> str:
    """The password's salt is random (tui/render/password.py): a rendered hash is compared as
    its shape; test_password.py checks the hashes themselves against libc's crypt(3)."""
    return _HASH.sub(HASHED, text)


def outputs(profile_path: Path, inventory_path: Path | None) -> dict[str, str]:
    loaded = load_case(profile_path)
    inventory = case_inventory(inventory_path)
    files = {}
    result = render_node(loaded, inventory, "harvester")
    assert result.ok, [p.line() for p in result.problems if p.is_error]
    files["harvester-config.yaml"] = result.files["harvester-config.yaml"]
    inline = render_node(loaded, inventory, "cmdline")  # not every config fits kernel args
    files["cmdline.txt"] = inline.files["cmdline"] if inline.ok else "".join(p.line() + "\n" for p in inline.problems)
    url = render_node(loaded, inventory, "cmdline", config_url="http://10.0.0.10/c/node.yaml")
    files["cmdline-url.txt"] = url.files["cmdline"] if url.ok else "".join(p.line() + "\n" for p in url.problems)
    nm = render_node(loaded, inventory, "nm-keyfiles")
    if nm.ok:
        files.update({f"nm/{name}": text for name, text in nm.files.items()})
    return {name: normalise(text) for name, text in files.items()}


@pytest.mark.parametrize("profile_path,inventory_path,folder", list(golden_cases()))
def test_golden(profile_path, inventory_path, folder):
    got = outputs(profile_path, inventory_path)
    inputs = ("profile.yaml", "inventory.json", "README.md")
    expected = {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*")
                if p.is_file() and p.name not in inputs}
    if UPDATE:  # rewritten, and still judged against what was there: a regeneration never passes in silence
        for name, text in got.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
    assert sorted(got) == sorted(expected), "output files differ from the golden folder"
    for name in got:
        assert got[name] == expected[name], f"{folder.name}/{name} differs"


@pytest.mark.parametrize("profile_path,inventory_path,folder", list(golden_cases()))
def test_rendering_is_deterministic(profile_path, inventory_path, folder):
    assert outputs(profile_path, inventory_path) == outputs(profile_path, inventory_path)


@pytest.mark.parametrize("path", sorted((ROOT / "profiles").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_profiles_are_valid_without_errors(path):
    from tui.model.validate import validate

    problems = validate(load_text(path.read_bytes()))
    assert not P.has_errors(problems), [p.line() for p in problems]
