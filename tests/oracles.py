"""Harvester's own code as test oracles (the prebuilt binaries in ``../shared/oracles/bin``).

Found at ``$HNS_ORACLES`` or ``../shared/oracles/bin`` beside the checkout. Where they are
absent a test skips and says why; with ``HNS_REQUIRE_ORACLES=1`` (set by ``.ci/run``) a
missing oracle fails the test instead. Never imports production code: an oracle stays
independent of what it judges.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RELEASES = ("v1.0", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "head")


def oracle_dir() -> Path:
    env = os.environ.get("HNS_ORACLES")
    return Path(env) if env else ROOT.parent / "shared" / "oracles" / "bin"


def need(name: str) -> Path:
    """The path of oracle ``name`` (``installer-v1.6``, ``webhooks``), or skip/fail."""
    path = oracle_dir() / name
    if path.is_file() and os.access(path, os.X_OK):
        return path
    reason = f"Harvester oracle {name} not found in {oracle_dir()} (set HNS_ORACLES)"
    if os.environ.get("HNS_REQUIRE_ORACLES") == "1":
        pytest.fail(reason + "; HNS_REQUIRE_ORACLES=1 forbids skipping")
    pytest.skip(reason)


def installer_for(release: str) -> str:
    """The installer binary name for a target release such as ``v1.7.1``, ``v1.4`` or ``head``."""
    if release in ("head", "installer-head"):
        return "installer-head"
    parts = release.lstrip("v").split(".")
    minor = f"v{parts[0]}.{parts[1]}"
    return f"installer-{minor}" if f"installer-{minor}" in {f"installer-{r}" for r in RELEASES} else "installer-head"


def run_json(name: str, *args: str, stdin: str | None = None) -> tuple[int, object]:
    """Run an oracle; its exit status and the JSON it printed."""
    proc = subprocess.run([str(need(name)), *args], input=stdin, capture_output=True, text=True, timeout=120)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"{name} {' '.join(args)}: no JSON (rc {proc.returncode}): "
                             f"{proc.stdout!r} {proc.stderr!r}")


def installer(release: str, sub: str, *args: str) -> tuple[int, object]:
    """``installer-<release> <sub> ARGS`` → (exit status, JSON)."""
    return run_json(installer_for(release), sub, *args)


def installer_batch(release: str, sub: str, items: list) -> list:
    """``cmdline-batch``/``load-batch``/``map-batch`` over a JSON list; one answer per item."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(items, f)
        path = f.name
    try:
        _rc, out = run_json(installer_for(release), sub, path)
    finally:
        os.unlink(path)
    return out  # type: ignore[return-value]


def webhooks(request: dict) -> list[dict]:
    """Run the network controller's admission webhooks over ``request`` (see the oracle README)."""
    rc, out = run_json("webhooks", "-", stdin=json.dumps(request))
    assert rc in (0, 1), f"webhooks: bad input (rc {rc}): {out}"
    return out  # type: ignore[return-value]
