"""No PDF wastes a sheet: the last page carries more than a few lines (issue 10, 4), and a
personalized handout fills in the fever temperature and the number to call (issue 10, 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
import yaml

from tests.base import REPO, first_by_default, make_project, pdf_text, personalize

# A last page with fewer body lines than this is "a page with only a few lines".
MIN_LAST_PAGE_LINES = 6


def body_lines(page_text: str, running: set[str]) -> list[str]:
    """The text lines of a page without its running header and footer."""
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return [line for line in lines if not any(part in line for part in running)]


def running_words(pages: list[str]) -> set[str]:
    """Header and footer lines: the lines every page but the first has in common."""
    later = [set(text.splitlines()) for text in pages[1:]]
    if len(later) < 2:
        return set()
    common = set.intersection(*later)
    # "Page X of Y" differs per page: recognise it by the total.
    return {line for line in common if line.strip()} | {f"of {len(pages)}"}


def last_page_lines(pdf: Path) -> int:
    # PyMuPDF, not pypdf: its text lines are the lines as drawn (a running head's parts
    # are lines of their own), and it reads every page of 70 PDFs in seconds, not minutes.
    with pymupdf.open(pdf) as document:
        pages = [page.get_text() for page in document]
    return len(body_lines(pages[-1], running_words(pages)))


def short_last_pages(output: Path) -> tuple[int, dict[str, int]]:
    """How many PDFs (booklets aside: their padding pages are blank by design) and those
    whose last page holds fewer than MIN_LAST_PAGE_LINES lines."""
    pdfs = [p for p in sorted(output.rglob("*.pdf")) if ".booklet." not in p.name]
    lines = {str(p.relative_to(output)): last_page_lines(p) for p in pdfs}
    return len(pdfs), {path: n for path, n in lines.items() if n < MIN_LAST_PAGE_LINES}


def test_no_pdf_of_the_quick_build_ends_on_a_nearly_empty_page(real_build):
    output, _ = real_build
    count, short = short_last_pages(output)
    assert count >= 8 * 4  # every English variant, standard and large print, both papers
    assert not short, f"last pages with fewer than {MIN_LAST_PAGE_LINES} lines: {short}"


@pytest.mark.slow
def test_no_pdf_of_the_whole_matrix_ends_on_a_nearly_empty_page(full_build):
    output, _ = full_build
    count, short = short_last_pages(output)
    assert count >= 8 * 6 * 4
    assert not short, f"last pages with fewer than {MIN_LAST_PAGE_LINES} lines: {short}"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("lastpage"), "real")


@pytest.mark.parametrize("locale", first_by_default("ar", "en-CA", "fr-CA", "pa"))
def test_personalized_cns_handout_fills_in_when_to_call(project, tmp_path, locale):
    out = tmp_path / f"cns-{locale}.pdf"
    result = personalize(project, out, locale=locale, sheet=REPO / "examples/care-sheet.yaml")
    assert result.code == 0, result.err
    assert last_page_lines(out) >= MIN_LAST_PAGE_LINES
    text = pdf_text(out)
    sheet = yaml.safe_load((REPO / "examples/care-sheet.yaml").read_text(encoding="utf-8"))
    assert sheet["fever_temperature"].split()[0] in text
    assert sheet["call_right_away"]["phone"] in text
    if locale == "en-CA":
        assert f"A fever is a temperature of {sheet['fever_temperature']} or higher" in text
        assert "Oncology clinic" in text and "then write them here" not in text


def test_unfilled_care_sheet_keeps_blanks(project, tmp_path):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text("child_first_name: Sam\n", encoding="utf-8")
    out = tmp_path / "sam.pdf"
    result = personalize(project, out, variant="general", locale="en-CA", sheet=sheet)
    assert result.code == 0, result.err
    text = pdf_text(out)
    assert "then write them here" in text
    assert re.search(r"A fever is a temperature of\s+or higher", text)


@pytest.mark.parametrize("value", ["hot", "38", "100 °K", "<b>38</b>", "38.0 °C" + "x" * 20])
def test_fever_temperature_is_refused_unless_it_reads_as_one(project, tmp_path, value):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(yaml.safe_dump({"fever_temperature": value}), encoding="utf-8")
    result = personalize(project, tmp_path / "x.pdf", locale="en-CA", sheet=sheet)
    assert result.code == 1
    assert "sheet.yaml:1: error: fever_temperature:" in result.err
    # never echoes what was typed (the message after the file's name: the temporary
    # folder's name has digits of its own, such as "pytest-638")
    assert value not in result.err.replace(str(sheet), "sheet.yaml")
