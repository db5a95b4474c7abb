"""The code's shape (docs/architecture.md): apps import in one direction, torch stays out of web processes,
no app reaches into another's views, and no function grows past 40 lines."""

import ast
import re
import tomllib
from pathlib import Path

import pytest

from aigva.tests.js_functions import js_function_lengths

ROOT = Path(__file__).resolve().parents[2]
APPS = ["projects", "videos", "labelling", "reviews", "prediction", "learning", "exports", "api"]
SITE = "aigva"  # the site: settings, URLs, launcher; it may import apps, apps import only its plain modules
MAX_LINES = 40
LATE_IMPORT_REASONS = ("torch", "app registry")


def _python_files(*folders: str, tests: bool = False) -> list[Path]:
    files = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    return [p for p in files if "migrations" not in p.parts and (tests or "tests" not in p.parts)]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[ast.stmt, str, bool]]:
    """(statement, module imported, inside a function) for each import of a module of ours."""
    tree = ast.parse(path.read_text())
    late = {id(node) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(fn) if isinstance(node, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [(node, name, id(node) in late) for name in names if name.split(".")[0] in [*APPS, SITE]]
    return found


def _graph() -> dict[str, set[str]]:
    files = _python_files(*APPS, SITE)
    modules = {_module(p) for p in files}
    return {_module(p): {name for _, name, _ in _imports(p) if name in modules} - {_module(p)} for p in files}


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle, or None (depth-first search for a back edge)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle_between_modules_lazy_imports_included():
    assert _cycle(_graph()) is None


def test_apps_import_each_other_in_one_direction():
    edges: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        app = module.split(".")[0]
        edges.setdefault(app, set()).update(t.split(".")[0] for t in targets if t.split(".")[0] != app)
    edges.pop(SITE)
    for targets in edges.values():
        targets.discard(SITE)
    assert _cycle(edges) is None
    assert edges["projects"] == set()  # the base every app builds on knows none of them


def test_apps_use_only_plain_modules_of_the_site():
    graph = _graph()
    used = {t for m, targets in graph.items() if m.split(".")[0] != SITE for t in targets if t.startswith(SITE)}
    assert not {m: graph[m] for m in used if graph[m]}, "a site module used by apps imports an app"


def test_no_app_imports_another_apps_views():
    wrong = [f"{_module(p)} -> {name}" for p in _python_files(*APPS, SITE, tests=True)
             for _, name, _ in _imports(p)
             if re.search(r"\.\w*views$", name) and ".tests." not in name
             and name.split(".")[0] != _module(p).split(".")[0] != SITE]
    assert wrong == []


def test_tests_take_helpers_from_factories_and_conftest_not_other_tests():
    borrowed = [f"{path.relative_to(ROOT)} -> {name}" for path in _python_files(*APPS, SITE, tests=True)
                for _, name, _ in _imports(path) if re.search(r"\.test_\w+$", name)]
    assert borrowed == []


def test_imports_inside_functions_only_keep_torch_out_or_wait_for_the_app_registry():
    unexplained = []
    for path in _python_files(*APPS, SITE):
        lines = path.read_text().splitlines()
        for node, name, late in _imports(path):
            comment = lines[node.lineno - 1].partition("#")[2]
            if late and not any(reason in comment for reason in LATE_IMPORT_REASONS):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert unexplained == []


def test_ml_imports_nothing_of_ours_outside_ml():
    assert all(name.startswith("prediction.ml") or name == "prediction"
               for p in _python_files("prediction/ml") for _, name, _ in _imports(p))


@pytest.mark.parametrize("folder", [*APPS, SITE, "bench", "scripts"])
def test_no_python_function_over_40_lines(folder):
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in _python_files(folder) for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_LINES]
    assert long == []


def test_no_javascript_function_over_40_lines():
    long = [f"{path.name}:{line} {head} ({length} lines)" for path in sorted((ROOT / "static/js").glob("*.js"))
            for line, length, head in js_function_lengths(path.read_text()) if length > MAX_LINES]
    assert long == []


def test_the_javascript_measure_sees_every_kind_of_function():
    source = """
    function a() {\n  const s = "}{";\n  return `${s}}`;\n}
    const b = async (x) => {\n  // } in a comment\n  return /[}]/.test(x);\n};
    class C {\n  method(y) {\n    if (y) {\n      return 1;\n    }\n  }\n}
    """
    assert [(length, head.split("(")[0].strip()) for _, length, head in js_function_lengths(source)] == [
        (4, "function a"), (4, "=> {"), (5, "method")]


def test_every_app_is_packaged_and_tested():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packaged = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {f"{app}*" for app in [*APPS, SITE]} <= set(packaged)
    assert {*APPS, SITE} <= set(config["tool"]["pytest"]["ini_options"]["testpaths"])
