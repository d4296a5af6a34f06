#!/usr/bin/env python3
"""Author preview benchmark for this machine (not a test): prints the figures
benchmarks/RESULTS.md records.

    .venv/bin/python benchmarks/bench_preview.py [--edits 7]

Works on a copy of the project in a temporary folder (the real source is never touched),
starts the real preview server (``make_docs.py preview``), opens it in Debian's Chromium
(Playwright), saves edits of the handout's last key point and waits in the browser for
each to appear, then stops everything. Figures (absolute times vary between machines):
  save -> web page       the new words in the web page's frame: median <= 0.5 s
  save -> PDF pages      the first page picture of the new PDF loaded in the page:
                         median <= 1.3x WeasyPrint's own render of the same print HTML,
                         warm, in this process, one sample after each edit (same run)
  memory                 resident set of the server and of its worker processes
  command line           one output (build --locale fr-CA --variant general --format html
                         --force), median of 3 runs, a new process each
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from relapse_handouts import BuildConfig  # noqa: E402
from relapse_handouts.formats import output_format  # noqa: E402
from relapse_handouts.gather import gather  # noqa: E402
from relapse_handouts.html import HtmlRenderer  # noqa: E402
from tests.base import PreviewServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
HANDOUT = Path("source/handouts/relapsed-all.yaml")
LAST_KEY_POINT = "  - Write down your questions. Your child's care team is there to help.\n"

# The page's script marks each locale's section with the revision of the web page and of
# the PDF it shows (data-web-shown when the frame has loaded, data-pdf-shown when a page
# picture has). An observer in the page notes the time of each mark as it happens, so the
# benchmark reads them now and then instead of polling the page (which would take CPU from
# the render it measures).
OBSERVE = """(locales) => {
    window.__marks = [];
    for (const locale of locales) {
        const section = document.getElementById(`locale-${locale}`);
        new MutationObserver((changes) => {
            for (const change of changes) {
                const at = Date.now();
                const kind = change.attributeName === "data-web-shown" ? "web" : "pdf";
                const frame = section.querySelector("iframe.web").contentDocument;
                const text = kind === "web" && frame && frame.body ? frame.body.innerText : "";
                window.__marks.push({locale, kind, at, text,
                                     rev: Number(section.getAttribute(change.attributeName))});
            }
        }).observe(section, {attributes: true,
                             attributeFilter: ["data-web-shown", "data-pdf-shown"]});
    }
}"""
REVS = """(locale) => {
    const section = document.getElementById(`locale-${locale}`);
    return {web: Number(section.dataset.webShown || 0), pdf: Number(section.dataset.pdfShown || 0)};
}"""


def copy_project(target: Path) -> Path:
    project = target / "project"
    for name in ("source", "layouts", "styles"):
        shutil.copytree(ROOT / name, project / name)
    return project


def raw_renderer(project: Path) -> Callable[[], float]:
    """Plain WeasyPrint on the print HTML of the previewed document (as it is on disk
    when called), warm, in this process; returns the seconds of one render."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from relapse_handouts.pdf import ProjectOnlyFetcher

    config = BuildConfig.for_project(
        project, variants=("general",), locales=("en-CA",), formats=("pdf",),
        editions=("standard",), papers=("letter",),
    )  # fmt: skip
    fonts, fetcher = FontConfiguration(), ProjectOnlyFetcher(config.readable_dirs)
    base = project.as_uri() + "/"

    def seconds() -> float:
        resolved = next(iter(gather(config).documents.values()))
        html = HtmlRenderer(config).render(resolved, output_format("pdf"), "letter").html
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        started = time.perf_counter()
        HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
            pdf_variant="pdf/ua-1", pdf_identifier=identifier, font_config=fonts
        )
        return time.perf_counter() - started

    seconds()  # the first render warms caches up
    return seconds


def save_and_wait(page, project: Path, locales: tuple[str, ...], text: str) -> list[float]:  # type: ignore[no-untyped-def]
    """Save ``text`` as the last key point; seconds until each locale's web page, then
    its PDF pictures, show it: [web, pdf] (English only: the translations keep theirs)."""
    path = project / HANDOUT
    content = path.read_text(encoding="utf-8")
    kept = re.sub(r"(?m)^  - Write down [^\n]*\n", f"  - Write down {text}\n", content, count=1)
    before = {loc: page.evaluate(REVS, loc) for loc in locales}
    page.evaluate("() => { window.__marks = []; }")
    saved = time.time()
    path.write_text(kept, encoding="utf-8")
    seen: dict[tuple[str, str], float] = {}
    deadline = time.monotonic() + 120
    while len(seen) < 2 * len(locales):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no update within 120 s: {seen}")
        page.wait_for_timeout(100)
        for mark in page.evaluate("() => window.__marks"):
            key = (mark["locale"], mark["kind"])
            wanted = text if key == ("en-CA", "web") else ""
            if key not in seen and mark["rev"] > before[key[0]][key[1]] and wanted in mark["text"]:
                seen[key] = mark["at"] / 1000 - saved
    return [seen[loc, kind] for loc in locales for kind in ("web", "pdf")]


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident set (MB) of the server process and of all its children together."""

    def rss(one: str) -> float:
        status = Path(f"/proc/{one}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024  # type: ignore[index]

    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return rss(str(pid)), sum(rss(child) for child in children)


def cli_build_seconds(project: Path, runs: int = 4) -> list[float]:
    """Seconds of each run; the first in a new copy also narrates the read-aloud page
    (``--format html`` selects it too) and writes the font configuration."""
    command = [sys.executable, str(ROOT / "make_docs.py"), "--project", str(project), "build",
               "--locale", "fr-CA", "--variant", "general", "--format", "html",
               "--force"]  # fmt: skip
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def run_series(server, project, locales, edits, raw=None):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    query = "&".join(f"locale={loc}" for loc in locales)
    results, raws = [], []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server.url}/?variant=general&edition=standard&paper=letter&{query}")
        page.evaluate(OBSERVE, list(locales))
        save_and_wait(page, project, locales, "your questions (warm-up).")
        for index in range(edits):
            results.append(save_and_wait(page, project, locales, f"question number {index}."))
            if raw:
                raws.append(raw())  # the server is idle now: same machine state, in turn
        browser.close()
    return results, raws


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=7, help="saves per series")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as folder:
        project = copy_project(Path(folder))
        assert LAST_KEY_POINT in (project / HANDOUT).read_text(encoding="utf-8")
        raw = raw_renderer(project)
        with PreviewServer(project, Path(folder) / "server.log") as server:
            one, raws = run_series(server, project, ("en-CA",), args.edits, raw)
            two, _ = run_series(server, project, ("en-CA", "ar"), max(3, args.edits // 2))
            server_mb, workers_mb = memory_mb(server.process.pid)
        cli = cli_build_seconds(project)
    web = statistics.median(r[0] for r in one)
    pdf = statistics.median(r[1] for r in one)
    weasy = statistics.median(raws)
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, {args.edits} saves")
    print(f"save -> web page in the browser (en-CA): median {web * 1000:.0f} ms "
          f"(max {max(r[0] for r in one) * 1000:.0f} ms; target <= 500 ms)")  # fmt: skip
    print(f"save -> PDF page pictures in the browser (en-CA, 12 pages): median "
          f"{pdf * 1000:.0f} ms = {pdf / weasy:.2f}x WeasyPrint's own render "
          f"({weasy * 1000:.0f} ms median, same run; target <= 1.3x)")  # fmt: skip
    print(
        "two locales side by side (en-CA + ar), medians: web "
        + ", ".join(f"{statistics.median(r[i] for r in two) * 1000:.0f} ms" for i in (0, 2))
        + "; PDF "
        + ", ".join(f"{statistics.median(r[i] for r in two) * 1000:.0f} ms" for i in (1, 3))
    )
    print(f"memory: server {server_mb:.0f} MB, its worker processes {workers_mb:.0f} MB "
          f"(resident, together {server_mb + workers_mb:.0f} MB)")  # fmt: skip
    print(
        "command line, one output (fr-CA general html and its read-aloud page, --force): "
        f"first in the new copy {cli[0]:.2f} s (narration synthesized), then "
        + ", ".join(f"{t:.2f} s" for t in cli[1:])
        + f" (median {statistics.median(cli[1:]):.2f} s; target < 1 s on a quiet machine)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
