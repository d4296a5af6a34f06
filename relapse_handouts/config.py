"""The one build configuration: built once from the command line, passed explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .formats import EDITIONS, FORMATS, PAPERS, has_editions

__all__ = ["BuildConfig", "FORMATS", "PAPERS", "EDITIONS"]


@dataclass(frozen=True)
class BuildConfig:
    """Where things are and what to build.

    Attributes:
        root: the project folder; the renderer may read only inside its
            ``layouts/``, ``styles/`` and ``source/``.
        output_dir: where outputs and ``manifest.json`` go.
        handouts / variants / locales / formats / papers / editions: filters; empty
            means all (``--edition`` applies to formats that come in several editions).
        strict: turn warnings (the renderer's included) into failures.
        release: refuse drafts and handouts past their review date.
        jobs: worker processes for rendering (0 means one per core).
        report: ``check`` also writes ``output/review.html``.
        archive_dir: the release archive (``archive.py``); None: ``archive/`` in the project.
    """

    root: Path
    output_dir: Path
    handouts: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    formats: tuple[str, ...] = FORMATS
    papers: tuple[str, ...] = PAPERS
    editions: tuple[str, ...] = EDITIONS
    strict: bool = False
    release: bool = False
    jobs: int = 0
    report: bool = False
    archive_dir: Path | None = None

    @property
    def archive(self) -> Path:
        """Where ``build --release`` keeps every released file (never inside output/)."""
        return self.archive_dir or self.root / "archive"

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

    def selects(self, spec: dict[str, Any]) -> bool:
        """Whether the filters choose the output described by ``spec`` (a spec record:
        handout, variant, locale, format, paper, edition)."""
        edition_ok = not has_editions(spec["format"]) or spec["edition"] in self.editions
        return (
            edition_ok
            and spec["format"] in self.formats
            and (spec["paper"] is None or spec["paper"] in self.papers)
            and all(
                not chosen or spec[name] in chosen
                for name, chosen in (
                    ("handout", self.handouts),
                    ("variant", self.variants),
                    ("locale", self.locales),
                )
            )
        )

    def unfiltered(self) -> BuildConfig:
        """The same project and options, every output selected (the whole plan)."""
        return replace(
            self,
            handouts=(),
            variants=(),
            locales=(),
            formats=FORMATS,
            papers=PAPERS,
            editions=EDITIONS,
        )

    @classmethod
    def for_project(cls, root: Path, output_dir: Path | None = None, **options: Any) -> BuildConfig:
        root = root.resolve()
        output = (output_dir or root / "output").resolve()
        return cls(root=root, output_dir=output, **options)
