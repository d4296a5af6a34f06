"""What a desk process knows: the content model, the built outputs, and the renderers.

The source is loaded, validated and translated once (before the server forks its
workers); each worker then builds its own renderers once, at start (``warm``), so a
request pays only for applying one care sheet and rendering one document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..config import EDITIONS, BuildConfig
from ..html import HtmlRenderer
from ..load import load_project
from ..model import Project
from ..personal import CareSheet, personalize
from ..personalize import PersonalHandout
from ..resolve import ResolvedHandout, resolve_handout
from ..translate import translate_all

if TYPE_CHECKING:
    from ..pdf import PdfRenderer

__all__ = ["DeskState", "Published", "PersonalChoice"]

# Print-only editions made by imposing pages after rendering: not offered for one child.
_IMPOSED_EDITIONS = ("booklet",)


@dataclass(frozen=True)
class Published:
    """One file in output/, as listed in its manifest."""

    path: str
    variant: str
    locale: str
    format: str
    edition: str
    paper: str | None
    pages: int | None
    size: int

    @property
    def key(self) -> str:
        """A short, non-personal identifier used in forms and the basket."""
        return self.path


@dataclass(frozen=True)
class PersonalChoice:
    variant: str
    locale: str
    paper: str
    edition: str = "standard"


class DeskState:
    """Per-process state; build once, before forking, then ``warm`` in each worker."""

    def __init__(self, config: BuildConfig) -> None:
        self.config = config
        # Load and validate the source, then translate it into every locale, once.
        self.project: Project = load_project(config)
        self.projects, _ = translate_all(
            self.project, config.source_dir, config.root, tuple(self.project.site.locales)
        )
        self._resolved: dict[tuple[str, str], ResolvedHandout] = {}
        self._manifest: tuple[float, tuple[Published, ...]] | None = None

    def warm(self) -> None:
        """Import WeasyPrint and build its font configuration (once per worker process)."""
        _ = self.pdf

    @cached_property
    def html(self) -> HtmlRenderer:
        return HtmlRenderer(self.config)

    @cached_property
    def pdf(self) -> PdfRenderer:
        from ..pdf import PdfRenderer

        return PdfRenderer(self.config)

    # What can be chosen --------------------------------------------------------------

    @property
    def locales(self) -> dict[str, str]:
        """Locale id -> its own name, in the order of site.yaml."""
        return {locale: info.name for locale, info in self.project.site.locales.items()}

    @property
    def papers(self) -> tuple[str, ...]:
        return tuple(self.project.site.papers)

    @property
    def editions(self) -> tuple[str, ...]:
        """Every edition the pipeline knows, in its order."""
        return tuple(EDITIONS)

    @property
    def personal_editions(self) -> tuple[str, ...]:
        return tuple(e for e in self.editions if e not in _IMPOSED_EDITIONS)

    def variant_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.project.variants)

    def resolved(self, variant: str, locale: str) -> ResolvedHandout:
        """The handout for one variant in one locale (resolved once per process)."""
        key = (variant, locale)
        if key not in self._resolved:
            project = self.projects[locale]
            found = next(v for v in project.variants if v.id == variant)
            self._resolved[key] = resolve_handout(project, project.handouts[0], found, locale)
        return self._resolved[key]

    def variant_drugs(self, variant: str, locale: str) -> tuple[Any, ...]:
        """The medicines the variant's handout names, in its order (for the checkboxes)."""
        groups = self.resolved(variant, locale).drugs
        return tuple(drug for items in groups.values() for drug in items)

    # What is built -------------------------------------------------------------------

    def published(self) -> tuple[Published, ...]:
        """Files listed in output/manifest.json (re-read when the build changes it)."""
        path = self.config.output_dir / "manifest.json"
        try:
            stamp = path.stat().st_mtime
        except OSError:
            return ()
        if self._manifest is None or self._manifest[0] != stamp:
            entries = json.loads(path.read_text(encoding="utf-8")).get("outputs", [])
            self._manifest = (stamp, tuple(_published(e) for e in entries))
        return self._manifest[1]

    def published_file(self, key: str) -> tuple[Published, Path] | None:
        """The manifest entry and file for ``key``; None unless the manifest lists it."""
        entry = next((p for p in self.published() if p.key == key), None)
        if entry is None:
            return None
        path = (self.config.output_dir / PurePosixPath(entry.path)).resolve()
        if not path.is_relative_to(self.config.output_dir.resolve()) or not path.is_file():
            return None
        return entry, path

    # One child's handout -------------------------------------------------------------

    def render_personal(
        self,
        choice: PersonalChoice,
        sheet: CareSheet,
        password: str | None = None,
        with_epub: bool = False,
    ) -> PersonalHandout:
        """The child's PDF (protected when asked) and EPUB, in memory only."""
        from ..pdfpost import encrypt_pdf

        resolved = personalize(self.resolved(choice.variant, choice.locale), sheet)
        document = self.html.render(resolved, "print", choice.paper, choice.edition)
        pdf = self.pdf.render(document).data
        data = encrypt_pdf(pdf, password) if password else pdf
        epub = None
        if with_epub:
            from ..epub import build_epub

            epub = build_epub(self.html.render(resolved, "epub"), self.html, self.config)
        infix = "" if choice.edition == "standard" else f".{choice.edition}"
        return PersonalHandout(
            resolved, data, epub, f"{resolved.variant.slug}{infix}.{choice.paper}"
        )


def _published(entry: dict[str, Any]) -> Published:
    return Published(
        entry["path"],
        entry["variant"],
        entry["locale"],
        entry["format"],
        entry.get("edition") or "standard",
        entry.get("paper"),
        entry.get("pages"),
        int(entry.get("bytes", 0)),
    )
