"""The whole build, top to bottom: source -> model -> plan -> artifacts -> output/."""
from __future__ import annotations

from dataclasses import dataclass

from .config import BuildConfig
from .errors import ErrorCollector, HandoutError, Location
from .load import load_project
from .model import Project
from .plan import OutputSpec, plan_outputs
from .publish import Manifest, publish
from .render import Artifact, render_outputs
from .resolve import resolve_handout

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
    # Resolve each variant and locale once, so content errors surface before rendering.
    _resolve_documents(project, specs)
    # Render everything in memory (in parallel); nothing in output/ is touched yet.
    artifacts = render_outputs(config, project, specs)
    # Renderer warnings are reported, and are failures in --strict mode.
    warnings = _renderer_warnings(artifacts)
    if config.strict and warnings:
        raise_all(warnings)
    # Write each file atomically, then the manifest.
    manifest = publish(config.output_dir, artifacts)
    return BuildResult(manifest, artifacts, warnings)


def check(config: BuildConfig) -> Project:
    """Validate the source and every variant x locale without rendering anything."""
    project = load_project(config)
    _resolve_documents(project, plan_outputs(project, config))
    return project


def _resolve_documents(project: Project, specs: tuple[OutputSpec, ...]) -> None:
    errors = ErrorCollector()
    handouts = {handout.id: handout for handout in project.handouts}
    variants = {variant.id: variant for variant in project.variants}
    for key in sorted({spec.document_key for spec in specs}):
        handout_id, variant_id, locale = key
        try:
            resolve_handout(project, handouts[handout_id], variants[variant_id], locale)
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
