"""The house keeps its shape: no import cycles, and lower rooms never import higher ones.

Imports are read with ``ast`` (module level and inside functions alike), so a lazy import that
would only fail at run time is caught here too. The layers (lowest first) are those of
ARCHITECTURE.md: a module may import its own layer and the layers below it.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("addin", "docgen", "workbook_templates", "macros")

# lowest first; the first matching prefix decides a module's layer
LAYERS: list[tuple[str, ...]] = [
    ("addin.core", "addin.infra", "addin.campaign"),
    ("addin.rules",),
    ("workbook_templates",),
    ("addin.checks", "addin.consolidate", "addin.contest"),
    ("docgen",),
    ("addin.usecases", "addin.demo"),
    ("addin.cli", "addin.excel", "addin.lite", "addin.buttons", "addin.udfs", "macros"),
]
FACES = LAYERS[-1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def imported(path: Path) -> set[str]:
    """Our own modules that ``path`` imports anywhere in its body."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (use absolute imports)")
    found = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


GRAPH = {m: imported(p) - {m} for m, p in MODULES.items()}


def layer(module: str) -> int:
    for i, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    if module in PACKAGES:  # package roots (empty __init__)
        return 0
    raise AssertionError(f"module {module} belongs to no layer: add its room to LAYERS")


def test_every_module_has_a_layer():
    for m in MODULES:
        layer(m)


def test_no_import_cycles():
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while (w := stack.pop()) != v:
                comp.append(w)
            if comp:
                cycles.append(sorted(comp + [v]))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


def test_lower_layers_never_import_higher_ones():
    upward = [f"{m} → {d}" for m, deps in GRAPH.items() for d in deps
              if layer(d) > layer(m) and not (m in PACKAGES)]
    assert upward == []


def test_domain_never_imports_a_face():
    faces = [m for m in MODULES if layer(m) == len(LAYERS) - 1]
    bad = [f"{m} → {d}" for m, deps in GRAPH.items() if layer(m) < len(LAYERS) - 1
           for d in deps if d in faces]
    assert bad == []


def test_no_private_name_is_imported_across_modules():
    crossing = []
    for m, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in MODULES and node.module != m:
                crossing += [f"{m} imports {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
    assert crossing == []


def test_the_layer_check_can_fail():
    assert layer("addin.core.normalize") < layer("addin.cli.main")
    assert layer("docgen.report") > layer("addin.consolidate.run")


def test_vocabularies_are_not_retyped_in_comparisons():
    """Submission and city statuses and the verified outcomes are compared through their one
    definition (model.SubmissionStatus / CityStatus, campaign.rewards.VERIFIED), never as retyped
    literals. The demo generator is exempt: its ground truth must not use the code it checks."""
    from addin.campaign.rewards import OUTCOMES
    from addin.consolidate.model import CityStatus, SubmissionStatus

    words = {*(s.value for s in SubmissionStatus), *(s.value for s in CityStatus), *OUTCOMES}
    homes = {"addin.consolidate.model", "addin.campaign.rewards"}
    retyped = []
    for m, path in MODULES.items():
        if m in homes or m.startswith("addin.demo"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Compare):
                for part in ast.walk(node):
                    if isinstance(part, ast.Constant) and part.value in words:
                        retyped.append(f"{m}:{node.lineno} {part.value}")
    assert retyped == []


def test_the_verified_outcomes_are_the_contracts_list():
    from addin.campaign.rewards import OUTCOMES
    from workbook_templates.contract import load_contract

    assert set(OUTCOMES) == set(load_contract().choice_lists["核查结果"])


# -- readable sizes (issue 14) ---------------------------------------------------------------
MAX_FUNCTION_LINES = 80
MAX_CLASS_LINES = 300
SIZED_PACKAGES = ("addin", "docgen", "workbook_templates")
REASON = "Long because"
# Functions being split on another branch, as "path: name"; an entry here must still be oversized,
# so it cannot outlive its fix: remove it when that branch lands. Empty: nothing is pending.
PENDING: set[str] = set()


def oversized(source: str, max_function: int = MAX_FUNCTION_LINES, max_class: int = MAX_CLASS_LINES) -> list[str]:
    """Functions over ``max_function`` lines and classes over ``max_class`` lines (decorators and
    docstring included) whose docstring does not say why ("Long because ...")."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            size = node.end_lineno - first + 1
            limit = max_class if isinstance(node, ast.ClassDef) else max_function
            if size > limit and REASON not in (ast.get_docstring(node) or ""):
                out.append(f"{node.name} ({size} lines)")
    return out


def test_no_function_or_class_is_too_long_without_a_stated_reason():
    found = []
    for pkg in SIZED_PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            found += [f"{path.relative_to(ROOT)}: {what}" for what in oversized(path.read_text("utf-8"))]
    pending = {f for f in found if f.split(" (")[0] in PENDING}
    stale = PENDING - {f.split(" (")[0] for f in pending}
    assert not stale, f"no longer over the limit, remove from PENDING: {sorted(stale)}"
    found = [f for f in found if f not in pending]
    assert not found, ("over the size limit without a docstring saying why (“Long because …”); split it along "
                       "the seams its comments mark:\n" + "\n".join(found))


def test_the_size_check_can_fail():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert oversized(f"def f():\n{body}\n") == [f"f ({MAX_FUNCTION_LINES + 1} lines)"]
    assert oversized(f'def f():\n    """Long because it must be."""\n{body}\n') == []
    assert oversized(f"def f():\n{body[:body.rindex(chr(10))]}\n") == []          # exactly 80 lines
    methods = "\n".join(f"    def m{i}(self):\n        return {i}\n" for i in range(MAX_CLASS_LINES // 3 + 1))
    assert oversized(f"class C:\n{methods}") == [f"C ({len(methods.splitlines()) + 1} lines)"]


# -- tests mirror the rooms ----------------------------------------------------------------------------
CROSS_CUTTING_TESTS = {"test_layout.py", "test_docs.py"}     # about the whole tree, not one room


def test_tests_mirror_the_rooms():
    """Each test module sits in a folder named after the room it tests (addin/<room>/, docgen/,
    workbook_templates/; cli for the command-line face, lite for the Lite edition), so a newcomer finds
    a behaviour's tests beside where its code lives. Shared fixtures and builders stay at tests/."""
    tests = ROOT / "tests"
    rooms = {p.name for p in (ROOT / "addin").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    rooms |= {"docgen", "workbook_templates"}
    assert sorted(p.name for p in tests.glob("test_*.py")) == sorted(CROSS_CUTTING_TESTS)
    folders = {p.parent.name for p in tests.glob("*/test_*.py")}
    assert folders <= rooms, f"test folders that name no room: {sorted(folders - rooms)}"
    assert not list(tests.glob("*/*/test_*.py")), "one level of room folders only"
