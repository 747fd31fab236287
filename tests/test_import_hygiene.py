"""The pure core never loads textual, pyroute2 or kubernetes, nor touches files or clocks."""

import ast
import re
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
    "from tui.cli import main; main(['render', 'profiles/lacp-vlan-jumbo.yaml', '--format', 'nm-keyfiles', '-o', "
    "__import__('tempfile').mkdtemp() + '/nm'])",
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
    ROOT / "tui/wizard" / f"{name}.py"
    for name in ("draft", "steps", "disks", "glyphs", "networks", "outcome", "prefill", "confirmation")]


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
            assert not any(name == f or name.startswith(f + ".") for f in SCREEN_FORBIDDEN), (f"{path.name} imports "
                                                                                              f"{name}")


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
            "print('loaded=' + ','.join(m for m in ('pyroute2', 'kubernetes', 'screens.form', 'screens.nics',\n"
            "      'screens.networks', 'screens.flow',\n"
            "      'textual.widgets._data_table', 'textual.widgets._text_area', 'textual.widgets._rich_log',\n"
            "      'textual.widgets._footer') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "loaded="


# --- the direction of dependencies, over every import (module-level and function-local) ---

PACKAGES = ("tui", "screens")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports anywhere in its body (a function-local import too)."""
    files = {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        package = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
                names = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:  # `import a.b.c` loads a and a.b too; the target is the deepest project module
                while name and name not in files:
                    name = name.rpartition(".")[0]
                if name and name != mod:
                    targets.add(name)
        graph[mod] = targets
    return graph


GRAPH = _import_graph()


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


# (importer package, packages it must never import, allowed exceptions as (importer, imported))
DIRECTION_RULES = [
    ("tui.model", ("tui.render", "tui.net", "tui.kube", "tui.commands", "tui.wizard", "tui.runner", "tui.importers",
                   "tui.cli", "tui.files", "screens"),
     set()),
    ("tui.render", ("tui.net", "tui.kube", "tui.commands", "tui.wizard", "tui.runner", "tui.importers", "tui.cli",
                    "tui.files", "screens"), set()),
    ("tui.kube", ("tui.commands", "tui.wizard", "tui.cli", "screens"), set()),
    ("tui.net", ("tui.commands", "tui.wizard", "tui.cli", "screens"), set()),
    ("tui.runner", ("tui.commands", "tui.wizard", "tui.cli", "screens"), set()),
    ("tui.wizard", ("tui.commands", "tui.cli", "tui.runner", "screens"), set()),
    ("screens", ("tui.commands", "tui.cli", "tui.net", "tui.kube", "tui.runner"), set()),
]


@pytest.mark.parametrize("package, forbidden, allowed", DIRECTION_RULES, ids=[r[0] for r in DIRECTION_RULES])
def test_dependencies_point_one_way(package, forbidden, allowed):
    wrong = sorted((m, t) for m, targets in GRAPH.items() if _under(m, package)
                   for t in targets if _under(t, *forbidden) and (m, t) not in allowed)
    assert not wrong, wrong


def test_the_pure_checks_do_not_depend_on_the_renderer():
    assert not any(_under(t,
                          "tui.render") for t in GRAPH["tui.model.cluster_checks"]), GRAPH["tui.model.cluster_checks"]


# the modules every command may share; any other command module is an entry point of its own
SHARED_COMMAND_MODULES = {"tui.commands", "tui.commands.common", "tui.commands.host_session", "tui.commands.demo"}
COMMAND_DELEGATIONS = {("tui.commands.boot", "tui.commands.run")}  # `boot` is `run` with the kernel command line


def test_a_command_never_imports_another_command():
    wrong = sorted((m, t) for m, targets in GRAPH.items() if _under(m, "tui.commands") for t in targets
                   if _under(t, "tui.commands") and t not in SHARED_COMMAND_MODULES
                   and (m, t) not in COMMAND_DELEGATIONS)
    assert not wrong, wrong


def test_production_code_never_imports_the_simulated_api():
    """The fake cluster (tui/kube/simulated_*.py) serves the demo (tui/commands/demo.py starts it) and
    the tests; nothing else loads it."""
    fake = {m for m in GRAPH if m.startswith("tui.kube.simulated_")}
    assert "tui.kube.simulated_api" in fake
    allowed = fake | {"tui.commands.demo"}
    wrong = sorted((m, t) for m, targets in GRAPH.items() if m not in allowed for t in targets if t in fake)
    assert not wrong, wrong


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


ALLOWED_CYCLES: list[list[str]] = []  # none: a cycle hidden by a function-local import is still a cycle


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"a"}}, []),
])
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycles(graph) == expected


def test_no_import_cycles_even_through_function_local_imports():
    assert [c for c in _cycles(GRAPH) if c not in ALLOWED_CYCLES] == []


# --- Harvester's interface names have one home: tui/model/ifnames.py ---

NAME_LITERAL = re.compile(r"mgmt-b[or]\b|harvester-br0|^-b[or]\b")  # "<cn>-br" is f"{cn}" + "-br"
NAME_PACKAGES = ["tui/model", "tui/render", "tui/kube", "tui/commands", "tui/runner"]
NAME_EXEMPT = {ROOT / "tui/model/ifnames.py",
               # being redefined (issue 14 item 1); the simulated API server is a fake cluster with its own data
               ROOT / "tui/model/profile.py", ROOT / "tui/kube/simulated_api.py"}


def _code_strings(tree):
    """String constants in code (docstrings left out), f-string pieces included."""
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings:
            yield n.value


@pytest.mark.parametrize("path", [p for pkg in NAME_PACKAGES for p in sorted((ROOT / pkg).glob("*.py"))
                                  if p not in NAME_EXEMPT], ids=str)
def test_interface_names_are_spelled_in_one_place(path):
    for text in _code_strings(ast.parse(path.read_text())):
        assert not NAME_LITERAL.search(text), f"{path.name}: {text!r} (use tui.model.ifnames)"


@pytest.mark.parametrize("text, found", [("mgmt-bo", True), ("x is in mgmt-br.5", True), ("-br", True),
                                         ("-bo' must fit", True), ("harvester-br0", True), ("-both", False),
                                         ("mgmt", False), ("a-br", False)])
def test_the_name_finder(text, found):
    assert bool(NAME_LITERAL.search(text)) is found


def _stderr_printers(tree):
    """Functions whose whole body prints to stderr, and print() calls of a problem's line()."""
    for n in ast.walk(tree):
        if isinstance(n, ast.FunctionDef) and len(n.body) == 1 and isinstance(n.body[0], ast.Expr):
            call = n.body[0].value
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "print" and any(
                    k.arg == "file" and ast.unparse(k.value) == "sys.stderr" for k in call.keywords):
                yield f"def {n.name}"
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print" and n.args and isinstance(
                n.args[0], ast.Call) and getattr(n.args[0].func, "attr", None) == "line":
            yield f"print({ast.unparse(n.args[0])})"


@pytest.mark.parametrize("path", [p for p in sorted((ROOT / "tui/commands").glob("*.py")) if p.name != "common.py"],
                         ids=str)
def test_commands_print_through_the_common_helpers(path):
    """``say`` (a line on stderr) and ``print_problems`` live in tui/commands/common.py only."""
    assert list(_stderr_printers(ast.parse(path.read_text()))) == []
