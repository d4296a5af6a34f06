"""PDFs for the preview: rendered in worker processes (two locales at once, and the server
stays responsive while WeasyPrint works), each keeping WeasyPrint and its fonts loaded;
pages drawn as PNG pictures by PDFium (pypdfium2) when the browser asks for them.

PDFium draws a 12-page handout in about 0.25 s, poppler's ``pdftoppm`` in about 1.8 s
(measured here, 96 dpi); pictures are drawn one page at a time, only those on screen.
"""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context

from ..config import BuildConfig
from ..plan import OutputSpec
from ..render import RenderContext
from ..resolve import ResolvedHandout

__all__ = ["PdfPool", "RenderedPages", "PageImages"]

# Pictures at 1.25 x 72 dpi: a Letter page is 765 px wide, sharp in a half-screen column.
SCALE = 1.25
# Renders per set of workers before it is replaced: WeasyPrint's users see a long-lived
# worker's memory creep, and an author's session can last all day. (Not the pool's
# max_tasks_per_child: Python 3.11's pool can stop replacing workers and hang with it.)
RENDERS_PER_WORKERS = 200


@dataclass(frozen=True)
class RenderedPages:
    """A PDF made in a worker: its bytes, pages and what the renderer said."""

    data: bytes
    pages: int
    seconds: float
    warnings: tuple[str, ...]


class PdfPool:
    """Worker processes rendering PDFs. ``reread_layouts`` after a layout, style or
    catalog changed: each worker reads them again before its next render."""

    def __init__(
        self, config: BuildConfig, workers: int = 2, renders_per_workers: int = RENDERS_PER_WORKERS
    ) -> None:
        self.workers = workers
        self._config = config
        self._generation = 0
        self._renders_per_workers = renders_per_workers
        self._renders = 0
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # Spawned, not forked: the server process runs threads (watcher, requests).
        return ProcessPoolExecutor(
            self.workers,
            mp_context=get_context("spawn"),
            initializer=_start,
            initargs=(self._config,),
        )

    def warm(self) -> None:
        """Start every worker now (import WeasyPrint, load fonts), not on the first save."""
        for future in [self._executor.submit(_wait, 0.3) for _ in range(self.workers)]:
            future.result()

    def reread_layouts(self) -> None:
        self._generation += 1

    def submit(self, spec: OutputSpec, resolved: ResolvedHandout) -> Future[RenderedPages]:
        if self._renders >= self._renders_per_workers:
            self._replace_workers(cancel=False)  # renders already asked for still finish
        self._renders += 1
        try:
            return self._executor.submit(_render, spec, resolved, self._generation)
        except BrokenProcessPool:  # a worker died (out of memory, a crash): start again
            self._replace_workers(cancel=True)
            return self._executor.submit(_render, spec, resolved, self._generation)

    def _replace_workers(self, cancel: bool) -> None:
        self._executor.shutdown(wait=False, cancel_futures=cancel)
        self._executor = self._new_executor()
        self._renders = 0

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


_CONTEXT: RenderContext | None = None  # one per worker process, set by the initializer
_GENERATION = 0


def _start(config: BuildConfig) -> None:
    global _CONTEXT
    _CONTEXT = RenderContext(config, {})
    _ = _CONTEXT.pdf  # WeasyPrint and its FontConfiguration, once per worker


def _wait(seconds: float) -> None:
    time.sleep(seconds)  # keeps one worker busy, so that warm() starts them all


def _render(spec: OutputSpec, resolved: ResolvedHandout, generation: int) -> RenderedPages:
    global _GENERATION
    assert _CONTEXT is not None
    _CONTEXT.use_documents({spec.document_key: resolved}, generation != _GENERATION)
    _GENERATION = generation
    artifact = _CONTEXT.render(spec)
    return RenderedPages(artifact.data, artifact.pages or 0, artifact.seconds, artifact.warnings)


class PageImages:
    """PNG pictures of one PDF's pages, each drawn when first asked for."""

    _pdfium = threading.Lock()  # PDFium is not thread-safe: one drawing at a time

    def __init__(self, data: bytes) -> None:
        import pypdfium2  # type: ignore[import-untyped]

        self._pictures: dict[int, bytes] = {}
        with self._pdfium:
            self._document = pypdfium2.PdfDocument(data)
            self.sizes = tuple(
                (round(width * SCALE), round(height * SCALE))
                for width, height in (page.get_size() for page in self._document)
            )

    def png(self, number: int) -> bytes | None:
        """Page ``number`` (1-based) as PNG, or None when there is no such page."""
        if not 1 <= number <= len(self.sizes):
            return None
        with self._pdfium:
            if number not in self._pictures:
                bitmap = self._document[number - 1].render(scale=SCALE)
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, "PNG", compress_level=1)
                self._pictures[number] = buffer.getvalue()
            return self._pictures[number]
