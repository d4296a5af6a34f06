"""No word is split at a line end in any PDF, with a hyphen or without one (issue 19, 6):
families reading at grade 6 stumble on "leuk-emia", and more on "laboratori" / "o". The
text of every built PDF is extracted and each line that ends in a hyphen joined to a
letter, with a letter starting the next line, is a split word, unless the source itself
writes that word with a hyphen ("T-cell", "CAR-T"); so is a line ending in letters whose
next line's first letters make a word of the source with them."""

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
_BARE_END = re.compile(rf"({_WORD})$")
# Chinese (and full-width forms): its lines break between any two characters.
_UNSPACED = re.compile("[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


@cache
def source_text() -> str:
    """The content and the layout words, in every locale."""
    texts = [p.read_text(encoding="utf-8") for p in (REPO / "source").rglob("*.yaml")]
    texts += [p.read_text(encoding="utf-8") for p in (REPO / "source").rglob("*.po")]
    return "\n".join(texts)


@cache
def source_hyphenated_words() -> frozenset[str]:
    """Every word written with a hyphen in the content and the layout words."""
    words = re.findall(rf"{_WORD}-{_WORD}", source_text())
    return frozenset(comparable(word) for word in words)


@cache
def source_words() -> frozenset[str]:
    return frozenset(comparable(word) for word in re.findall(_WORD, source_text()))


def cut_without_hyphen(end: str, start: str) -> bool:
    """Whether a line ending in the letters ``end``, the next starting with ``start``,
    cut one word with no hyphen (in a box narrower than the word, overflow-wrap breaks it
    anywhere): together they are a word of the source, and one of them alone is none. A
    word cut into two words goes unseen, and so does Arabic (extraction reorders it)."""
    if _UNSPACED.search(end + start):
        return False
    left, right, words = comparable(end), comparable(start), source_words()
    if not (left and right):  # an Arabic mark the extraction put on a line of its own
        return False
    return left + right in words and not (left in words and right in words)


def comparable(word: str) -> str:
    """``word`` without case and combining marks: text extraction moves Gurmukhi vowel
    signs to where they are drawn (ਰੋਗ-ਰੋਧਕ comes out as ਰੋਗਿ-ਰੋਧਕ)."""
    return "".join(c for c in word.casefold() if not unicodedata.category(c).startswith("M"))


def split_words(pdf: Path) -> list[str]:
    """'page N: left|right' for each line end that splits a word, with a hyphen or not."""
    found = []
    with pymupdf.open(pdf) as document:
        for number, page in enumerate(document, 1):
            lines = [line.strip() for line in page.get_text().splitlines() if line.strip()]
            for line, following in zip(lines, lines[1:], strict=False):
                if split_at_line_end(line, following):
                    found.append(f"page {number}: {line[-25:]}|{following[:20]}")
    return found


def split_at_line_end(line: str, following: str) -> bool:
    start = _LINE_START.match(following)
    if not start:
        return False
    if end := _LINE_END.search(line):
        joined = comparable(f"{end.group(1)}-{start.group(1)}")
        return line[-1] != "-" or joined not in source_hyphenated_words()
    bare = _BARE_END.search(line)
    return bool(bare) and cut_without_hyphen(bare.group(1), start.group(1))


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


def test_the_check_finds_a_word_cut_without_a_hyphen(tmp_path):
    """A box narrower than "chemotherapy" (the French and Spanish CAR T steps in large
    print cut "laboratori" / "o" so)."""
    from weasyprint import HTML

    pdf = tmp_path / "cut.pdf"
    style = 'width: 5em; overflow-wrap: break-word; font-family: "Noto Sans"'
    html = f"<html lang=\"en\"><p style='{style}'>Reinduction chemotherapy</p></html>"
    HTML(string=html).write_pdf(pdf)
    assert split_words(pdf) == ["page 1: Reinductio|n", "page 1: chemothe|rapy"]


def test_no_pdf_of_the_quick_build_splits_a_word(real_build):
    output, _ = real_build
    count, found = hyphenated_pdfs(output)
    # English: three editions of each variant on Letter, the general one's and the CAR-T
    # summary on A4; every other locale's standard (conftest.py, QUICK_BUILDS)
    assert count >= 8 * 3 + 3 + 1 + 5 * 2 + 5
    assert not found, f"words split at a line end: {found}"


@pytest.mark.slow
def test_no_pdf_of_the_whole_matrix_splits_a_word(full_build):
    output, _ = full_build
    count, found = hyphenated_pdfs(output)
    assert count >= 8 * 6 * 6
    assert not found, f"words split at a line end: {found}"
