"""How Punjabi print flows (the longest rows and lines): a short term in brackets,
"(T cells)", is never split over two lines (markup.keep_glosses); in large print, a
medicine row with a long reason goes on over a page instead of leaving the page before
it a third empty (styles/large-print.css)."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
from markupsafe import Markup

from relapse_handouts import build
from relapse_handouts.markup import keep_glosses
from tests.base import config_for, make_project
from tests.printed import body_bottom, layout_word, letters


@pytest.fixture(scope="module")
def punjabi(tmp_path_factory) -> Path:
    """Punjabi general and CAR T handouts, standard and large print, on letter paper."""
    project = make_project(tmp_path_factory.mktemp("punjabi"), "real")
    config = config_for(
        project,
        jobs=2,
        locales=("pa",),
        variants=("general", "car-t"),
        formats=("pdf",),
        editions=("standard", "large-print"),
        papers=("letter",),
    )
    assert build(config).warnings == ()
    return project / "output/pa"


def lines_of(pdf: Path) -> list[str]:
    with pymupdf.open(pdf) as document:
        return [
            "".join(span["text"] for span in line["spans"]).strip()
            for page in document
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", ())
        ]


def test_short_bracketed_terms_are_marked_to_stay_on_one_line():
    html = keep_glosses('ਟੀ ਸੈੱਲ (T cells) <a href="#x">(B cells)</a> (stem cell transplant) (CD19)')
    assert html.count('<span class="gloss">') == 2
    assert '<span class="gloss">(T cells)</span>' in html
    assert "(stem cell transplant)" in html and "(CD19)" in html  # too long; one word
    escaped = '&lt;b&gt;<span class="gloss">(T cells)</span>&lt;/b&gt;'
    assert keep_glosses("<b>(T cells)</b>") == escaped  # plain text is escaped first


def test_keeping_glosses_twice_wraps_each_term_once():
    """Markdown output has its glosses kept already; a layout's ``glosses`` filter on it
    must not nest a second span (nor wrap a term the first pass left alone)."""
    once = keep_glosses(Markup('ਟੀ ਸੈੱਲ (T cells), (B cells) <a href="#x">(stem cells)</a> (CD19)'))
    assert once.count('<span class="gloss">') == 3
    assert keep_glosses(once) == once
    assert keep_glosses(keep_glosses(once)) == once
    assert '<span class="gloss"><span class="gloss">' not in keep_glosses(once)


def test_a_short_term_in_brackets_is_never_split_over_two_lines(punjabi):
    split = []
    for pdf in sorted(punjabi.glob("*.pdf")):
        lines = lines_of(pdf)
        for line, after in zip(lines, lines[1:], strict=False):
            opened = re.search(r"\(([^()]*[^()-])$", line)  # after a hyphen: a fair break
            closed = re.match(r"([^()]*)\)", after)
            if opened and closed and len(f"{opened[1]} {closed[1]}".strip()) <= 12:
                split.append((pdf.name, line[-20:], after[:20]))
    assert any("(T cells)" in line for line in lines_of(punjabi / "car-t-cell-therapy.letter.pdf"))
    assert not split, split


def pages_the_table_goes_on_from(pdf: Path, locale: str) -> dict[int, float]:
    """Each page the medicine table goes on over from (its heading row repeats on the
    next page), and how far down it is filled (0 to 1; a full page reaches 0.88)."""
    heading = letters(layout_word(locale, "Medicine"))  # Gurmukhi extracts its vowels moved
    with pymupdf.open(pdf) as document:
        has = [
            any(letters(t) == heading for t in page.get_text().splitlines()) for page in document
        ]
        return {
            number + 1: round(body_bottom(document[number], "large-print"), 2)
            for number in range(len(has) - 1)
            if has[number] and has[number + 1]
        }


def test_a_medicine_table_over_several_pages_fills_them_in_large_print(punjabi):
    """Kept whole, a Punjabi row with a long reason is almost half a page: the row after it
    went to the next page, and the table's pages were each left a third empty."""
    pages = pages_the_table_goes_on_from(punjabi / "relapsed-all.large-print.letter.pdf", "pa")
    assert len(pages) >= 3, pages
    assert all(filled >= 0.75 for filled in pages.values()), pages
