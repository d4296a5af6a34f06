"""What a desk process knows: the content model, the built outputs, and the renderers.

The source is loaded, validated and translated once (before the server forks its
workers); each worker then builds its own renderers once, at start (``warm``), so a
request pays only for applying one care sheet and rendering one document.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ..config import BuildConfig
from ..errors import HandoutError
from ..files import read_bytes, within
from ..formats import DEFAULT_EDITION, EDITIONS, FORMATS, PERSONAL_EDITIONS
from ..gather import gather
from ..html import HtmlRenderer
from ..model import Project
from ..personal import CareSheet
from ..personalize import PersonalHandout, render_handout
from ..publish import MANIFEST_NAME, read_manifest
from ..resolve import ResolvedHandout

if TYPE_CHECKING:
    from ..pdf import PdfRenderer

__all__ = ["DeskState", "Published", "PersonalChoice", "NOT_RECORDED"]

_MAX_SERVED = 64 * 1024 * 1024  # far above any built handout
NOT_RECORDED = "not recorded"


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
    # The text's reading level as the build recorded it (quality.ReadingLevel's record);
    # None when no formula applies; NOT_RECORDED in a manifest older than that record.
    reading_level: dict[str, Any] | str | None = None

    @property
    def key(self) -> str:
        """A short, non-personal identifier used in forms and the basket."""
        return self.path


@dataclass(frozen=True)
class PersonalChoice:
    variant: str
    locale: str
    paper: str
    edition: str = DEFAULT_EDITION


class DeskState:
    """Per-process state; build once, before forking, then ``warm`` in each worker."""

    def __init__(self, config: BuildConfig) -> None:
        self.config = config
        # Load, validate, translate into every locale and resolve every document, once.
        self.gathered = gather(config.unfiltered())
        self.project: Project = self.gathered.project
        self.projects = self.gathered.projects
        self._manifest: tuple[float, tuple[Published, ...]] | None = None
        # One render at a time per process: the renderers are not shared between threads
        # (and a second render would only compete for the same core).
        self.render_lock: AbstractContextManager[Any] = threading.Lock()

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
        """Every PDF edition the pipeline knows, in the formats table's order."""
        return EDITIONS

    @property
    def formats(self) -> tuple[str, ...]:
        """Every kind of file the pipeline makes, in its order (the formats table)."""
        return FORMATS

    @property
    def personal_editions(self) -> tuple[str, ...]:
        """The PDF editions one child's handout can be made in (the formats table's)."""
        return PERSONAL_EDITIONS

    def variant_ids(self) -> tuple[str, ...]:
        return tuple(v.id for v in self.project.variants)

    def resolved(self, variant: str, locale: str, handout: str | None = None) -> ResolvedHandout:
        """The handout for one variant in one locale (resolved once, by ``gather``); the
        first handout of the project unless ``handout`` names one."""
        handout_id = handout or self.project.handouts[0].id
        return self.gathered.documents[handout_id, variant, locale]

    def variant_drugs(self, variant: str, locale: str) -> tuple[Any, ...]:
        """The medicines the variant's handout shows (in a drug table of one of its
        sections), in its order: only these can be ticked, so none vanishes unseen."""
        resolved = self.resolved(variant, locale)
        shown = shown_drug_groups(resolved.handout.sections)
        return tuple(
            drug for group, items in resolved.drugs.items() if group in shown for drug in items
        )

    # What is built -------------------------------------------------------------------

    def published(self) -> tuple[Published, ...]:
        """Files listed in output/'s manifest (re-read when the build changes it)."""
        try:
            stamp = (self.config.output_dir / MANIFEST_NAME).stat().st_mtime
        except OSError:
            return ()
        if self._manifest is None or self._manifest[0] != stamp:
            entries = read_manifest(self.config.output_dir).entries
            self._manifest = (stamp, tuple(_published(e) for e in entries))
        return self._manifest[1]

    def published_file(self, key: str) -> tuple[Published, bytes] | None:
        """The manifest entry and bytes for ``key``; None unless the manifest lists it and
        it is a regular file really inside output/ (read through the project's reader)."""
        entry = next((p for p in self.published() if p.key == key), None)
        if entry is None:
            return None
        try:
            path = within(self.config.output_dir, *PurePosixPath(entry.path).parts)
            return entry, read_bytes(path, inside=(self.config.output_dir,), limit=_MAX_SERVED)
        except HandoutError:
            return None

    def render_personal(
        self,
        choice: PersonalChoice,
        sheet: CareSheet,
        password: str | None = None,
        with_epub: bool = False,
    ) -> PersonalHandout:
        """The child's PDF (protected when asked) and EPUB, in memory only."""
        with self.render_lock:
            return self._render_personal(choice, sheet, password, with_epub)

    def _render_personal(
        self, choice: PersonalChoice, sheet: CareSheet, password: str | None, with_epub: bool
    ) -> PersonalHandout:
        document = self.resolved(choice.variant, choice.locale)
        return render_handout(
            self.config, document, sheet, self, choice.paper, choice.edition, password, with_epub
        )


def shown_drug_groups(parts: Any) -> set[str]:
    """The drug groups that the blocks of ``parts`` (sections, their subsections and
    blocks, at any depth) show as tables."""
    found: set[str] = set()
    for part in parts:
        group = getattr(part, "drugs", None)
        if isinstance(group, str):
            found.add(group)
        for name in ("subsections", "blocks", "items"):
            children = getattr(part, name, None)
            if isinstance(children, (list, tuple)):
                found |= shown_drug_groups(children)
    return found


def _published(entry: dict[str, Any]) -> Published:
    return Published(
        entry["path"],
        entry["variant"],
        entry["locale"],
        entry["format"],
        entry.get("edition") or DEFAULT_EDITION,
        entry.get("paper"),
        entry.get("pages"),
        int(entry.get("bytes", 0)),
        entry.get("reading_level", NOT_RECORDED),
    )
