"""The whole build, top to bottom: source -> model -> plan -> artifacts -> output/."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import BuildConfig
from .errors import ErrorCollector, HandoutError, Location
from .load import load_project
from .model import Project
from .plan import OutputSpec, plan_outputs
from .publish import Manifest, publish
from .render import Artifact, render_outputs
from .resolve import resolve_handout
from .translate import translate_all

__all__ = ["BuildResult", "build", "check"]


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest
    built: tuple[Artifact, ...]
    warnings: tuple[HandoutError, ...]


def build(config: BuildConfig) -> BuildResult:
    """Build every selected output; raise ``HandoutError`` before writing on any error."""
    # Load and validate every source file; stop here on any schema or reference error.
    project = load_project(config)
    # Plan the outputs and refuse two outputs to one path.
    specs = plan_outputs(project, config)
    # Translate the content model into each locale: missing units stop the build.
    projects, warnings = translate_all(project, config.source_dir, config.root,
                                       _locales(specs))
    # Release builds refuse draft translations and handouts past their review date.
    _check_release(config, project, specs)
    # Resolve each variant and locale once, so content errors surface before rendering.
    _resolve_documents(projects, specs)
    # Render everything in memory (in parallel); nothing in output/ is touched yet.
    artifacts = render_outputs(config, projects, specs)
    # Warnings (stale translations, the renderer's) are reported; --strict fails on them.
    warnings += _renderer_warnings(artifacts)
    if config.strict and warnings:
        raise_all(warnings)
    # Write each file atomically, then the manifest.
    manifest = publish(config.output_dir, artifacts)
    return BuildResult(manifest, artifacts, warnings)


def check(config: BuildConfig) -> tuple[Project, tuple[HandoutError, ...]]:
    """Validate the source, translations and every variant x locale without rendering."""
    project = load_project(config)
    specs = plan_outputs(project, config)
    projects, warnings = translate_all(project, config.source_dir, config.root,
                                       _locales(specs))
    _check_release(config, project, specs)
    _resolve_documents(projects, specs)
    return project, warnings


def _locales(specs: tuple[OutputSpec, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(spec.locale for spec in specs))


def _check_release(config: BuildConfig, project: Project, specs: tuple[OutputSpec, ...]) -> None:
    if not config.release:
        return
    errors = ErrorCollector()
    for locale in _locales(specs):
        if project.site.locales[locale].review.status != "reviewed":
            errors.add(f"locale {locale} is a draft translation",
                       Location(Path("source/site.yaml")), field=f"locales.{locale}.review",
                       hint="a release needs a qualified reviewer's sign-off (status: "
                            "reviewed, reviewer, date), or leave the locale out with --locale")
    errors.raise_if_any()


def _resolve_documents(projects: dict[str, Project], specs: tuple[OutputSpec, ...]) -> None:
    errors = ErrorCollector()
    for key in sorted({spec.document_key for spec in specs}):
        handout_id, variant_id, locale = key
        project = projects[locale]
        handout = next(h for h in project.handouts if h.id == handout_id)
        variant = next(v for v in project.variants if v.id == variant_id)
        try:
            resolve_handout(project, handout, variant, locale)
        except HandoutError as error:
            errors.extend(error)
    errors.raise_if_any()


def _renderer_warnings(artifacts: tuple[Artifact, ...]) -> tuple[HandoutError, ...]:
    return tuple(
        HandoutError(f"renderer: {message}", Location(artifact.spec.path),
                     hint="fix the layout or style it names; --strict makes this fatal")
        for artifact in artifacts for message in artifact.warnings)


def raise_all(errors: tuple[HandoutError, ...]) -> None:
    collector = ErrorCollector()
    for error in errors:
        collector.extend(error)
    collector.raise_if_any()
