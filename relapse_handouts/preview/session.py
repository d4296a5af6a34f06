"""What the author looks at, kept current: the build's stages run again on each save for
the selections on screen only, with unchanged source files kept parsed (``YamlCache``).

A save updates in two steps: the web pages first (gather and one Jinja render, about
0.1 s), then the PDFs from the worker pool. A problem in the source is kept beside the
last good preview, worded as the command line words it (``HandoutError.format``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..config import BuildConfig
from ..errors import HandoutError
from ..formats import DEFAULT_EDITION, OUTPUTS, output_format
from ..gather import Gathered, gather
from ..html import HtmlRenderer
from ..i18n import text_direction
from ..model import Project
from ..quality import assess
from ..resolve import ResolvedHandout
from ..yamlfile import YamlCache
from .pdfpool import PageImages, PdfPool, RenderedPages
from .status import approval_state, readability_lines

__all__ = ["Selection", "PreviewSession", "PDF_EDITIONS"]

PDF_EDITIONS = tuple(entry.edition for entry in OUTPUTS if entry.format == "pdf")
_WEB = output_format("html")


@dataclass(frozen=True)
class Selection:
    """What is on screen: one handout and variant, one or two locales, a PDF edition."""

    handout: str
    variant: str
    locales: tuple[str, ...]
    edition: str
    paper: str

    def config(self, base: BuildConfig) -> BuildConfig:
        return replace(
            base,
            handouts=(self.handout,),
            variants=(self.variant,),
            locales=self.locales,
            formats=("html", "pdf"),
            editions=tuple(dict.fromkeys((DEFAULT_EDITION, self.edition))),
            papers=(self.paper,),
        )

    def query(self) -> dict[str, Any]:
        """The selection as URL query arguments (``url_for``)."""
        return {
            "handout": self.handout,
            "variant": self.variant,
            "locale": list(self.locales),
            "edition": self.edition,
            "paper": self.paper,
        }


@dataclass
class _Locale:
    """One locale of a selection: its last good web page and PDF."""

    name: str
    direction: str
    web: str = ""
    web_rev: int = 0
    approval: str = ""
    readability: tuple[str, ...] = ()
    pdf: PageImages | None = None
    pdf_rev: int = 0
    pdf_seconds: float = 0.0
    pdf_asked: int = 0  # number of the newest PDF asked for
    pending: Future[RenderedPages] | None = None  # cancelled when a newer save comes
    pdf_problem: str = ""
    pdf_warnings: tuple[str, ...] = ()  # the renderer's, about the PDF shown


@dataclass
class _View:
    rev: int = 0
    problems: str = ""
    warnings: str = ""
    gathered: Gathered | None = None
    locales: dict[str, _Locale] = field(default_factory=dict)


class PreviewSession:
    """The preview's state, shared by the watcher thread and the request threads."""

    def __init__(self, config: BuildConfig, pool: PdfPool) -> None:
        self.config = config
        self._pool = pool
        self._read = YamlCache()
        self._html = HtmlRenderer(config)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._revision = 0
        self._asks = itertools.count(1)  # PDFs asked for, in order
        self._scorer = ThreadPoolExecutor(1, thread_name_prefix="score")
        self._views: dict[Selection, _View] = {}
        self._watching: Counter[Selection] = Counter()
        self.project: Project | None = None
        self.startup_problem = ""

    def load(self) -> None:
        """Read the source once for the page's choices (and warm the readability code)."""
        try:
            gathered = gather(replace(self.config, formats=("html",)), read=self._read)
        except HandoutError as error:
            self.startup_problem = error.format()
            return
        self.project, self.startup_problem = gathered.project, ""
        first = next(iter(gathered.documents.values()), None)
        if first is not None:
            site = gathered.project.site
            assess(first, site.readability, site.medical_terms, dt.date.today(), False)

    def files_changed(self, paths: Iterable[Path]) -> None:
        """A save: render again every selection on screen."""
        changed = tuple(paths)
        if self.project is None:
            self.load()  # the source has not loaded since the start: try again
        source = self.config.source_dir
        catalogs = source / "locale"
        layouts = any(
            not path.is_relative_to(source) or path.is_relative_to(catalogs) for path in changed
        )
        with self._lock:
            if layouts:
                self._html = HtmlRenderer(self.config)  # styles and catalogs are read once
                self._pool.reread_layouts()
            again = any(
                p.is_relative_to(source) and not p.is_relative_to(catalogs) for p in changed
            )
            shown = list(self._watching)
            for selection in shown:
                self._refresh(selection, regather=again)
        for selection in shown:
            self._scorer.submit(self._score, selection)

    def ensure(self, selection: Selection) -> None:
        with self._lock:
            if selection in self._views:
                return
            for gone in [shown for shown in self._views if shown not in self._watching]:
                del self._views[gone]  # no longer on screen: its pages and pictures go
            self._refresh(selection, regather=True)
        self._scorer.submit(self._score, selection)

    def _score(self, selection: Selection) -> None:
        """Readability (textstat takes 0.1-0.3 s on a long English text), in its own
        thread once the web pages are out and the PDFs made: on a busy machine it would
        take CPU from their render."""
        with self._lock:
            view = self._views.get(selection)
            if view is None or view.gathered is None:
                return
            gathered = view.gathered
            pending = [shown.pending for shown in view.locales.values() if shown.pending]
        wait_for(pending, timeout=120)
        site = gathered.project.site
        lines = {
            locale: readability_lines(gathered.documents[key], site)
            for key in gathered.documents
            if (locale := key[2]) in selection.locales
        }
        with self._lock:
            if view.gathered is not gathered:
                return  # a newer save: its own scores follow
            for locale, scored in lines.items():
                view.locales[locale].readability = scored
            self._bump(view)

    def _refresh(self, selection: Selection, regather: bool) -> None:
        view = self._views.setdefault(selection, _View())
        try:
            if regather or view.gathered is None:
                view.gathered = gather(selection.config(self.config), read=self._read)
                self.project = view.gathered.project
            gathered = view.gathered
            # The PDFs first: they take longest, and the workers start on them at once.
            for locale in selection.locales:
                self._ask_pdf(selection, gathered, self._shown(view, gathered, locale), locale)
            pages = {
                locale: self._web_page(gathered, selection, locale) for locale in selection.locales
            }
        except HandoutError as error:
            view.gathered = None
            view.problems = error.format()
            self._bump(view)
            return
        view.problems = ""
        view.warnings = "\n".join(w.format("warning") for w in gathered.warnings)
        revision = self._bump(view)
        for locale, (resolved, html) in pages.items():
            shown = view.locales[locale]
            shown.web, shown.web_rev = html, revision
            shown.approval = approval_state(resolved)

    @staticmethod
    def _shown(view: _View, gathered: Gathered, locale: str) -> _Locale:
        site = gathered.project.site
        return view.locales.setdefault(
            locale, _Locale(site.locales[locale].name, text_direction(locale))
        )

    def _web_page(
        self, gathered: Gathered, selection: Selection, locale: str
    ) -> tuple[ResolvedHandout, str]:
        resolved = gathered.documents[(selection.handout, selection.variant, locale)]
        return resolved, self._html.render(resolved, _WEB).html

    def _ask_pdf(
        self, selection: Selection, gathered: Gathered, shown: _Locale, locale: str
    ) -> None:
        spec = next(
            spec
            for spec in gathered.specs
            if spec.locale == locale and spec.format == "pdf" and spec.edition == selection.edition
        )
        asked = shown.pdf_asked = next(self._asks)
        if shown.pending is not None:
            shown.pending.cancel()  # not started yet: the newer one replaces it
        future = shown.pending = self._pool.submit(spec, gathered.documents[spec.document_key])
        future.add_done_callback(partial(self._pdf_done, shown, asked))

    def _pdf_done(self, shown: _Locale, revision: int, future: Future[RenderedPages]) -> None:
        if future.cancelled():
            return
        try:
            rendered = future.result()
            images, problem = PageImages(rendered.data), ""
        except HandoutError as error:
            images, problem = None, error.format()
        except Exception as error:  # the worker crashed: say so, keep serving
            images, problem = None, f"the PDF could not be made: {type(error).__name__}: {error}"
        with self._lock:
            if revision != shown.pdf_asked:
                return  # a newer save is being rendered
            shown.pdf_problem = problem
            if images is not None:
                shown.pdf, shown.pdf_rev, shown.pdf_seconds = images, revision, rendered.seconds
                shown.pdf_warnings = tuple(f"renderer: {text}" for text in rendered.warnings)
            for view in self._views.values():
                if shown in view.locales.values():
                    self._bump(view)

    def _bump(self, view: _View) -> int:
        self._revision += 1
        view.rev = self._revision
        self._changed.notify_all()
        return self._revision

    def updates(self, selection: Selection, wait: float = 15.0) -> Iterator[dict[str, Any] | None]:
        """The selection's state now, then after each change (None: nothing new within
        ``wait`` seconds). While it is iterated, the selection is on screen."""
        with self._lock:  # on screen first, so that no save is missed while it renders
            self._watching[selection] += 1
        last = -1
        try:
            self.ensure(selection)
            while True:
                with self._changed:
                    view = self._views[selection]
                    self._changed.wait_for(partial(_moved_on, view, last), timeout=wait)
                    state = self.state(selection) if view.rev != last else None
                    last = view.rev
                yield state
        finally:
            with self._lock:
                self._watching[selection] -= 1
                if not self._watching[selection]:
                    del self._watching[selection]

    def state(self, selection: Selection) -> dict[str, Any]:
        with self._lock:
            view = self._views[selection]
            problems = [view.problems] + [
                shown.pdf_problem for shown in view.locales.values() if shown.pdf_problem
            ]
            return {
                "rev": view.rev,
                "problems": "\n".join(p for p in problems if p),
                "warnings": "\n".join(
                    [view.warnings]
                    + [w for shown in view.locales.values() for w in shown.pdf_warnings]
                ).strip(),
                "locales": [
                    _locale_state(locale, view.locales.get(locale)) for locale in selection.locales
                ],
            }

    def web_page(self, selection: Selection, locale: str) -> str | None:
        with self._lock:
            view = self._views.get(selection)
            shown = view.locales.get(locale) if view else None
            return shown.web if shown and shown.web_rev else None

    def page_image(self, selection: Selection, locale: str, number: int) -> bytes | None:
        with self._lock:
            view = self._views.get(selection)
            shown = view.locales.get(locale) if view else None
            images = shown.pdf if shown else None
        return images.png(number) if images else None


def _moved_on(view: _View, last: int) -> bool:
    return view.rev != last


def _locale_state(locale: str, shown: _Locale | None) -> dict[str, Any]:
    if shown is None:
        return {"locale": locale, "web_rev": 0, "pdf": None, "pdf_pending": True}
    pdf = shown.pdf
    return {
        "locale": locale,
        "name": shown.name,
        "dir": shown.direction,
        "approval": shown.approval,
        "readability": list(shown.readability),
        "web_rev": shown.web_rev,
        "pdf_pending": shown.pdf_asked > shown.pdf_rev and not shown.pdf_problem,
        "pdf": None
        if pdf is None
        else {"rev": shown.pdf_rev, "sizes": pdf.sizes, "seconds": round(shown.pdf_seconds, 2)},
    }
