"""No word is hyphenated at a line end in any PDF (issue 19, 6): families reading at grade 6
stumble on "leuk-emia". The text of every built PDF is extracted and each line that ends
in a hyphen joined to a letter, with a letter starting the next line, is a split word,
unless the source itself writes that word with a hyphen ("T-cell", "CAR-T")."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pymupdf
import pytest

from tests.base import REPO

# A hyphen-minus, the hyphen WeasyPrint draws for a break (U+2010) or a soft hyphen.
_HYPHENS = "\\-\u2010\u00ad"
# A word's letters and marks (Gurmukhi vowel signs are marks, not \w): no space, digit,
# hyphen or punctuation.
_WORD = rf"[^\s\d{_HYPHENS}.,;:!?()\[\]«»“”\"'/—–]+"
_LINE_END = re.compile(rf"({_WORD})[{_HYPHENS}]$")
_LINE_START = re.compile(rf"^({_WORD})")


@cache
def source_hyphenated_words() -> frozenset[str]:
    """Every word written with a hyphen in the content and the layout words."""
    texts = [p.read_text(encoding="utf-8") for p in (REPO / "source").rglob("*.yaml")]
    texts += [p.read_text(encoding="utf-8") for p in (REPO / "source").rglob("*.po")]
    words = re.findall(rf"{_WORD}-{_WORD}", "\n".join(texts))
    return frozenset(comparable(word) for word in words)


def comparable(word: str) -> str:
    """``word`` without case and combining marks: text extraction moves Gurmukhi vowel
    signs to where they are drawn (ਰੋਗ-ਰੋਧਕ comes out as ਰੋਗਿ-ਰੋਧਕ)."""
    return "".join(c for c in word.casefold() if not unicodedata.category(c).startswith("M"))


def split_words(pdf: Path) -> list[str]:
    """'page N: left|right' for each line end that splits a word with a hyphen."""
    found = []
    with pymupdf.open(pdf) as document:
        for number, page in enumerate(document, 1):
            lines = [line.strip() for line in page.get_text().splitlines() if line.strip()]
            for line, following in zip(lines, lines[1:], strict=False):
                end, start = _LINE_END.search(line), _LINE_START.match(following)
                if not (end and start):
                    continue
                joined = comparable(f"{end.group(1)}-{start.group(1)}")
                if line[-1] != "-" or joined not in source_hyphenated_words():
                    found.append(f"page {number}: {line[-25:]}|{following[:20]}")
    return found


def hyphenated_pdfs(output: Path) -> tuple[int, dict[str, list[str]]]:
    """How many PDFs were read, and those with split words (booklets are made from the
    standard PDF, so they repeat its lines)."""
    pdfs = [p for p in sorted(output.rglob("*.pdf")) if ".booklet." not in p.name]
    found = {str(p.relative_to(output)): split_words(p) for p in pdfs}
    return len(pdfs), {path: words for path, words in found.items() if words}


def test_the_check_finds_a_hyphenated_word(tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "hyphenated.pdf"
    words = "Leukemia is a cancer of the blood cells; reinduction chemotherapy " * 6
    # A family the styles name: builds limit the renderer's fonts to those (fonts.py).
    style = 'width: 9em; hyphens: auto; font-family: "Noto Sans"'
    html = f"<html lang=\"en\"><p style='{style}'>{words}</p></html>"
    HTML(string=html).write_pdf(pdf)
    assert split_words(pdf)


def test_no_pdf_of_the_quick_build_splits_a_word(real_build):
    output, _ = real_build
    count, found = hyphenated_pdfs(output)
    # English: three editions of each variant on Letter, the general one's and the CAR-T
    # summary on A4; every other locale's standard (conftest.py, QUICK_BUILDS)
    assert count >= 8 * 3 + 3 + 1 + 5 * 2 + 5
    assert not found, f"words split by a hyphen at a line end: {found}"


@pytest.mark.slow
def test_no_pdf_of_the_whole_matrix_splits_a_word(full_build):
    output, _ = full_build
    count, found = hyphenated_pdfs(output)
    assert count >= 8 * 6 * 6
    assert not found, f"words split by a hyphen at a line end: {found}"
