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
