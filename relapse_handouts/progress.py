"""Build progress: a rich progress bar on a terminal, nothing when output is redirected,
and a closing summary table either way."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .pipeline import BuildResult
    from .render import Artifact

__all__ = ["BuildProgress"]


class BuildProgress:
    """Context manager fed by ``build``'s ``on_start``/``on_done`` callbacks."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def start(self, total: int) -> None:
        if total == 0 or not self._stream.isatty():
            return  # quiet when not a terminal, and when there is nothing to do
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}"),
            console=Console(file=self._stream),
            transient=True,
        )
        self._task = self._bar.add_task("build", total=total, current="")
        self._bar.start()

    def advance(self, artifact: Artifact) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, current=artifact.spec.path.as_posix())

    def summary(self, result: BuildResult, output_dir: Path, out: TextIO) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"build summary: {output_dir}", title_justify="left")
        for column in ("built", "up to date", "removed", "seconds"):
            table.add_column(column, justify="right")
        table.add_row(
            str(len(result.built)),
            str(result.up_to_date),
            str(len(result.removed)),
            f"{result.seconds:.2f}",
        )
        Console(file=out, width=100, color_system=None if not out.isatty() else "auto").print(table)
        _time_and_memory(result, out)
        _audio_budget(result, out)


def _time_and_memory(result: BuildResult, out: TextIO) -> None:
    """Where the render time went, by renderer (read-aloud is the audio), summed over the
    workers that share the wall time; and the largest memory of a rendering process
    (benchmarks/RESULTS.md records both)."""
    if not result.built:
        return
    seconds: dict[str, list[float]] = {}
    for artifact in result.built:
        seconds.setdefault(artifact.spec.output.renderer, []).append(artifact.seconds)
    parts = [f"{kind} {len(times)} in {sum(times):.1f} s" for kind, times in seconds.items()]
    print("render time by kind, all workers: " + ", ".join(parts), file=out)
    peak_mb = max(artifact.worker_peak_kb for artifact in result.built) / 1024
    print(f"peak memory of a rendering process: {peak_mb:.0f} MB", file=out)


AUDIO_EPUB_BUDGET = 5_000_000  # bytes: a read-aloud e-book should stay easy to share


def _audio_budget(result: BuildResult, out: TextIO) -> None:
    """One line per read-aloud e-book built: its size against the 5 MB target."""
    books = [a for a in result.built if a.spec.format == "epub" and a.duration is not None]
    if books:
        print("read-aloud e-books (target: under 5 MB each):", file=out)
    for book in books:
        size = len(book.data)
        verdict = "ok" if size <= AUDIO_EPUB_BUDGET else "OVER BUDGET"
        minutes = (book.duration or 0) / 60
        print(
            f"  {book.spec.path.as_posix()}: {size / 1e6:.1f} MB of 5 MB, "
            f"{minutes:.0f} min  {verdict}",
            file=out,
        )
