"""Reading printed pages back (helpers, not tests): where a page's body ends, which page
"When to call right away" starts on, a layout word in a locale, the letters of a text, and
the words split at a line end (test_hyphenation.py, test_print_pages.py,
test_print_flow.py and test_personal_large_print.py use them; test modules never import
each other)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pymupdf
from pypdf import PdfReader

from relapse_handouts import load_project
from relapse_handouts.i18n import ui_translations
from tests.base import REPO, config_for

MM = 72 / 25.4
SITE = load_project(config_for(REPO)).site
LOCALES = tuple(SITE.locales)  # the shipped languages (source/site.yaml)
# Bottom page margins (styles/print.css, large-print.css): what is below is the footer.
BOTTOM_MARGIN = {"standard": 22 * MM, "large-print": 30 * MM}
# The page's white background is a drawing too: it is not content.
WHITE = (1.0, 1.0, 1.0)


def layout_word(locale: str, msgid: str) -> str:
    """A layout word in ``locale``, read as the layouts read it (English is the msgid)."""
    return ui_translations(REPO / "source", locale, SITE.source_locale).gettext(msgid)


def body_bottom(page: pymupdf.Page, edition: str) -> float:
    """How far down the page (0 to 1) its body reaches, running footer left out: its text,
    and what is drawn (the empty rows of the care-team table are lines, not text)."""
    limit = page.rect.height - BOTTOM_MARGIN[edition]
    bottoms = [b[3] for b in page.get_text("blocks") if b[4].strip() and b[1] < limit]
    drawn = [d for d in page.get_drawings() if d["color"] or d["fill"] not in (None, WHITE)]
    bottoms += [min(d["rect"].y1, limit) for d in drawn if d["rect"].y0 < limit]
    return max(bottoms, default=0) / page.rect.height


def letters(text: str) -> Counter[str]:
    """The letters and digits of ``text``, whatever order extraction gives them in
    (Arabic runs come out reordered, Gurmukhi vowel signs moved): no spaces, marks,
    punctuation (the "…" too) or bidi controls; presentation forms folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return Counter(c for c in text if unicodedata.category(c)[0] in "LN")


def urgent_page(pdf: Path) -> int:
    """The page "When to call right away" starts on (its heading's named destination)."""
    reader = PdfReader(pdf)
    dest = reader.named_destinations["when-to-call-title"]
    return reader.get_destination_page_number(dest) + 1


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
