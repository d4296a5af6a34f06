"""Stage: the build matrix. Every output the build will write, and where.

Refuses two outputs to one path (as Pelican's writer does) and filters the matrix by
the command line's variant, locale, format and paper choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from .config import BuildConfig
from .errors import ErrorCollector, Location
from .model import Project

__all__ = ["OutputSpec", "plan_outputs"]


@dataclass(frozen=True, order=True)
class OutputSpec:
    """One file to produce: which handout, variant, locale, format and paper size."""

    handout_id: str
    variant_id: str
    locale: str
    format: str
    paper: str | None
    path: PurePosixPath
    edition: str = "standard"  # PDFs: standard, large-print or booklet (a print file)

    @property
    def document_key(self) -> tuple[str, str, str]:
        return (self.handout_id, self.variant_id, self.locale)

    def as_record(self) -> dict[str, str | None]:
        """The spec as plain data (build state, manifest)."""
        return {
            "handout": self.handout_id,
            "variant": self.variant_id,
            "locale": self.locale,
            "format": self.format,
            "paper": self.paper,
            "path": self.path.as_posix(),
            "edition": self.edition,
        }


def plan_outputs(project: Project, config: BuildConfig) -> tuple[OutputSpec, ...]:
    """All outputs selected by ``config``, in a stable order; errors on clashes."""
    errors = ErrorCollector()
    _check_filters(project, config, errors)
    errors.raise_if_any()
    specs: list[OutputSpec] = []
    for handout in project.handouts:
        for variant in project.variants:
            if config.variants and variant.id not in config.variants:
                continue
            for locale in project.site.locales:
                if config.locales and locale not in config.locales:
                    continue
                specs += _document_outputs(
                    handout.id, variant.id, variant.slug, locale, project.site.papers, config
                )
    _refuse_clashes(specs, errors)
    errors.raise_if_any()
    return tuple(specs)


def _document_outputs(
    handout_id: str,
    variant_id: str,
    slug: str,
    locale: str,
    papers: tuple[str, ...],
    config: BuildConfig,
) -> list[OutputSpec]:
    folder = PurePosixPath(locale)
    specs = []
    if "pdf" in config.formats:
        for edition in config.editions:
            infix = "" if edition == "standard" else f".{edition}"
            specs += [
                OutputSpec(
                    handout_id,
                    variant_id,
                    locale,
                    "pdf",
                    paper,
                    folder / f"{slug}{infix}.{paper}.pdf",
                    edition,
                )
                for paper in papers
                if paper in config.papers
            ]
    if "epub" in config.formats:
        specs.append(
            OutputSpec(handout_id, variant_id, locale, "epub", None, folder / f"{slug}.epub")
        )
    if "html" in config.formats:
        specs.append(
            OutputSpec(handout_id, variant_id, locale, "html", None, folder / f"{slug}.html")
        )
    return specs


def _check_filters(project: Project, config: BuildConfig, errors: ErrorCollector) -> None:
    known = {"variant": {v.id for v in project.variants}, "locale": set(project.site.locales)}
    for kind, chosen in (("variant", config.variants), ("locale", config.locales)):
        for name in chosen:
            if name not in known[kind]:
                errors.add(
                    f"unknown {kind} '{name}'",
                    Location(_SOURCE[kind]),
                    hint=f"choose from {', '.join(sorted(known[kind]))}",
                )


_SOURCE = {
    "variant": PurePosixPath("source/variants.yaml"),
    "locale": PurePosixPath("source/site.yaml"),
}


def _refuse_clashes(specs: list[OutputSpec], errors: ErrorCollector) -> None:
    owners: dict[PurePosixPath, OutputSpec] = {}
    for spec in specs:
        if spec.path in owners:
            other = owners[spec.path]
            errors.add(
                f"two outputs would be written to output/{spec.path}: variant "
                f"'{other.variant_id}' and variant '{spec.variant_id}'",
                Location(_SOURCE["variant"]),
                field="slug",
                hint="give each variant its own slug",
            )
        owners[spec.path] = spec
