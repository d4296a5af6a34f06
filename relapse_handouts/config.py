"""The one build configuration: built once from the command line, passed explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BuildConfig", "FORMATS", "PAPERS", "EDITIONS"]

FORMATS = ("pdf", "epub", "html")
PAPERS = ("letter", "a4")
EDITIONS = ("standard", "large-print", "booklet")


@dataclass(frozen=True)
class BuildConfig:
    """Where things are and what to build.

    Attributes:
        root: the project folder; the renderer may read only inside its
            ``layouts/``, ``styles/`` and ``source/``.
        output_dir: where outputs and ``manifest.json`` go.
        variants / locales / formats / papers / editions: filters; empty means all.
        strict: turn warnings (the renderer's included) into failures.
        release: refuse drafts and handouts past their review date.
        jobs: worker processes for rendering (0 means one per core).
        report: ``check`` also writes ``output/review.html``.
    """

    root: Path
    output_dir: Path
    variants: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    formats: tuple[str, ...] = FORMATS
    papers: tuple[str, ...] = PAPERS
    editions: tuple[str, ...] = EDITIONS
    strict: bool = False
    release: bool = False
    jobs: int = 0
    report: bool = False

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def styles_dir(self) -> Path:
        return self.root / "styles"

    @property
    def readable_dirs(self) -> tuple[Path, ...]:
        """The only folders the renderer may load files from."""
        return (self.layouts_dir, self.source_dir, self.styles_dir)

    @property
    def private_forbidden(self) -> tuple[Path, ...]:
        """Folders a child's handout must never be written into: published outputs and
        the project's own files."""
        return (self.output_dir, *self.readable_dirs)

    @property
    def worker_count(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)

    @classmethod
    def for_project(cls, root: Path, output_dir: Path | None = None, **options) -> BuildConfig:
        root = root.resolve()
        output = (output_dir or root / "output").resolve()
        return cls(root=root, output_dir=output, **options)
