"""The whole build, top to bottom: source -> model -> plan -> artifacts -> output/.

The content and rendering stages are imported inside ``build`` on purpose: a build that
finds nothing changed returns before loading them (and never imports WeasyPrint).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import BuildConfig
from .errors import ErrorCollector, HandoutError, Location
from .incremental import STATE_NAME, BuildState, Fingerprint, fingerprint, load_state

if TYPE_CHECKING:
    from .model import Project
    from .plan import OutputSpec
    from .publish import Manifest
    from .quality import QualityReport
    from .render import Artifact
    from .resolve import ResolvedHandout

__all__ = ["BuildResult", "build", "check"]


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest | None
    built: tuple[Artifact, ...]
    warnings: tuple[HandoutError, ...]
    up_to_date: int = 0
    removed: tuple[str, ...] = ()
    seconds: float = 0.0
    planned: int = field(default=0)


def build(
    config: BuildConfig,
    force: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[Artifact], None] | None = None,
) -> BuildResult:
    """Build what changed (everything with ``force``); raise before writing on any error.
    One build at a time per output folder; what a crashed build left is cleaned first."""
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
    # Fingerprint every input; if nothing changed since the last build, stop here.
    prints, state = fingerprint(config), load_state(config.output_dir)
    if not force and state.is_current(prints, config):
        return BuildResult(None, (), (), len(state.outputs), seconds=_since(started))
    from .publish import publish
    from .render import render_outputs

    # Load, validate, plan, translate and resolve: every content error surfaces here.
    project, projects, specs, warnings, _ = _prepare(config)
    # Choose what to render: outputs whose inputs or files changed since the last build.
    keys = {spec: prints.output_key(spec.as_record(), project.site.source_locale) for spec in specs}
    todo = tuple(
        spec for spec in specs if force or not _current(state, spec, keys[spec], config.output_dir)
    )
    removed = _removed_outputs(state, specs, config)
    # Render in memory (in parallel); nothing in output/ is touched yet.
    if on_start:
        on_start(len(todo))
    artifacts = render_outputs(config, projects, todo, on_done)
    # Every PDF must stay small enough to email; fail the build when one is over budget.
    _check_budgets(project, artifacts)
    # Warnings (stale translations, the renderer's) are reported; --strict fails on them.
    warnings += _renderer_warnings(artifacts)
    if config.strict and warnings:
        raise_all(warnings)
    # Write each file atomically, remove outputs no longer in the source, then the manifest.
    manifest = publish(config.output_dir, artifacts, removed)
    # The catalog page for nurses lists everything now in output/.
    _write_catalog(config, project, manifest)
    _save_state(config, prints, state, project.site.source_locale, keys, removed)
    return BuildResult(
        manifest, artifacts, warnings, len(specs) - len(todo), removed, _since(started), len(specs)
    )


def check(
    config: BuildConfig, today: dt.date | None = None
) -> tuple[Project, tuple[HandoutError, ...], tuple[QualityReport, ...]]:
    """Validate the source, translations and every variant x locale without rendering,
    then score each handout against the content quality gates."""
    from .quality import assess

    project, _, _, warnings, documents = _prepare(config)
    site = project.site
    reports = tuple(
        assess(
            resolved, site.readability, site.medical_terms, today or dt.date.today(), config.release
        )
        for resolved in documents.values()
    )
    return project, warnings, reports


def _prepare(config: BuildConfig):  # type: ignore[no-untyped-def]
    from .load import load_project
    from .plan import plan_outputs
    from .translate import translate_all

    # Load and validate every source file; stop here on any schema or reference error.
    project = load_project(config)
    # Plan the outputs and refuse two outputs to one path.
    specs = plan_outputs(project, config)
    # Translate the content model into each locale: missing units stop the build.
    projects, warnings = translate_all(project, config.source_dir, config.root, _locales(specs))
    # Release builds refuse draft translations.
    _check_release(config, project, specs)
    # Resolve each variant and locale once, so content errors surface before rendering.
    documents = _resolve_documents(projects, specs)
    return project, projects, specs, warnings, documents


def _write_catalog(config: BuildConfig, project: Project, manifest: Manifest) -> None:
    from .catalog import write_catalog
    from .translate import translate_all

    listed = tuple(
        locale
        for locale in project.site.locales
        if any(entry["locale"] == locale for entry in manifest.entries)
    )
    projects, _ = translate_all(project, config.source_dir, config.root, listed)
    write_catalog(config, projects, manifest)


def _since(started: float) -> float:
    return time.perf_counter() - started


def _current(state: BuildState, spec: OutputSpec, key: str, output_dir: Path) -> bool:
    record = state.outputs.get(spec.path.as_posix())
    return bool(
        record
        and record["key"] == key
        and state.file_is_current(output_dir, spec.path.as_posix(), record)
    )


def _removed_outputs(
    state: BuildState, specs: tuple[OutputSpec, ...], config: BuildConfig
) -> tuple[str, ...]:
    """Outputs of earlier builds that the full source no longer plans (only on full builds,
    and only files this tool wrote itself)."""
    if (
        config.variants
        or config.locales
        or tuple(config.formats) != ("pdf", "epub", "html")
        or len(config.papers) < 2
        or len(config.editions) < 3
    ):
        return ()
    planned = {spec.path.as_posix() for spec in specs}
    return tuple(sorted(path for path in state.outputs if path not in planned))


def _save_state(
    config: BuildConfig,
    prints: Fingerprint,
    state: BuildState,
    source_locale: str,
    keys: dict,
    removed: tuple[str, ...],
) -> None:
    from .files import atomic_write

    outputs = {path: record for path, record in state.outputs.items() if path not in removed}
    # Every planned output was either rendered now or found current: record them all.
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
    new_state = BuildState(prints.plan_digest(config), source_locale, outputs, prints.catalog_key())
    atomic_write(config.output_dir / STATE_NAME, new_state.to_json().encode("utf-8"))


def _locales(specs: tuple[OutputSpec, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(spec.locale for spec in specs))


def _check_release(config: BuildConfig, project: Project, specs: tuple[OutputSpec, ...]) -> None:
    if not config.release:
        return
    errors = ErrorCollector()
    for locale in _locales(specs):
        if project.site.locales[locale].review.status != "reviewed":
            errors.add(
                f"locale {locale} is a draft translation",
                Location(Path("source/site.yaml")),
                field=f"locales.{locale}.review",
                hint="a release needs a qualified reviewer's sign-off (status: "
                "reviewed, reviewer, date), or leave the locale out with --locale",
            )
    errors.raise_if_any()


def _resolve_documents(
    projects: dict[str, Project], specs: tuple[OutputSpec, ...]
) -> dict[tuple[str, str, str], ResolvedHandout]:
    from .resolve import resolve_handout

    errors = ErrorCollector()
    documents = {}
    for key in dict.fromkeys(spec.document_key for spec in specs):
        handout_id, variant_id, locale = key
        project = projects[locale]
        handout = next(h for h in project.handouts if h.id == handout_id)
        variant = next(v for v in project.variants if v.id == variant_id)
        try:
            documents[key] = resolve_handout(project, handout, variant, locale)
        except HandoutError as error:
            errors.extend(error)
    errors.raise_if_any()
    return documents


def _check_budgets(project: Project, artifacts: tuple[Artifact, ...]) -> None:
    from .i18n import is_latin_script

    budget = project.site.pdf_budget_kb
    errors = ErrorCollector()
    for artifact in artifacts:
        if artifact.spec.format != "pdf":
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
