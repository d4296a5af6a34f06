#!/usr/bin/env python3
"""Read-aloud benchmark for this machine (not a test): prints the figures of RESULTS.md.

    .venv/bin/python benchmarks/bench_audio.py [-j WORKERS] [--locale CODE ...]

Narrates every variant x locale of the real source with a cold clip cache in a temporary
folder (eSpeak NG per element, one lame encode per handout), on WORKERS processes (default:
every core), then once more with the cache warm. Prints per handout the narration's length,
the MP3's size and the audio EPUB's size against the 5 MB budget, and the totals.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from relapse_handouts import BuildConfig  # noqa: E402
from relapse_handouts.audio.edition import AudioRenderer  # noqa: E402
from relapse_handouts.load import load_project  # noqa: E402
from relapse_handouts.plan import plan_outputs  # noqa: E402
from relapse_handouts.render import RenderContext  # noqa: E402
from relapse_handouts.translate import translate_all  # noqa: E402

EPUB_BUDGET = 5_000_000


def narrate(args: tuple[Path, str, str]) -> dict:
    output, locale, variant = args
    config = BuildConfig.for_project(
        ROOT, output, locales=(locale,), variants=(variant,), formats=("html",)
    )
    project = load_project(config)
    projects, _ = translate_all(project, config.source_dir, config.root, (locale,))
    context = RenderContext(config, projects)
    resolved = context.resolved(plan_outputs(project, config)[0])
    audio = AudioRenderer(config, projects)
    started = time.perf_counter()
    book, narration = audio.epub(resolved, context.html)
    return {
        "handout": f"{locale}/{resolved.variant.slug}",
        "seconds": time.perf_counter() - started,
        "minutes": narration.duration / 60,
        "mp3": len(narration.mp3),
        "epub": len(book),
        "clips": len(narration.timings),
    }


def run(output: Path, jobs: int, locales: list[str], variants: list[str]) -> tuple[float, list]:
    tasks = [(output, locale, variant) for locale in locales for variant in variants]
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(narrate, tasks))
    return time.perf_counter() - started, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=0)
    parser.add_argument("--locale", action="append", default=[])
    args = parser.parse_args()
    config = BuildConfig.for_project(ROOT)
    project = load_project(config)
    locales = args.locale or list(project.site.locales)
    variants = [variant.id for variant in project.variants]
    jobs = args.jobs or len(__import__("os").sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as folder:
        cold, results = run(Path(folder), jobs, locales, variants)
        warm, _ = run(Path(folder), jobs, locales, variants)
    print(f"{'handout':34} {'min':>6} {'clips':>6} {'MP3 MB':>7} {'EPUB MB':>8}  budget")
    for row in results:
        over = "OVER" if row["epub"] > EPUB_BUDGET else "ok"
        print(
            f"{row['handout']:34} {row['minutes']:6.1f} {row['clips']:6d} "
            f"{row['mp3'] / 1e6:7.2f} {row['epub'] / 1e6:8.2f}  {over}"
        )
    epubs = [row["epub"] for row in results]
    print(f"\n{len(results)} handouts, {jobs} worker(s)")
    print(f"cold (synthesize + encode everything): {cold:.1f} s wall")
    print(f"warm (all clips and MP3s cached):      {warm:.1f} s wall")
    median = statistics.median(r["seconds"] for r in results)
    print(f"per handout, cold, median:             {median:.1f} s")
    print(f"audio total:                           {sum(r['minutes'] for r in results):.0f} min")
    print(
        f"audio EPUB sizes: {min(epubs) / 1e6:.2f}-{max(epubs) / 1e6:.2f} MB (median "
        f"{statistics.median(epubs) / 1e6:.2f}); over 5 MB: {sum(e > EPUB_BUDGET for e in epubs)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
