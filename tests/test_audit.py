"""``make_docs.py audit`` and ``output/accessibility.html``: written from the checkers'
real output, cached by each file's sha256, kept honest by every build."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from relapse_handouts import build
from relapse_handouts.checkers import (
    ACE_ALL,
    CHROMIUM,
    ace_books,
    epubcheck_books,
    open_chromium,
    tool_versions,
    web_check_pages,
    web_checks,
)
from tests.base import config_for, make_project, run_cli

pytestmark = pytest.mark.slow  # every checker over a narrow build: about 1.5 minutes


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """A narrow build (English and Arabic CNS: A4 PDFs, EPUB, web page), then an audit."""
    versions = tool_versions()
    if not versions["pdf"] or not versions["html"]:
        pytest.fail(f"a checker is missing ({versions}): 'bash run.sh setup' installs them")
    formats = ("pdf", "epub", "html")
    if not versions["epub"]:  # Ace by DAISY needs Node.js 20 (see run.sh)
        print("\nACE BY DAISY NOT INSTALLED: the audit test leaves EPUBs out", file=sys.stderr)
        formats = ("pdf", "html")
    project = make_project(tmp_path_factory.mktemp("audit"), "real")
    config = config_for(
        project,
        locales=("en-CA", "ar"),
        variants=("cns",),
        formats=formats,
        papers=("a4",),
        editions=("standard", "large-print", "booklet"),
    )
    build(config)
    result = run_cli("--project", project, "audit")
    return project, result


def test_audit_checks_every_output_and_passes(audited):
    project, result = audited
    assert result.code == 0, result.err
    assert "0 file(s) fail, 0 not checked" in result.out
    output = project / "output"
    cache = json.loads((output / ".audit-cache.json").read_text())
    checkers = sorted({r["checker"] for records in cache.values() for r in records})
    expected = ["Ace by DAISY", "EPUBCheck", "axe-core", "outloud"]
    assert checkers == (expected if tool_versions()["epub"] else expected[2:])
    manifest = json.loads((output / "manifest.json").read_text())["outputs"]
    for entry in manifest:
        if entry["format"] in ("pdf", "epub", "html") and entry["edition"] != "booklet":
            assert any(entry["sha256"] in key for key in cache), entry["path"]


def test_report_lists_claims_versions_and_results(audited):
    project, _ = audited
    html = (project / "output/accessibility.html").read_text()
    versions = tool_versions()
    for claim in ("PDF/UA-1", "EPUB Accessibility 1.1", "WCAG 2.2 AA"):
        assert claim in html
    assert versions["pdf"] in html and versions["html"] in html
    assert re.search(r"en-CA/relapsed-all-cns\.a4\.pdf</a></th>\s*<td>passes</td>", html)
    assert "outloud 0.2.1: 0 errors" in html
    assert "print file (imposed pages, untagged by design): no claim" in html
    catalog = (project / "output/index.html").read_text()
    assert 'href="accessibility.html"' in catalog


def test_a_second_audit_uses_the_cache(audited):
    project, _ = audited
    again = run_cli("--project", project, "audit")
    assert again.code == 0
    assert "audit: checking" not in again.err


def test_a_rebuilt_file_shows_as_not_checked_until_the_next_audit(audited, tmp_path):
    project, _ = audited
    handout = project / "source/handouts/relapsed-all.yaml"
    text = re.sub(r'content_version: "[^"]+"', 'content_version: "9.9.9"', handout.read_text())
    handout.write_text(text)
    config = config_for(
        project, locales=("en-CA",), variants=("cns",), formats=("html",), editions=("standard",)
    )
    build(config)
    html = (project / "output/accessibility.html").read_text()
    assert re.search(
        r"en-CA/relapsed-all-cns\.html</a></th>\s*<td>not checked since it was built", html
    )
    assert re.search(r"ar/relapsed-all-cns\.html</a></th>\s*<td>passes</td>", html)


def test_the_report_page_itself_passes_axe(audited):
    project, _ = audited
    with open_chromium() as browser:
        result = web_checks(browser, project / "output/accessibility.html")
    assert result.findings == ()


ACCESS_MODE = r'\s*<meta property="schema:accessMode">[^<]*</meta>'
MISSING_ITEM = '<item href="missing.xhtml" id="missing" media-type="application/xhtml+xml"/>'


def broken_book(good: Path, broken: Path) -> Path:
    """A copy of ``good`` that each EPUB checker fails: no accessMode metadata (Ace) and a
    manifest item whose file is missing (EPUBCheck)."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".opf"):
                text = re.sub(ACCESS_MODE, "", data.decode())
                data = text.replace("<manifest>", f"<manifest>{MISSING_ITEM}").encode()
            target.writestr(info, data)
    return broken


def test_batched_epub_checkers_keep_each_books_verdict_in_place(audited, tmp_path):
    """One Java and one Node process check a batch: the failing book in the middle keeps
    its own findings and the books around it pass, none dropped or shifted."""
    if not tool_versions()["epub"]:
        pytest.skip("Ace by DAISY is not installed")
    output = audited[0] / "output"
    books = [output / "en-CA/relapsed-all-cns.epub", output / "ar/relapsed-all-cns.epub"]
    batch = [books[0], broken_book(books[0], tmp_path / "broken.epub"), books[1]]
    checked = epubcheck_books(batch)
    assert [r.findings for r in checked] == [
        (),
        ('error RSC-001: File "EPUB/missing.xhtml" could not be found.',),
        (),
    ]
    aced = ace_books(batch)
    assert [r.findings for r in aced] == [(), ("error metadata-accessmode: EPUB/content.opf",), ()]
    assert [r.passed for r in aced] == [True, False, True]


def ace_reports(books: list[Path], reports: Path, own_runner: bool) -> list[dict]:
    """tools/ace-all.js's JSON report per book, dates and temporary paths taken out."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM}
    if own_runner:
        env["ACE_OWN_RUNNER"] = "1"
    command = ["node", str(ACE_ALL), str(reports), *map(str, books)]
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True, timeout=300)
    texts = [(reports / f"{index}.json").read_text("utf-8") for index in range(len(books))]
    texts = [re.sub(r'"dct:date":"[^"]*"', '"dct:date":""', text) for text in texts]
    return [json.loads(re.sub(r"/tmp/ace-[A-Za-z0-9]+", "TMP", text)) for text in texts]


def test_ace_in_reused_tabs_reports_as_aces_own_runner(audited, tmp_path):
    """ace-all.js's tabs go from document to document with Ace's scripts added by URL:
    every report (findings, extracted data, outlines) is the one of Ace's own runner,
    which opens a new tab and injects the scripts for each document."""
    if not tool_versions()["epub"]:
        pytest.skip("Ace by DAISY is not installed")
    output = audited[0] / "output"
    good = output / "ar/relapsed-all-cns.epub"
    no_lang = tmp_path / "no-lang.epub"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(no_lang, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".xhtml"):  # no language on each document's <html>
                data = re.sub(rb' (xml:)?lang="[^"]*"', b"", data, count=2)
            target.writestr(info, data)
    books = [no_lang, good]
    reused = ace_reports(books, tmp_path / "reused", own_runner=False)
    assert reused == ace_reports(books, tmp_path / "own", own_runner=True)
    titles = {b["earl:test"]["dct:title"] for a in reused[0]["assertions"] for b in a["assertions"]}
    assert titles == {"html-has-lang"}
    assert [b for a in reused[1]["assertions"] for b in a["assertions"]] == []


def test_batched_pages_keep_each_pages_verdict_in_place(audited, tmp_path):
    output = audited[0] / "output"
    pages = [output / "en-CA/relapsed-all-cns.html", output / "ar/relapsed-all-cns.html"]
    broken = tmp_path / "no-lang.html"  # the pages carry their styles and pictures
    text = pages[0].read_text("utf-8")
    broken.write_text(re.sub(r"<html[^>]*>", "<html>", text, count=1), "utf-8")
    results = web_check_pages([pages[0], broken, pages[1]])
    assert [r.passed for r in results] == [True, False, True]
    assert results[1].findings[0].startswith("error html-has-lang:")
