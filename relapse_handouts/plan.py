"""Stage: the build matrix. Every output the build will write, and where.

Every output is a row of the formats table (``formats.py``) for one handout, variant,
locale and paper. Refuses two outputs to one path (as Pelican's writer does) and filters
the matrix by the command line's choices (``BuildConfig.selects``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from .config import BuildConfig
from .errors import ErrorCollector, Location
from .formats import OUTPUTS, OutputFormat, output_format
from .model import Project

__all__ = ["DocumentKey", "OutputSpec", "plan_outputs"]

# (handout id, variant id, locale): one resolved document, shared by all its outputs.
DocumentKey = tuple[str, str, str]


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
    def output(self) -> OutputFormat:
        """This output's entry in the formats table."""
        return output_format(self.format, self.edition)

    @property
    def document_key(self) -> DocumentKey:
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
    """All outputs selected by ``config``, in a stable order; errors on clashes (checked
    over the whole matrix, so a filtered build refuses what a full one would)."""
    errors = ErrorCollector()
    _check_filters(project, config, errors)
    errors.raise_if_any()
    specs = [
        OutputSpec(handout.id, variant.id, locale, entry.format, paper, path, entry.edition)
        for handout in project.handouts
        for variant in project.variants
        for locale in project.site.locales
        for entry in OUTPUTS
        for paper, path in _files(entry, variant.slug, locale, project.site.papers)
    ]
    _refuse_clashes(specs, errors)
    errors.raise_if_any()
    return tuple(spec for spec in specs if config.selects(spec.as_record()))


def _files(
    entry: OutputFormat, slug: str, locale: str, papers: tuple[str, ...]
) -> list[tuple[str | None, PurePosixPath]]:
    """(paper, path) of each file ``entry`` gives for one document."""
    chosen: tuple[str | None, ...] = papers if entry.per_paper else (None,)
    return [(paper, PurePosixPath(locale) / entry.path_name(slug, paper)) for paper in chosen]


def _check_filters(project: Project, config: BuildConfig, errors: ErrorCollector) -> None:
    known = {
        "handout": {h.id for h in project.handouts},
        "variant": {v.id for v in project.variants},
        "locale": set(project.site.locales),
    }
    for kind, chosen in (
        ("handout", config.handouts),
        ("variant", config.variants),
        ("locale", config.locales),
    ):
        for name in chosen:
            if name not in known[kind]:
                errors.add(
                    f"unknown {kind} '{name}'",
                    Location(_SOURCE[kind]),
                    hint=f"choose from {', '.join(sorted(known[kind]))}",
                )


_SOURCE = {
    "handout": PurePosixPath("source/handouts"),
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
