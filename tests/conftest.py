"""Shared fixtures: one full build of the shipped content per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from relapse_handouts import BuildResult, build
from relapse_handouts.formats import EDITIONS
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


@pytest.fixture(scope="session")
def desk_project(tmp_path_factory) -> Path:
    """The shipped source with a few outputs built, for the nurse desk's tests:
    the CNS handout in English, French and Arabic (every printed edition on Letter, EPUB,
    web page; no read-aloud editions, which need the speech tools and take longest)."""
    project = make_project(tmp_path_factory.mktemp("desk"), "real")
    printed = tuple(e for e in EDITIONS if e != "audio")
    build(
        config_for(
            project,
            variants=("cns",),
            locales=("en-CA", "fr-CA", "ar"),
            formats=("pdf", "epub", "html"),
            papers=("letter",),
            editions=printed,
        )
    )
    return project


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "slow: takes minutes (checker sweeps over every built file); CI runs it"
    )
