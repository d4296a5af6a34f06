#!/usr/bin/env python3
"""Audit benchmark for this machine (not a test): prints the figures of RESULTS.md.

    .venv/bin/python benchmarks/bench_audit.py OUTPUT_DIR [-j WORKERS] [--every N]
        [--compare CACHE.json]

Runs the audit's checkers (relapse_handouts/audit_batches.py: the same batches in the same
pool as ``make_docs.py audit``) on the tagged files of a built OUTPUT_DIR (every N-th file
of each kind with --every), without reading or writing its cache. Prints the wall time,
and per checker the batches, files, and the CPU time of the worker and every process it
started (Java, Node, Chromium and its renderers: each worker is their subreaper). With
--compare, checks that every verdict equals the record of the same file (by sha256) in an
earlier audit's ``.audit-cache.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.cpu_tree import become_subreaper, reap_all  # noqa: E402
from relapse_handouts.audit import targets  # noqa: E402
from relapse_handouts.audit_batches import collect, plan_batches, run_batch  # noqa: E402
from relapse_handouts.publish import read_manifest  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Java, Node, Chromium)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_batch(checker: str, paths: list[Path]) -> tuple[list, float, float]:
    # Chromium's renderers outlive their zygote's wait: without this their CPU time
    # (more than half of Ace's and axe's) is never counted.
    become_subreaper()
    started, cpu = time.perf_counter(), cpu_seconds()
    results = run_batch(checker, paths)
    reap_all()
    return results, time.perf_counter() - started, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("output", type=Path)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    chosen = [t for t in targets(args.output, read_manifest(args.output)) if t.kind]
    chosen = [t for kind in ("pdf", "epub", "html") for t in chosen if t.kind == kind]
    chosen = [t for i, t in enumerate(chosen) if i % args.every == 0]
    kinds = [t.kind for t in chosen]
    paths = [args.output / t.path for t in chosen]
    figures: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    found: dict = {}
    verdicts = {}
    started = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = {
            pool.submit(timed_batch, b.checker, [paths[i] for i in b.items]): b
            for b in plan_batches(kinds, args.jobs)
        }
        for future in as_completed(futures):
            batch = futures[future]
            results, wall, cpu = future.result()
            figure = figures[batch.checker]
            figure[0] += 1
            figure[1] += len(batch.items)
            figure[2] += wall
            figure[3] += cpu
            for index, done in collect(batch, results, found, kinds):
                verdicts[chosen[index].sha256] = [r.as_record() for r in done]
    wall = time.perf_counter() - started
    print(f"{len(chosen)} files on {args.jobs} workers: {wall:.1f} s wall")
    for checker, (batches, files, busy, cpu) in figures.items():
        print(
            f"  {checker:9} {files:4} files in {batches:3} batches: {busy:6.1f} s in workers, "
            f"{cpu:6.1f} s CPU ({cpu / files:.2f} s per file)"
        )
    if args.compare:
        compare(verdicts, json.loads(args.compare.read_text("utf-8")))


def compare(verdicts: dict[str, list], cache: dict[str, list]) -> None:
    """Each file's records against the earlier audit's (by sha256, checker versions aside)."""
    earlier = {key.split(":")[1]: records for key, records in cache.items()}
    differ = [sha for sha, records in verdicts.items() if earlier.get(sha) != records]
    print(f"compared with {len(earlier)} earlier records: {len(differ)} of {len(verdicts)} differ")
    for sha in differ[:5]:
        print(f"  {sha}: now {verdicts[sha]}\n  earlier {earlier.get(sha)}")


if __name__ == "__main__":
    main()
