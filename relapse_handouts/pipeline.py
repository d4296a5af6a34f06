"""The whole build, top to bottom: source -> model -> plan -> artifacts -> output/.

The content and rendering stages are imported inside ``build`` on purpose: a build that
finds nothing changed returns before loading them (and never imports WeasyPrint).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import BuildConfig
from .errors import ErrorCollector, HandoutError, Location
from .fonts import project_fonts, use_project_fonts
from .incremental import STATE_NAME, BuildState, Fingerprint, fingerprint, load_state

if TYPE_CHECKING:
    from .gather import Gathered
    from .model import Project
    from .plan import OutputSpec
    from .publish import Manifest
    from .quality import QualityReport
    from .render import Artifact

__all__ = ["BuildResult", "build", "check", "check_gathered"]


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest | None
    built: tuple[Artifact, ...]
    warnings: tuple[HandoutError, ...]
    up_to_date: int = 0
    removed: tuple[str, ...] = ()
    seconds: float = 0.0


def build(
    config: BuildConfig,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[Artifact], None] | None = None,
) -> BuildResult:
    """Build what changed (everything with ``force``); raise before writing on any error.
    Ends with every output the command line selects present and current. One build at a
    time per output folder; what a crashed build left is cleaned first."""
    from .files import output_lock
    from .publish import recover

    with output_lock(config.output_dir):
        recover(config.output_dir)
        return _build(config, force, on_start, on_done)


def _build(
    config: BuildConfig,
    force: bool,
    on_start: Callable[[int], None] | None,
    on_done: Callable[[Artifact], None] | None,
) -> BuildResult:
    started = time.perf_counter()
    # Fingerprint every input; if nothing selected changed since the last build, stop here
    # (never for --release: its sign-off checks must run on every release build).
    fonts = project_fonts(config)  # the files the styles' font families name, only those
    prints, state = fingerprint(config, fonts), load_state(config.output_dir)
    if not force and not config.release and state.is_current(prints, config):
        selected = sum(config.selects(spec) for spec in state.planned.values())
        return BuildResult(None, (), (), selected, seconds=_since(started))
    from .gather import gather
    from .render import render_outputs

    # Gather once: load, plan, translate and resolve (the catalog's locales too).
    listed = {record["spec"]["locale"] for record in state.outputs.values()}
    gathered = gather(config, also_translate=sorted(listed))
    # Recorded narration checked before anything is rendered.
    recordings = _recording_warnings(config, gathered)
    keys, todo, removed = _changes(config, force, prints, state, gathered)
    # Render in memory (in parallel) with exactly those fonts; nothing in output/ is touched.
    use_project_fonts(config, fonts)
    if on_start:
        on_start(len(todo))
    artifacts = render_outputs(config, gathered.documents, todo, on_done)
    # Every PDF must stay small enough to email; fail the build when one is over budget.
    _check_budgets(gathered.project, artifacts)
    # Warnings (stale translations and recordings, the renderer's) are reported; --strict
    # fails on them.
    warnings = gathered.warnings + recordings + _renderer_warnings(artifacts)
    if config.strict and warnings:
        raise_all(warnings)
    manifest = _write_outputs(config, gathered, artifacts, removed)
    _save_state(config, prints, state, gathered, keys, removed)
    return BuildResult(
        manifest, artifacts, warnings, len(gathered.specs) - len(todo), removed, _since(started)
    )


def _changes(
    config: BuildConfig, force: bool, prints: Fingerprint, state: BuildState, gathered: Gathered
) -> tuple[dict[OutputSpec, str], tuple[OutputSpec, ...], tuple[str, ...]]:
    """Each selected output's key; those to render (their inputs or files changed); the
    outputs of earlier builds that the source no longer plans, to remove."""
    source_locale = gathered.project.site.source_locale
    keys = {spec: prints.output_key(spec.as_record(), source_locale) for spec in gathered.specs}
    todo = tuple(
        spec
        for spec in gathered.specs
        if force or not state.is_written(config.output_dir, spec.path.as_posix(), keys[spec])
    )
    planned = {spec.path.as_posix() for spec in gathered.plan}
    removed = tuple(sorted(path for path in state.outputs if path not in planned))
    return keys, todo, removed


def _write_outputs(
    config: BuildConfig,
    gathered: Gathered,
    artifacts: tuple[Artifact, ...],
    removed: tuple[str, ...],
) -> Manifest:
    """Write each file atomically, remove outputs no longer in the source, then the
    manifest; archive a release; the catalog and the accessibility report list them."""
    from .publish import publish

    manifest = publish(config.output_dir, artifacts, removed)
    # A release keeps every file it released in the append-only archive.
    if config.release:
        _archive_release(config, gathered, manifest)
    # The catalog page for nurses lists everything now in output/.
    _write_catalog(config, gathered, manifest)
    # The accessibility report, from the checkers' cached results (`audit` runs them).
    _write_accessibility_report(config, manifest)
    return manifest


def check(
    config: BuildConfig, today: dt.date | None = None
) -> tuple[Project, tuple[HandoutError, ...], tuple[QualityReport, ...]]:
    """Validate the source, translations and every variant x locale without rendering,
    then score each handout against the content quality gates."""
    gathered, reports = check_gathered(config, today)
    return gathered.project, gathered.warnings, reports


def check_gathered(
    config: BuildConfig, today: dt.date | None = None
) -> tuple[Gathered, tuple[QualityReport, ...]]:
    """``check``, returning the gathered source (with its review statuses) too."""
    from .gather import gather
    from .quality import assess

    today = today or dt.date.today()
    gathered = gather(config, today=today)
    site = gathered.project.site
    reports = tuple(
        assess(resolved, site.readability, site.medical_terms, today, config.release)
        for resolved in gathered.documents.values()
    )
    return gathered, reports


def _recording_warnings(config: BuildConfig, gathered: Gathered) -> tuple[HandoutError, ...]:
    """Recorded narration of the selected locales: a stale recording warns (the computer
    voice reads that text); a broken entry, or a stale one in a release, is an error."""
    if not any(spec.output.renderer == "read-aloud" for spec in gathered.specs):
        return ()
    from .audio.recordings import check_recordings

    projects = {locale: gathered.projects[locale] for locale in gathered.locales}
    return check_recordings(projects, config.source_dir, config.release)


def _archive_release(config: BuildConfig, gathered: Gathered, manifest: Manifest) -> None:
    from .archive import archive_release

    archive_release(config.archive, config.output_dir, gathered, manifest, dt.date.today())


def _write_accessibility_report(config: BuildConfig, manifest: Manifest) -> None:
    from .audit import write_report

    write_report(config, manifest)


def _write_catalog(config: BuildConfig, gathered: Gathered, manifest: Manifest) -> None:
    from .catalog import write_catalog

    listed = {entry["locale"] for entry in manifest.entries}
    projects = {
        locale: project for locale, project in gathered.projects.items() if locale in listed
    }
    ordered = {
        locale: projects[locale] for locale in gathered.project.site.locales if locale in projects
    }
    write_catalog(config, ordered, manifest, gathered.approvals)


def _since(started: float) -> float:
    return time.perf_counter() - started


def _save_state(
    config: BuildConfig,
    prints: Fingerprint,
    state: BuildState,
    gathered: Gathered,
    keys: dict[OutputSpec, str],
    removed: tuple[str, ...],
) -> None:
    from .files import atomic_write

    outputs = {path: record for path, record in state.outputs.items() if path not in removed}
    # Every selected output was either rendered now or found current: record them all.
    for spec, key in keys.items():
        path = config.output_dir / spec.path
        if path.exists():
            stat = path.stat()
            outputs[spec.path.as_posix()] = {
                "spec": spec.as_record(),
                "key": key,
                "bytes": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
            }
    new_state = BuildState(
        prints.plan_digest(),
        gathered.project.site.source_locale,
        outputs,
        prints.catalog_key(),
        {spec.path.as_posix(): spec.as_record() for spec in gathered.plan},
    )
    atomic_write(config.output_dir / STATE_NAME, new_state.to_json().encode("utf-8"))


def _check_budgets(project: Project, artifacts: tuple[Artifact, ...]) -> None:
    from .i18n import is_latin_script

    budget = project.site.pdf_budget_kb
    errors = ErrorCollector()
    for artifact in artifacts:
        if artifact.spec.output.media_type != "application/pdf":
            continue
        limit = budget.latin if is_latin_script(artifact.spec.locale) else budget.other
        if len(artifact.data) > limit * 1024:
            errors.add(
                f"{len(artifact.data) // 1024} KB is over the {limit} KB budget for emailing",
                Location(artifact.spec.path),
                hint="remove images or fonts the handout does not need, or raise "
                "pdf_budget_kb in source/site.yaml if the growth is justified",
            )
    errors.raise_if_any()


def _renderer_warnings(artifacts: tuple[Artifact, ...]) -> tuple[HandoutError, ...]:
    return tuple(
        HandoutError(
            f"renderer: {message}",
            Location(artifact.spec.path),
            hint="fix the layout or style it names; --strict makes this fatal",
        )
        for artifact in artifacts
        for message in artifact.warnings
    )


def raise_all(errors: tuple[HandoutError, ...]) -> None:
    collector = ErrorCollector()
    for error in errors:
        collector.extend(error)
    collector.raise_if_any()
