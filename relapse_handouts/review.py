"""``output/review.html``: the editor's page. Readability, glossary coverage, review
dates, translation status, structure checks of the built PDFs, and a small picture of
page 1 of each handout (drawn with poppler's pdftoppm when it is installed)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pypdf import PdfReader

from .approvals import ApprovalStatus
from .config import BuildConfig
from .files import atomic_write, read_text
from .formats import OUTPUTS
from .model import Project
from .quality import QualityReport
from .templates import layout_environment
from .translate import load_translation, translation_path

__all__ = ["write_review"]


def write_review(
    config: BuildConfig,
    project: Project,
    reports: tuple[QualityReport, ...],
    statuses: Mapping[tuple[str, str], ApprovalStatus] | None = None,
) -> Path:
    slugs = {variant.id: variant.slug for variant in project.variants}
    # The page shown is the first tagged per-paper output of the formats table.
    shown = next(entry for entry in OUTPUTS if entry.per_paper and entry.tagged)
    rows = [
        _row(
            config,
            report,
            slugs[report.variant],
            shown.path_name(slugs[report.variant], project.site.papers[0]),
        )
        for report in reports
    ]
    env = layout_environment(config.layouts_dir, config.root)
    html = env.get_template("review.html.j2").render(
        rows=rows,
        handouts=project.handouts,
        terms=project.site.medical_terms,
        translations=_translation_status(config, project, statuses or {}),
        css=Markup(
            read_text(
                config.styles_dir / "review.css",
                Path("styles/review.css"),
                inside=(config.styles_dir,),
            )
        ),
    )
    path = config.output_dir / "review.html"
    atomic_write(path, html.encode("utf-8"))
    return path


def _row(config: BuildConfig, report: QualityReport, slug: str, file_name: str) -> dict[str, Any]:
    pdf = config.output_dir / report.locale / file_name
    return {
        "report": report,
        "pdf": _pdf_checks(pdf),
        "picture": _page_one(pdf, config.output_dir / "review" / f"{report.locale}-{slug}.png"),
        "sections_over": [
            s.section_id for s in report.scores[:-1] if s.grade is not None and s.grade > 8
        ],
    }


def _pdf_checks(pdf: Path) -> str:
    """The PDF/UA structure checks the tests also make (tags, language, title, outline),
    then outloud's PDF/UA-1 rules."""
    if not pdf.is_file():
        return "not built"
    reader = PdfReader(pdf)
    root: Any = reader.trailer["/Root"]
    problems = [
        name
        for name, ok in (
            ("tags", "/StructTreeRoot" in root),
            ("language", "/Lang" in root),
            ("title shown", bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"))),
            ("outline", bool(reader.outline)),
        )
        if not ok
    ]
    verdict = "ok" if not problems else "missing: " + ", ".join(problems)
    return f"{verdict}; {_outloud_summary(pdf)}"


def _outloud_summary(pdf: Path) -> str:
    """The PDF/UA-1 verdict of outloud, the independent checker CI runs, when installed."""
    from .checkers import outloud_check, outloud_version

    if outloud_version() is None:
        return "outloud not installed: PDF/UA-1 not checked"
    result = outloud_check(pdf)
    if result.failed_to_run:
        return f"outloud {result.version} could not check it: {result.failed_to_run}"
    return f"outloud {result.version}: {result.errors} errors, {result.warnings} warnings"


def _page_one(pdf: Path, picture: Path) -> str | None:
    if not pdf.is_file() or not shutil.which("pdftoppm"):
        return None
    picture.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(picture.with_suffix("")),
        ],
        check=True,
        capture_output=True,
    )
    return picture.relative_to(picture.parent.parent).as_posix()


def _translation_status(
    config: BuildConfig, project: Project, statuses: Mapping[tuple[str, str], ApprovalStatus]
) -> list[dict[str, Any]]:
    rows = []
    for locale, info in project.site.locales.items():
        review = [
            {
                "text": f"{handout.id}: {status.summary()}",
                "problem": status.state != "approved" or bool(status.due),
            }
            for handout in project.handouts
            if (status := statuses.get((handout.id, locale)))
        ]
        row: dict[str, Any] = {"locale": locale, "name": info.name, "review": review}
        if (
            locale != project.site.source_locale
            and translation_path(config.source_dir, locale).is_file()
        ):
            report = load_translation(
                project, config.source_dir, locale, Path(f"source/translations/{locale}.yaml")
            )
            row.update(missing=len(report.missing), stale=len(report.stale))
        rows.append(row)
    return rows
