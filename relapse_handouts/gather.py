"""Gather once (MkDocs' ``build``: gather all data, then write): load, plan, translate
and resolve, returning one frozen value that every later step reads.

``build``, ``check``, the catalog, ``personalize`` and the render workers all use the
``Gathered`` value; none of them loads, translates or resolves the source again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .approvals import (
    ApprovalStatus,
    Signoff,
    approval_statuses,
    load_approvals,
    release_errors,
)
from .config import BuildConfig
from .errors import ErrorCollector, HandoutError
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
        approvals: the review status of each handout in the source locale and in each
            locale of ``projects`` (``approvals.status_for``).
    """

    project: Project
    projects: Mapping[str, Project]
    plan: tuple[OutputSpec, ...]
    specs: tuple[OutputSpec, ...]
    documents: Mapping[DocumentKey, ResolvedHandout]
    warnings: tuple[HandoutError, ...]
    approvals: Mapping[tuple[str, str], ApprovalStatus] = field(default_factory=dict)

    @property
    def locales(self) -> tuple[str, ...]:
        """The selected locales, in the order of ``site.yaml``."""
        return tuple(dict.fromkeys(spec.locale for spec in self.specs))

    def variant(self, variant_id: str) -> Variant:
        return next(v for v in self.project.variants if v.id == variant_id)


def gather(
    config: BuildConfig,
    also_translate: Iterable[str] = (),
    read: YamlReader = read_yaml,
    today: dt.date | None = None,
) -> Gathered:
    """Load, validate, plan, translate and resolve; every content error surfaces here,
    all of them at once per stage, before anything is rendered or written. ``read`` reads
    each source file (the author preview passes a ``YamlCache``: unchanged files stay parsed).
    ``today`` (default: the real date) decides which reviews are due or overdue."""
    # Load and validate every source file; stop here on any schema or reference error.
    project = load_project(config, read)
    # Plan the whole matrix (refusing two outputs to one path), then the selected part.
    plan = plan_outputs(project, config.unfiltered())
    specs = plan_outputs(project, config)
    locales = tuple(dict.fromkeys(spec.locale for spec in specs))
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
    # Each handout x locale against its approval: signed, draft, or changed since signed.
    statuses = _approval_statuses(config, project, projects, today or dt.date.today(), read)
    # Release builds refuse anything not signed as it is now, and overdue reviews.
    _check_release(config, project, specs, statuses)
    # Resolve each selected document once, so content errors surface before rendering.
    documents = _resolve_documents(projects, specs, statuses)
    return Gathered(project, projects, plan, specs, documents, warnings, statuses)


def _approval_statuses(
    config: BuildConfig,
    project: Project,
    projects: Mapping[str, Project],
    today: dt.date,
    read: YamlReader,
) -> dict[tuple[str, str], ApprovalStatus]:
    errors = ErrorCollector()
    approvals = load_approvals(config.source_dir, project, errors, read)
    errors.raise_if_any()
    return approval_statuses(project, projects, approvals, config.source_dir, today)


def _check_release(
    config: BuildConfig,
    project: Project,
    specs: tuple[OutputSpec, ...],
    statuses: Mapping[tuple[str, str], ApprovalStatus],
) -> None:
    """A release ships only text a named reviewer signed as it is now (the content in
    the source locale, always, and each translation built), within its review date."""
    if not config.release:
        return
    source = project.site.source_locale
    wanted = [
        pair
        for spec in specs
        for pair in ((spec.handout_id, source), (spec.handout_id, spec.locale))
    ]
    errors = ErrorCollector()
    for problem in release_errors(statuses, wanted):
        errors.extend(problem)
    errors.raise_if_any()


def _resolve_documents(
    projects: Mapping[str, Project],
    specs: tuple[OutputSpec, ...],
    statuses: Mapping[tuple[str, str], ApprovalStatus],
) -> dict[DocumentKey, ResolvedHandout]:
    errors = ErrorCollector()
    documents = {}
    for key in dict.fromkeys(spec.document_key for spec in specs):
        handout_id, variant_id, locale = key
        project = projects[locale]
        handout = next(h for h in project.handouts if h.id == handout_id)
        variant = next(v for v in project.variants if v.id == variant_id)
        try:
            resolved = resolve_handout(project, handout, variant, locale)
            documents[key] = replace(resolved, signoff=_signoff(project, statuses, key))
        except HandoutError as error:
            errors.extend(error)
    errors.raise_if_any()
    return documents


def _signoff(
    project: Project, statuses: Mapping[tuple[str, str], ApprovalStatus], key: DocumentKey
) -> Signoff:
    handout_id, _variant, locale = key
    source = project.site.source_locale
    translation = statuses[handout_id, locale] if locale != source else None
    return Signoff(statuses[handout_id, source], translation)
