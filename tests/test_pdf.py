"""PDF stage: structure read back from the built file (never byte snapshots)."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from relapse_handouts import load_project
from relapse_handouts.markup import plain_text
from relapse_handouts.names import expand_names
from tests.base import REPO, config_for

PAPER_POINTS = {"letter": (612, 792), "a4": (595, 842)}


@pytest.fixture(scope="module")
def shipped_sections():
    # Titles as printed: medicine and term references ({drug:ID}) filled in by name.
    project = expand_names(load_project(config_for(REPO)))
    return [plain_text(section.title) for section in project.handouts[0].sections]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_pdf_is_tagged_pdf_ua_with_language_and_title(real_build, paper):
    output, _ = real_build
    reader = PdfReader(output / f"en-CA/relapsed-all.{paper}.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean)
    assert root["/Lang"] == "en-CA"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == PAPER_POINTS[paper]


def test_pdf_metadata_names_publisher_title_subject(real_build):
    output, _ = real_build
    meta = PdfReader(output / "en-CA/relapsed-all.letter.pdf").metadata
    assert meta.title == "Treatments for relapsed or refractory childhood ALL"
    assert meta.author == "Paediatric Oncology Family Education Team"
    assert meta.subject.startswith("An overview for families")
    assert "relapse" in meta["/Keywords"]


def test_every_section_has_a_bookmark(real_build, shipped_sections):
    output, _ = real_build
    reader = PdfReader(output / "en-CA/relapsed-all.letter.pdf")

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    bookmarks = list(titles(reader.outline))
    for title in shipped_sections + ["Words to know", "References", "About this handout"]:
        assert title in bookmarks


def test_all_fonts_embedded_and_subset(real_build):
    output, _ = real_build
    reader = PdfReader(output / "en-CA/relapsed-all.letter.pdf")
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            assert re.match(r"^/[A-Z]{6}\+", font["/BaseFont"]), font["/BaseFont"]
            seen.add(font["/BaseFont"])
    assert seen


def test_footer_and_header_carry_page_numbers_version_and_review_date(real_build):
    output, result = real_build
    reader = PdfReader(output / "en-CA/relapsed-all.letter.pdf")
    pages = len(reader.pages)
    first, second = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    assert f"Page 1 of {pages}" in first
    # No named reviewer has signed the shipped content: no review date is claimed.
    assert "Version 1.1.0 · Draft, not yet reviewed" in first and "Last reviewed" not in first
    assert "Treatments for relapsed or refractory childhood ALL" in second
    entry = next(e for e in result.manifest.entries if e["path"] == "en-CA/relapsed-all.letter.pdf")
    assert entry["pages"] == pages


def test_disclaimer_and_references_close_the_handout(real_build):
    output, _ = real_build
    reader = PdfReader(output / "en-CA/relapsed-all.letter.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.index("References") < text.index("Medical disclaimer")
    assert "does not replace the advice of your" in text
    assert "Regulatory Decision Summary: Blincyto" in text


def test_no_renderer_warnings(real_build, tiny_build):
    for _, result in (real_build, tiny_build):
        assert result.warnings == ()
        assert all(artifact.warnings == () for artifact in result.built)
