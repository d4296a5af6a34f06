#!/usr/bin/env python3
"""Build benchmark for this machine (not a test): prints the figures of RESULTS.md.

    .venv/bin/python benchmarks/bench_build.py

Works on a copy of the project in a temporary folder, so the real source and output/
are never touched. Figures:
  cold full matrix      wall time of a forced build of every read output (PDF editions,
                        EPUB, web page; read-aloud outputs: bench_audio.py), all cores
  floor                 sum of raw WeasyPrint render times of the same final HTML of every
                        tagged PDF, in one warm process (what no pipeline can go below)
  overhead ratio        wall x cores / floor (target <= 1.15): the pipeline's own cost
                        mixed with how two worker processes slow each other on this machine
  one-worker ratio      wall of the same forced build with one worker (-j 1) / floor: the
                        pipeline's own overhead, read apart from parallel scaling
  parallel efficiency   sum of per-output render times / (wall x cores)
  no-op rebuild         the whole 'make_docs.py build' command when nothing changed (< 0.5 s)
  one-file edit         rebuild after editing one paragraph of one locale's translation,
                        and a one-output preview of that edit
  per-document median   median time to produce one output
  peak memory / worker  largest resident set of a worker process (< 250 MB)
  personalized handout  'make_docs.py personalize' end to end (< 1.5 s)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from relapse_handouts import BuildConfig, build  # noqa: E402
from relapse_handouts.formats import OUTPUTS  # noqa: E402

# The read matrix (PDF editions, EPUB, web page), as in earlier runs: the read-aloud
# outputs have their own benchmark (bench_audio.py) and no WeasyPrint floor.
READ = tuple(entry for entry in OUTPUTS if entry.renderer != "read-aloud")
FILTERS = {
    "formats": tuple(dict.fromkeys(entry.format for entry in READ)),
    "editions": tuple(dict.fromkeys(entry.edition for entry in READ)),
}
FILTER_ARGS = [
    *(arg for name in FILTERS["formats"] for arg in ("--format", name)),
    *(arg for name in FILTERS["editions"] for arg in ("--edition", name)),
]
from relapse_handouts.i18n import is_latin_script  # noqa: E402


def copy_project(target: Path) -> Path:
    for name in ("source", "layouts", "styles", "relapse_handouts", "examples"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "make_docs.py", target)
    return target


def command_seconds(project: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "make_docs.py", *args], cwd=project, check=True, capture_output=True
    )
    return time.perf_counter() - started


def weasyprint_floor(config: BuildConfig) -> tuple[float, int]:
    """Render the final HTML of every tagged PDF with plain WeasyPrint, warm, one process."""
    import hashlib

    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from relapse_handouts.gather import gather
    from relapse_handouts.html import HtmlRenderer
    from relapse_handouts.pdf import ProjectOnlyFetcher, _reading_direction

    gathered = gather(config)
    html = HtmlRenderer(config)
    documents = [
        html.render(gathered.documents[spec.document_key], spec.output, spec.paper)
        for spec in gathered.specs
        if spec.output.renderer == "pdf" and spec.output.tagged
    ]
    fonts, fetcher = FontConfiguration(), ProjectOnlyFetcher(config.readable_dirs)
    base = config.root.as_uri() + "/"

    def render(document) -> None:
        HTML(string=document.html, base_url=base, url_fetcher=fetcher).render(
            font_config=fonts
        ).write_pdf(
            pdf_variant="pdf/ua-1",
            finisher=_reading_direction(document.resolved.direction),
            pdf_identifier=hashlib.sha256(document.html.encode()).hexdigest()[:32].encode(),
        )

    render(documents[0])  # warm up
    started = time.perf_counter()
    for document in documents:
        render(document)
    return time.perf_counter() - started, len(documents)


def edit_one_paragraph(project: Path) -> None:
    path = project / "source/translations/fr-CA.yaml"
    header = "".join(line for line in path.read_text().splitlines(True)[:3])
    data = yaml.safe_load(path.read_text())
    unit = data["units"]["relapsed-all.clinical-trials.1"]
    unit["text"] = unit["text"] + " "  # a real edit: new bytes, same meaning
    unit["text"] = unit["text"].rstrip() + "\u00a0"
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88))


def main() -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        config = BuildConfig.for_project(project, jobs=cores, **FILTERS)
        started = time.perf_counter()
        result = build(config, force=True)
        wall = time.perf_counter() - started
        floor, pdf_count = weasyprint_floor(BuildConfig.for_project(project, **FILTERS))
        started = time.perf_counter()
        single = build(BuildConfig.for_project(project, jobs=1, **FILTERS), force=True)
        one_worker = time.perf_counter() - started
        assert len(single.built) == len(result.built)
        noop = min(command_seconds(project, "build", *FILTER_ARGS) for _ in range(3))
        edit_one_paragraph(project)
        edit = command_seconds(project, "build", *FILTER_ARGS)
        edit_one_paragraph(project)
        preview = command_seconds(
            project, "build", "--locale", "fr-CA", "--variant", "general", "--format", "html"
        )
        personal = min(
            command_seconds(
                project,
                "personalize",
                "--variant",
                "cns",
                "--sheet",
                "examples/care-sheet.yaml",
                "-o",
                str(Path(folder) / "child.pdf"),
            )
            for _ in range(3)
        )
    seconds = [artifact.seconds for artifact in result.built]
    sizes = {"Latin": [], "other scripts": []}
    for artifact in result.built:
        if artifact.spec.output.media_type == "application/pdf":
            key = "Latin" if is_latin_script(artifact.spec.locale) else "other scripts"
            sizes[key].append(len(artifact.data) / 1024)
    print(f"machine: {cores} cores, Python {sys.version.split()[0]}")
    print(f"cold full matrix: {len(result.built)} outputs in {wall:.1f} s wall ({cores} workers)")
    print(f"floor (raw WeasyPrint, {pdf_count} tagged PDFs, warm, 1 process): {floor:.1f} s")
    print(f"overhead ratio (wall x cores / floor): {wall * cores / floor:.2f}  (target <= 1.15)")
    print(
        f"one worker (-j 1, same {len(single.built)} outputs): {one_worker:.1f} s wall; "
        f"ratio to floor {one_worker / floor:.2f}"
    )
    print(f"parallel efficiency: {sum(seconds) / (wall * cores):.0%}")
    print(f"no-op rebuild, whole command: {noop:.2f} s  (target < 0.5 s)")
    print(
        f"one-paragraph edit (fr-CA), whole command: {edit:.1f} s; "
        f"one-output preview of the edit: {preview:.2f} s"
    )
    print(f"per-output median: {statistics.median(seconds):.2f} s (max {max(seconds):.2f} s)")
    print(
        f"peak memory per worker: {max(a.worker_peak_kb for a in result.built) / 1024:.0f} MB"
        "  (target < 250 MB)"
    )
    print(f"personalized handout end to end: {personal:.2f} s  (target < 1.5 s)")
    for group, values in sizes.items():
        if values:
            print(
                f"PDF sizes, {group}: min {min(values):.0f} KB, median "
                f"{statistics.median(values):.0f} KB, max {max(values):.0f} KB "
                f"({len(values)} files)"
            )


if __name__ == "__main__":
    main()
