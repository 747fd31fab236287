"""The pure core never loads textual, pyroute2 or kubernetes, nor touches files or clocks."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ["tui/model", "tui/render", "tui/importers"]
HEAVY = ("textual", "pyroute2", "kubernetes")


def _modules():
    for pkg in PURE_PACKAGES:
        for path in sorted((ROOT / pkg).glob("*.py")):
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("statement", [
    "import " + ", ".join(_modules()),
    "from tui.cli import main; main(['validate', 'profiles/single-nic-dhcp.yaml'])",
    "from tui.cli import main; main(['render', 'profiles/lacp-vlan-jumbo.yaml', '--format', 'nm-keyfiles', '-o', __import__('tempfile').mkdtemp() + '/nm'])",
    # reading the host (inventory, the planner's state) is rtnl_dump + sysfs: pyroute2 only changes it
    "from tui.net.real import RealHost; h = RealHost(); h.inventory(True); h.snapshot(); h.close()",
])
def test_pure_paths_never_load_heavy_libraries(statement):
    code = f"{statement}\nimport sys\nprint('loaded=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "loaded="


FORBIDDEN_IMPORTS = {"os", "time", "datetime", "random", "socket", "subprocess", "shutil", "pathlib", "tempfile",
                     "textual", "pyroute2", "kubernetes", "tui.net", "tui.kube", "tui.files", "screens"}
FORBIDDEN_CALLS = {"open", "print", "input"}


PURE_FILES = [p for pkg in PURE_PACKAGES for p in sorted((ROOT / pkg).glob("*.py"))] + [
    ROOT / "tui/wizard/draft.py", ROOT / "tui/wizard/steps.py"]


@pytest.mark.parametrize("path", PURE_FILES, ids=str)
def test_pure_modules_have_no_side_effect_imports_or_calls(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            assert top not in FORBIDDEN_IMPORTS and name not in FORBIDDEN_IMPORTS and not any(
                name.startswith(f + ".") for f in FORBIDDEN_IMPORTS), f"{path.name} imports {name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path.name} calls {node.func.id}()"


SCREEN_FORBIDDEN = ("pyroute2", "kubernetes", "tui.net", "tui.kube")


@pytest.mark.parametrize("path", sorted((ROOT / "screens").glob("*.py")), ids=str)
def test_screens_are_thin(path):
    """Screens show data and send intents; netlink and cluster code stay behind the session."""
    for node in ast.walk(ast.parse(path.read_text())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
        for name in names:
            assert not any(name == f or name.startswith(f + ".") for f in SCREEN_FORBIDDEN), f"{path.name} imports {name}"


def test_wizard_first_screen_does_not_load_netlink_kubernetes_or_later_screens():
    """The first screen waits for none of: netlink, the cluster client, the later steps'
    screens (tables, text areas, logs) or Textual's Footer (replaced by screens/keybar.py)."""
    code = ("import os, tempfile; os.environ['HARVESTER_NETSETUP_RUN_DIR'] = tempfile.mkdtemp()\n"
            "from tui.net.simulated import SimulatedHost\nfrom tui.wizard.session import Session\n"
            "from screens.app import WizardApp\nimport asyncio, sys\n"
            "async def main():\n"
            "    app = WizardApp(Session(SimulatedHost.demo(0), tempfile.mkdtemp(), simulated=True))\n"
            "    async with app.run_test(size=(80, 24)) as pilot:\n"
            "        await pilot.pause()\n"
            "asyncio.run(main())\n"
            "print('loaded=' + ','.join(m for m in ('pyroute2', 'kubernetes', 'screens.steps', 'screens.flow',\n"
            "      'textual.widgets._data_table', 'textual.widgets._text_area', 'textual.widgets._rich_log',\n"
            "      'textual.widgets._footer') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "loaded="
