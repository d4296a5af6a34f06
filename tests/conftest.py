"""Shared fixtures: one full build of the shipped content per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from relapse_handouts import BuildResult, build
from tests.base import config_for, make_project


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> tuple[Path, BuildResult]:
    """The shipped source built in every format; (output folder, result)."""
    project = make_project(tmp_path_factory.mktemp("real"), "real")
    result = build(config_for(project, jobs=2))
    return project / "output", result


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory) -> tuple[Path, BuildResult]:
    project = make_project(tmp_path_factory.mktemp("tiny"))
    result = build(config_for(project, jobs=1))
    return project / "output", result
