"""The code base stays formatted, lint-clean and type-checked (ruff and mypy, configured
in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from tests.base import REPO


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, timeout=600
    )


def test_ruff_format_and_lint_are_clean():
    formatted = run("ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = run("ruff", "check", ".")
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_mypy_finds_no_type_errors():
    checked = run("mypy")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found" in checked.stdout


def test_every_imported_library_is_a_declared_dependency():
    """Each third-party module the package imports comes from a distribution listed in
    pyproject.toml's runtime dependencies (a fresh 'pip install .' can run it)."""
    import ast
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normal(re.split(r"[<>=!~;\[ ]", line)[0]) for line in project["dependencies"]}
    modules = set()
    for path in (REPO / "relapse_handouts").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    distributions = importlib.metadata.packages_distributions()
    undeclared = {
        module: distributions.get(module)
        for module in modules - set(sys.stdlib_module_names) - {"relapse_handouts"}
        if not {_normal(name) for name in distributions.get(module, [module])} & declared
    }
    assert undeclared == {}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-")


# The house rule (issue 21): modules under ~400 lines, functions under ~40. No allow-list:
# a piece that grows past them is split by meaning (a helper, or a module of its own).
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 40


def _package_modules() -> list:
    return sorted((REPO / "relapse_handouts").rglob("*.py"))


def test_every_module_is_under_400_lines():
    long = {
        str(path.relative_to(REPO)): lines
        for path in _package_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert _package_modules() and long == {}


def test_every_function_is_under_40_lines():
    """Counted from ``def`` to its last line (docstring and decorators' body included,
    decorators themselves not), for functions, methods and nested functions alike."""
    import ast

    long = {}
    for path in _package_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(REPO)}:{node.lineno} {node.name}"] = lines
    assert long == {}


def test_the_package_has_no_import_cycle():
    """Module-level imports inside the package form no cycle (imports inside functions, made
    late on purpose, and TYPE_CHECKING blocks do not count): a module can be read, and
    moved, without the ones that import it."""
    import ast
    import graphlib

    package = REPO / "relapse_handouts"
    names = {_module_name(path): path for path in _package_modules()}
    graph = {}
    for name, path in names.items():
        folder = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join(folder.split(".")[: len(folder.split(".")) - node.level + 1])
                # "from . import views" imports the module views, not its package
                module = f"{base}.{node.module}" if node.module else base
                imported |= {f"{module}.{alias.name}" for alias in node.names}
                imported |= {module} if node.module else set()
        graph[name] = {module for module in imported if module in names and module != name}
    assert package.is_dir() and len(graph) > 50
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the cycle


def _module_name(path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_each_test_left_to_ci_names_a_test_the_default_run_keeps():
    """``only_in_ci(<a test name>)`` (tests/base.py) names the cheaper test that covers the
    property in the default run: it must exist, so a renamed one is noticed."""
    import re

    sources = {path: path.read_text(encoding="utf-8") for path in (REPO / "tests").glob("*.py")}
    defined = {name for text in sources.values() for name in re.findall(r"def (test_\w+)", text)}
    named = {
        (path.name, name)
        for path, text in sources.items()
        for name in re.findall(r'only_in_ci\(\s*"(\w+)"', text)
    }
    assert len(named) >= 5
    assert [(module, name) for module, name in named if name not in defined] == []


def test_test_modules_never_import_each_other():
    """Shared test code lives in helper modules (tests/base.py, tests/printed.py), so a
    test module can be read, run and moved alone."""
    import re

    imports = {
        path.name: re.findall(r"^\s*(?:from|import) tests\.(test_\w+)", path.read_text(), re.M)
        for path in (REPO / "tests").glob("*.py")
    }
    assert {name: found for name, found in imports.items() if found} == {}
