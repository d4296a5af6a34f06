"""What e-readers and screen readers will meet: every built file through its validator.

EPUBCheck 5 on every EPUB, Ace by DAISY on one EPUB per script, and the PDF/UA structure
checks on every tagged PDF (booklets are print files, untagged by design). Marked slow:
the default run checks the quick build's books (test_epub.py); CI runs these too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from tests.base import ACE, epubcheck, outloud_problems, personalize

pytestmark = pytest.mark.slow

ONE_PER_SCRIPT = ("en-CA", "zh-Hans", "ar", "pa")  # Latin, Han, Arabic, Gurmukhi


def test_epubcheck_passes_every_epub(full_build, tmp_path):
    output, _ = full_build
    books = sorted(output.rglob("*.epub"))
    assert len(books) == 96  # 8 variants x 6 locales, each without and with narration
    found = epubcheck(books, tmp_path)  # one Java process for all of them
    assert {str(book): messages for book, messages in found.items() if messages} == {}


@pytest.mark.parametrize("locale", ONE_PER_SCRIPT)
def test_ace_passes_one_epub_per_script(full_build, tmp_path, locale):
    chromium = shutil.which("chromium")
    if not ACE.exists() or not chromium:
        pytest.skip("ACE BY DAISY NOT RUN: 'bash run.sh setup' installs it with Debian chromium")
    output, _ = full_build
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    subprocess.run(
        [str(ACE), "--silent", "-o", str(tmp_path), str(output / locale / "relapsed-all-cns.epub")],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = json.loads((tmp_path / "report.json").read_text())
    violations = [
        (a["earl:testSubject"]["url"], b["earl:test"]["dct:title"])
        for a in report["assertions"]
        for b in a.get("assertions", [])
    ]
    assert violations == []


def test_every_tagged_pdf_has_the_pdf_ua_structure(full_build):
    output, _ = full_build
    pdfs = [p for p in sorted(output.rglob("*.pdf")) if ".booklet." not in p.name]
    assert len(pdfs) == 48 * 6  # standard, large print and summary, 2 papers each
    for path in pdfs:
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        locale = path.parent.name
        assert "/StructTreeRoot" in root, path
        assert root["/Lang"] == locale, path
        assert bool(root["/MarkInfo"]["/Marked"]), path
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]), path
        assert reader.outline, path
        metadata = root["/Metadata"].get_object().get_data()
        assert re.search(rb"pdfuaid:part[^0-9]*1", metadata), path
        if locale == "ar":
            assert root["/ViewerPreferences"]["/Direction"] == "/R2L", path


def _outloud_verdicts(paths) -> dict[str, list[str]]:
    """outloud on each PDF, in processes (it is pure Python and CPU-bound): the errors and
    the warnings not explained in docs/accessibility.md, per file; an empty dict when all pass."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = dict(zip(paths, pool.map(outloud_problems, paths), strict=True))
    return {str(path): problems for path, problems in results.items() if problems}


def test_outloud_passes_every_tagged_pdf(full_build):
    output, _ = full_build
    pdfs = [p for p in sorted(output.rglob("*.pdf")) if ".booklet." not in p.name]
    assert len(pdfs) == 48 * 6  # standard, large print and summary, 2 papers each
    assert _outloud_verdicts(pdfs) == {}


def test_outloud_passes_personalized_handouts_in_every_locale(tmp_path):
    from tests.base import REPO, make_project

    project = make_project(tmp_path, "real")
    paths = []
    for locale in ("en-CA", "fr-CA", "es", "zh-Hans", "ar", "pa"):
        for paper in ("letter", "a4"):
            out = tmp_path / f"{locale}.{paper}.pdf"
            sheet = REPO / "examples/care-sheet.yaml"
            result = personalize(project, out, "--paper", paper, locale=locale, sheet=sheet)
            assert result.code == 0, result.err
            paths.append(out)
    assert _outloud_verdicts(paths) == {}
