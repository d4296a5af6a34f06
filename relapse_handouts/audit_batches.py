"""How the audit spreads its checkers over the worker processes.

Each checker takes a batch of files per start of its tool (a JVM for EPUBCheck, Node and
Chromium for Ace, Chromium for axe-core): starting them is most of the time of one small
file. The batches of every kind go into one pool of ``workers`` processes, longest kind
first, so Java, Node and Chromium work side by side with outloud's PDFs filling the tail,
and no more than ``workers`` checkers run at once. A file's results come back in the order
of ``CHECKERS`` once each of its checkers has answered for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .checkers import CheckResult, ace_books, epubcheck_books, outloud_check, web_check_pages

__all__ = ["CHECKERS", "Batch", "plan_batches", "check_all", "collect"]

# The checkers run on each kind of file, in the order of its results in the cache.
CHECKERS = {"pdf": ("outloud",), "epub": ("EPUBCheck", "Ace"), "html": ("axe",)}

# Files per batch: big enough that a start is a small part of a batch, small enough that
# the last batches even out the workers. EPUBCheck (0): one batch per worker, since its
# JVM takes 4 to 5 s of CPU to start and then about 0.2 s per book. Ace: one Chromium
# start and its tabs' first compile of Ace's scripts is about 1.5 s of CPU, a book about 3 s.
BATCH_SIZE = {"Ace": 16, "EPUBCheck": 0, "axe": 25, "outloud": 8}
LONGEST_FIRST = ("Ace", "EPUBCheck", "axe", "outloud")


@dataclass(frozen=True)
class Batch:
    """One start of one checker: the indices of its files in the audit's list."""

    checker: str
    items: tuple[int, ...]


def plan_batches(kinds: list[str], workers: int) -> list[Batch]:
    """Every file's checkers, each file in exactly one batch per checker of its kind."""
    batches = []
    for checker in LONGEST_FIRST:
        items = [i for i, kind in enumerate(kinds) if checker in CHECKERS[kind]]
        size = BATCH_SIZE[checker] or max(1, -(-len(items) // max(workers, 1)))
        batches += [Batch(checker, tuple(items[i : i + size])) for i in range(0, len(items), size)]
    return batches


def run_batch(checker: str, paths: list[Path]) -> list[CheckResult]:
    """One checker on ``paths``, one result per path (in a worker process)."""
    if checker == "outloud":
        return [outloud_check(path) for path in paths]
    runner = {"EPUBCheck": epubcheck_books, "Ace": ace_books, "axe": web_check_pages}[checker]
    return runner(paths)


def check_all(
    paths: list[Path], kinds: list[str], workers: int
) -> Iterator[list[tuple[int, list[CheckResult]]]]:
    """Check every path (its kind in ``kinds``); yields, as each batch ends, the files it
    completed: (index in ``paths``, results in the order of ``CHECKERS``)."""
    found: dict[int, dict[str, CheckResult]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(run_batch, batch.checker, [paths[i] for i in batch.items]): batch
            for batch in plan_batches(kinds, workers)
        }
        for future in as_completed(futures):
            yield collect(futures[future], future.result(), found, kinds)


def collect(
    batch: Batch,
    results: list[CheckResult],
    found: dict[int, dict[str, CheckResult]],
    kinds: list[str],
) -> list[tuple[int, list[CheckResult]]]:
    """File ``batch``'s results under their files in ``found``; returns the files that
    now have every checker's result."""
    if len(results) != len(batch.items):
        raise RuntimeError(f"{batch.checker}: {len(results)} results for {len(batch.items)} files")
    done = []
    for index, result in zip(batch.items, results, strict=True):
        found.setdefault(index, {})[batch.checker] = result
        wanted = CHECKERS[kinds[index]]
        if set(found[index]) == set(wanted):
            done.append((index, [found[index][checker] for checker in wanted]))
    return done
