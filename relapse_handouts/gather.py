"""Gather once (MkDocs' ``build``: gather all data, then write): load, plan, translate
and resolve, returning one frozen value that every later step reads.

``build``, ``check``, the catalog, ``personalize`` and the render workers all use the
``Gathered`` value; none of them loads, translates or resolves the source again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .config import BuildConfig
from .errors import ErrorCollector, HandoutError, Location
from .load import load_project
from .model import Project, Variant
from .plan import DocumentKey, OutputSpec, plan_outputs
from .resolve import ResolvedHandout, resolve_handout
from .translate import translate_all
from .yamlfile import YamlReader, read_yaml

__all__ = ["DocumentKey", "Gathered", "gather"]


@dataclass(frozen=True)
class Gathered:
    """Everything a build reads from ``source/``, read and checked once.

    Attributes:
        project: the validated source, in the source language.
        projects: the content model per locale (the selected locales, and any other
            ``also_translate`` asked for, e.g. locales the catalog lists).
        plan: every output the source plans, whatever the command line selected.
        specs: the outputs the command line selected, in plan order.
        documents: each selected handout x variant x locale, resolved.
        warnings: warnings of the selected locales (stale or obsolete translations).
    """

    project: Project
    projects: Mapping[str, Project]
    plan: tuple[OutputSpec, ...]
    specs: tuple[OutputSpec, ...]
    documents: Mapping[DocumentKey, ResolvedHandout]
    warnings: tuple[HandoutError, ...]

    @property
    def locales(self) -> tuple[str, ...]:
        """The selected locales, in the order of ``site.yaml``."""
        return tuple(dict.fromkeys(spec.locale for spec in self.specs))

    def variant(self, variant_id: str) -> Variant:
        return next(v for v in self.project.variants if v.id == variant_id)


def gather(
    config: BuildConfig, also_translate: Iterable[str] = (), read: YamlReader = read_yaml
) -> Gathered:
    """Load, validate, plan, translate and resolve; every content error surfaces here,
    all of them at once per stage, before anything is rendered or written. ``read`` reads
    each source file (the author preview passes a ``YamlCache``: unchanged files stay parsed)."""
    # Load and validate every source file; stop here on any schema or reference error.
    project = load_project(config, read)
    # Plan the whole matrix (refusing two outputs to one path), then the selected part.
    plan = plan_outputs(project, config.unfiltered())
    specs = plan_outputs(project, config)
    locales = tuple(dict.fromkeys(spec.locale for spec in specs))
    # Release builds refuse anything no named reviewer signed (English included).
    _check_release(config, project, locales)
    # Translate the content model into each locale once: missing units stop the build.
    projects, warnings = translate_all(project, config.source_dir, config.root, locales, read)
    others = tuple(
        locale
        for locale in dict.fromkeys(also_translate)
        if locale in project.site.locales and locale not in projects
    )
    if others:  # only listed (the catalog): their warnings belong to their own builds
        translated = translate_all(project, config.source_dir, config.root, others, read)[0]
        projects = {**projects, **translated}
    # Resolve each selected document once, so content errors surface before rendering.
    documents = _resolve_documents(projects, specs)
    return Gathered(project, projects, plan, specs, documents, warnings)


def _check_release(config: BuildConfig, project: Project, locales: tuple[str, ...]) -> None:
    """A release ships only what a named reviewer signed: the content (the source
    locale, always) and each translation built."""
    if not config.release:
        return
    errors = ErrorCollector()
    source = project.site.source_locale
    for locale in dict.fromkeys((source, *locales)):
        if project.site.locales[locale].review.signed:
            continue
        what = "the content" if locale == source else "a draft translation"
        errors.add(
            f"locale {locale} is {what}, not signed by a reviewer",
            Location(Path("source/site.yaml")),
            field=f"locales.{locale}.review",
            hint="a release needs a named reviewer's sign-off (status: reviewed, reviewer, "
            "role, date)" + ("" if locale == source else ", or leave the locale out with --locale"),
        )
    errors.raise_if_any()


def _resolve_documents(
    projects: Mapping[str, Project], specs: tuple[OutputSpec, ...]
) -> dict[DocumentKey, ResolvedHandout]:
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
