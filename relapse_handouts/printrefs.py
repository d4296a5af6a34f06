"""Cross-references in print: a link to another section names that section and its page
("see 'When to call right away', page 2"), because paper has no links to follow.

The HTML stage points a printed section link at the section's heading (``<id>-title``)
and marks the links whose own words already are the section's title; the print layout
adds the words after each link with CSS ``target-text()`` and ``target-counter()``, so
WeasyPrint fills in the heading and the page it lands on. The words are a translated
layout text with ``{section}`` and ``{page}`` where each language wants them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup

from .markup import plain_text
from .model import Section

__all__ = ["XREF_FUNCTIONS", "heading_anchor", "mark_named_sections", "section_titles"]

# The heading of a section or subsection carries the section's id with this suffix
# (layouts/part.html.j2).
_HEADING_SUFFIX = "-title"
_PRINTED_LINK = re.compile(
    r'<a href="#(?P<id>[^"]+)' + _HEADING_SUFFIX + r'" class="section-link">(?P<text>.*?)</a>',
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")
# What ``{section}`` and ``{page}`` in the translated words become in CSS ``content``.
XREF_FUNCTIONS = {
    "section": "target-text(attr(href), content)",
    "page": "target-counter(attr(href), page)",
}


def heading_anchor(href: str) -> str:
    """``#section`` as the href of that section's heading."""
    return href + _HEADING_SUFFIX


def section_titles(sections: Iterable[Section]) -> dict[str, str]:
    """The plain title of every section and subsection, by id."""
    titles = {}
    for section in sections:
        titles[section.id] = plain_text(section.title)
        titles.update({sub.id: plain_text(sub.title) for sub in section.subsections})
    return titles


def mark_named_sections(rendered: Markup, titles: Mapping[str, str]) -> Markup:
    """``rendered`` with the class ``names-section`` on printed section links whose words
    are the title of the section they point to (only its page is added to those)."""

    def mark(match: re.Match[str]) -> str:
        words = html.unescape(_TAG.sub("", match.group("text")))
        if _comparable(words) != _comparable(titles.get(match.group("id"), "")):
            return match.group(0)
        return match.group(0).replace('class="section-link"', 'class="section-link names-section"')

    return Markup(_PRINTED_LINK.sub(mark, str(rendered)))


def _comparable(text: str) -> str:
    return " ".join(text.split()).casefold()
