"""Shared fixtures: the shipped content built once per test session (once per run, too,
when pytest-xdist spreads the tests over several processes), and a guard that fails any
test during which the renderer (WeasyPrint) logged a warning."""

from __future__ import annotations

import fcntl
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pytest

from relapse_handouts import BuildResult, build
from relapse_handouts.formats import EDITIONS, OUTPUTS
from tests.base import CHROMIUM, DESK_SHOTS, config_for, local_smtp, make_client, make_project

# Locales of the quick default build besides the source: every script and direction.
OTHER_LOCALES = ("fr-CA", "es", "zh-Hans", "ar", "pa")
# Formats and editions of the quick build: what is read, not heard.
QUICK_FORMATS = ("pdf", "epub", "html")
PRINTED = tuple(entry.edition for entry in OUTPUTS if entry.format == "pdf")
Made = TypeVar("Made")

# Each test process rewrites the asserts of every test module it imports (pytest), about
# 40 % of its start-up, and keeps the result only as bytecode: cache it even where the
# environment asks Python not to write bytecode (PYTHONDONTWRITEBYTECODE; git ignores it).
sys.dont_write_bytecode = False


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: two test processes per core. About half of a test's time is waiting
    (for Chromium, a desk or preview server, Java, a subprocess, a deadline), so with one
    process per core the cores were idle half the run (benchmarks/RESULTS.md).
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` (a number) still overrides it."""
    chosen = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "")
    return int(chosen) if chosen.isdigit() else 2 * (os.cpu_count() or 1)


def made_once(factory, name: str, make: Callable[[Path], Made]) -> Made:
    """``make(folder)``, run once per test run. Alone, in a new temporary folder. Under
    pytest-xdist, the first worker to ask makes it in the run's shared temporary folder
    while holding a lock, and keeps its (pickled) result there; the others wait for the
    lock and read that result, so a session build is not rendered once per worker."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(factory.mktemp(name))
    shared = factory.getbasetemp().parent / f"made-once-{name}"
    shared.mkdir(exist_ok=True)
    saved = shared / "result.pickle"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if saved.exists():
            return pickle.loads(saved.read_bytes())
        folder = shared / "made"
        shutil.rmtree(folder, ignore_errors=True)  # a worker that failed making it
        folder.mkdir()
        result = make(folder)
        (shared / "result.tmp").write_bytes(pickle.dumps(result))
        (shared / "result.tmp").rename(saved)
        return result


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> tuple[Path, BuildResult]:
    """The shipped source, built as filtered builds into one output folder (``QUICK_BUILDS``).
    The read-aloud outputs of the real content are left to ``full_build``
    (tests/test_audio*.py use a tiny root). (output folder, result of them all)"""
    return made_once(tmp_path_factory, "real", _real_build)


# The quick build, on Letter: every variant in English in every print edition, EPUB and web
# page; the general and CNS handouts in the other locales (standard PDF, EPUB, web page).
# On A4 too: the general handout (every print edition in English, the standard one in
# the other locales) and the English CAR-T summary (its flow chart is the widest picture).
# The whole matrix (every variant on both papers everywhere) is ``full_build``'s.
QUICK_BUILDS: tuple[dict, ...] = (
    dict(locales=("en-CA",), formats=QUICK_FORMATS, editions=PRINTED, papers=("letter",)),
    dict(
        locales=OTHER_LOCALES,
        variants=("general", "cns"),
        formats=QUICK_FORMATS,
        editions=("standard",),
        papers=("letter",),
    ),
    dict(locales=("en-CA",), variants=("general",), formats=("pdf",), papers=("a4",)),
    dict(
        locales=("en-CA",),
        variants=("car-t",),
        formats=("pdf",),
        editions=("summary",),
        papers=("a4",),
    ),
    dict(
        locales=OTHER_LOCALES,
        variants=("general",),
        formats=("pdf",),
        editions=("standard",),
        papers=("a4",),
    ),
)


def _real_build(folder: Path) -> tuple[Path, BuildResult]:
    project = make_project(folder, "real")
    results = [build(config_for(project, jobs=2, **chosen)) for chosen in QUICK_BUILDS]
    result = replace(
        results[-1],
        built=tuple(artifact for done in results for artifact in done.built),
        warnings=tuple(warning for done in results for warning in done.warnings),
    )
    assert result.warnings == ()
    return project / "output", result


@pytest.fixture(scope="session")
def full_build(real_build, tmp_path_factory) -> tuple[Path, BuildResult]:
    """The whole matrix (every variant, locale, format, edition and paper), for the slow
    validator sweeps: a copy of ``real_build``'s project completed by a plain build."""
    output, _ = real_build

    def complete(folder: Path) -> tuple[Path, BuildResult]:
        project = folder / "project"
        shutil.copytree(output.parent, project, symlinks=True)
        result = build(config_for(project, jobs=2))
        assert result.warnings == ()
        return project / "output", result

    return made_once(tmp_path_factory, "full", complete)


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory) -> tuple[Path, BuildResult]:
    def made(folder: Path) -> tuple[Path, BuildResult]:
        project = make_project(folder)
        return project / "output", build(config_for(project, jobs=1))

    return made_once(tmp_path_factory, "tiny", made)


class _RendererLog(logging.Handler):
    """Records WeasyPrint's warnings in a file, so that those of forked worker processes
    are seen too (after WeasyPrint's own test suite, which fails on any unexpected log)."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.WARNING)
        self.path = path

    def emit(self, record: logging.LogRecord) -> None:
        with self.path.open("a", encoding="utf-8") as log:
            log.write(f"{record.name}: {record.getMessage()}\n")


@pytest.fixture(scope="session", autouse=True)
def renderer_log(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("renderer-log") / "warnings.txt"
    path.touch()
    handler = _RendererLog(path)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield path
    logger.removeHandler(handler)


@pytest.fixture(autouse=True)
def no_renderer_warnings(request, renderer_log):
    """Fails the test if the renderer logged a warning while it ran (session builds it
    started included), unless it is marked ``renderer_warnings`` (it provokes them)."""
    start = renderer_log.stat().st_size
    yield
    with renderer_log.open(encoding="utf-8") as log:
        log.seek(start)
        logged = log.read()
    if logged and request.node.get_closest_marker("renderer_warnings") is None:
        pytest.fail(f"unexpected renderer warnings:\n{logged}", pytrace=False)


@pytest.fixture(scope="session")
def desk_project(tmp_path_factory) -> Path:
    """The shipped source with a few outputs built, for the nurse desk's tests:
    the CNS handout in English, French and Arabic (every printed edition on Letter, EPUB,
    web page; no read-aloud editions, which need the speech tools and take longest)."""
    return made_once(tmp_path_factory, "desk", _desk_project)


def _desk_project(folder: Path) -> Path:
    project = make_project(folder, "real")
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


@pytest.fixture(scope="module")
def state(desk_project):
    """The nurse desk's state over ``desk_project``, once per test module."""
    from relapse_handouts.desk import DeskState

    return DeskState(config_for(desk_project))


@pytest.fixture
def client(state):
    """A Flask test client of the nurse desk with default settings."""
    return make_client(state)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, once per test module."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium")
    with playwright_api.sync_playwright() as driver:
        # The nurse's fonts, not the build's: a build in this process pointed
        # FONTCONFIG_FILE at the project's few font files (fonts.py).
        env = {name: value for name, value in os.environ.items() if name != "FONTCONFIG_FILE"}
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], env=env)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    """Screenshots of the desk's pages, kept in tests/artifacts/desk/ (git-ignored)."""
    DESK_SHOTS.mkdir(parents=True, exist_ok=True)
    return DESK_SHOTS


@pytest.fixture
def smtp(monkeypatch):
    """A local mail server that the desk and ``email --send`` send to; its inbox."""
    with local_smtp() as (inbox, env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield inbox
