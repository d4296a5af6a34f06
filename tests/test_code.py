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
