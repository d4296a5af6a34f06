"""Test helpers (after MkDocs' tests/base.py): tiny projects, CLI runs, PDF reading."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from relapse_handouts import BuildConfig, main

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"


def make_project(tmp_path: Path, root: str = "minimal") -> Path:
    """A project in ``tmp_path``: source/ from ``tests/roots/<root>`` (or the real one for
    ``root='real'``), with the real layouts/ and styles/."""
    project = tmp_path / "project"
    source = REPO / "source" if root == "real" else ROOTS / root / "source"
    shutil.copytree(source, project / "source")
    for name in ("layouts", "styles"):
        shutil.copytree(REPO / name, project / name)
    return project


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    """Load a YAML file, let ``change`` modify the data, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def config_for(project: Path, **options) -> BuildConfig:
    return BuildConfig.for_project(project, **options)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], out=out, err=err)
    return CliResult(code, out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``folder`` with its modification time and bytes."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
