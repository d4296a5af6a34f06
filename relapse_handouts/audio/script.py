"""What is read aloud: every heading, paragraph, list item, term and table row of the
HTML parts, each given an id so a clip can point at it; of a picture (role="img"), its
text alternative where the layout marks it ``data-read="alt"``, else nothing.

Ids are added to the parts' own markup (never re-serialized), so the HTML page and the
EPUB chapters built from the same parts carry the same ids. A generated id is
``<part anchor>.<n>``: authors' ids are slugs without dots, so the two never clash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import html as lxml_html
from markupsafe import Markup, escape

from ..html import Part

__all__ = ["Utterance", "mark_parts", "normalized", "spoken_text", "utterances"]

# Elements read as one clip each; anything inside them is read with them.
READ_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "caption", "tr")
_OPENING = re.compile(r"<(" + "|".join(READ_TAGS) + r")(?=[\s>])([^>]*)>")
_HAS_ID = re.compile(r"\sid=")
# Not read: the table of contents, web addresses in references, hidden or skip links,
# citation numbers ("[5, 13]" said aloud is noise) and a reference list marked not read.
_SKIPPED_CLASSES = {"url", "skip-link", "toc", "cites", "not-read"}
_NOT_READ = "not-read"
_FIRST_HEADING_END = re.compile(r"</h[1-6]>")
_LIST_OPENING = re.compile(r"<ol(?=[\s>])")
_CELL_TAGS = {"td", "th"}


@dataclass(frozen=True)
class Utterance:
    """One element's words, in the language they are written in."""

    part: str  # the anchor of the part (an EPUB chapter) holding the element
    element_id: str
    text: str
    lang: str


def mark_parts(parts: tuple[Part, ...], sources_note: str | None = None) -> tuple[Part, ...]:
    """The parts with an id on every element that is read aloud and had none. With a
    ``sources_note`` (a handout not in English), the English reference list is not read:
    the note, shown and read after the heading of the references, says where they are."""
    return tuple(
        _marked(_with_sources_note(part, sources_note) if part.kind == "references" else part)
        for part in parts
    )


def _with_sources_note(part: Part, note: str | None) -> Part:
    if note is None:
        return part
    html = _FIRST_HEADING_END.sub(
        lambda end: f'{end.group(0)}<p class="sources-note">{escape(note)}</p>',
        str(part.html),
        count=1,
    )
    html = _LIST_OPENING.sub(f'<ol class="{_NOT_READ}"', html)
    return Part(part.kind, part.anchor, part.title, Markup(html))


def _marked(part: Part) -> Part:
    counter = iter(range(1, 1_000_000))

    def with_id(match: re.Match[str]) -> str:
        tag, attributes = match.group(1), match.group(2)
        if _HAS_ID.search(attributes):
            return match.group(0)
        return f'<{tag} id="{part.anchor}.{next(counter)}"{attributes}>'

    html = _OPENING.sub(with_id, str(part.html))
    return Part(part.kind, part.anchor, part.title, Markup(html))


def utterances(parts: tuple[Part, ...], lang: str) -> tuple[Utterance, ...]:
    """Every element to read, in reading order, from parts marked by ``mark_parts``."""
    found: list[Utterance] = []
    for part in parts:
        root = lxml_html.fragment_fromstring(str(part.html), create_parent="div")
        found += [
            Utterance(part.anchor, element.get("id"), text, element_lang)
            for element, element_lang in _readable(root, lang)
            if element.get("id") and (text := spoken_text(element))
        ]
    return tuple(found)


def _readable(element, lang: str) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    for child in element.iterchildren():
        if not isinstance(child.tag, str) or _skipped(child):
            continue
        child_lang = child.get("lang") or lang
        if child.get("role") == "img":
            # A picture: its text alternative, once, where the layout says it helps
            # (data-read="alt"); otherwise the words beside it say the same.
            if child.get("data-read") == "alt":
                yield child, child_lang
            continue
        if child.tag in READ_TAGS:
            yield child, child_lang
        else:
            yield from _readable(child, child_lang)


def _skipped(element) -> bool:  # type: ignore[no-untyped-def]
    classes = set((element.get("class") or "").split())
    return (
        element.tag in ("nav", "script", "style", "img")
        or element.get("aria-hidden") == "true"
        or bool(classes & _SKIPPED_CLASSES)
    )


def spoken_text(element) -> str:  # type: ignore[no-untyped-def]
    """The words of ``element`` with table cells separated by a pause."""
    if element.get("role") == "img":
        return normalized(element.get("aria-label") or "")
    pieces: list[str] = []
    _collect(element, pieces)
    return normalized("".join(pieces))


def normalized(text: str) -> str:
    """``text`` with single spaces and no space before punctuation (to compare texts)."""
    text = " ".join(text.split())
    return re.sub(r"\s+([,.;:])", r"\1", text).strip(" ,")


def _collect(element, pieces: list[str]) -> None:  # type: ignore[no-untyped-def]
    if element.text:
        pieces.append(element.text)
    for child in element.iterchildren():
        if isinstance(child.tag, str) and not _skipped(child):
            _collect(child, pieces)
            if child.tag in _CELL_TAGS:
                pieces.append(", ")
            elif child.tag == "br":
                pieces.append(" ")
        if child.tail:
            pieces.append(child.tail)
