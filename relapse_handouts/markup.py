"""Inline Markdown for text fields: emphasis and links only, raw HTML always escaped.

Links name what they point at: ``glossary:ID`` (a word explained in the glossary),
``ref:ID`` (a reference), ``#ID`` (a section) or an ``https://`` address. The HTML stage
passes a ``LinkResolver`` that turns these into hrefs for its target.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

__all__ = [
    "link_targets",
    "render_inline",
    "keep_glosses",
    "display_width",
    "plain_text",
    "LinkResolver",
]

# href -> (href to write, CSS class), or None to print the link's words as plain text;
# hrefs already checked at load time.
LinkResolver = Callable[[str], tuple[str, str] | None]


def _parser() -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["emphasis", "link", "escape", "backticks"])
    # Our own link schemes must not be refused or percent-encoded by the URL checks.
    parser.validateLink = lambda url: (  # type: ignore[method-assign]
        not url.lower().startswith(("javascript:", "data:", "vbscript:", "file:"))
    )
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    return parser


_PARSER = _parser()


def _inline_tokens(text: str) -> Iterator:
    for block in _PARSER.parseInline(text):
        yield from block.children or ()


def link_targets(text: str) -> list[str]:
    """Every link href in ``text``, for load-time checks."""
    return list(_link_targets(text))


@lru_cache(maxsize=16384)
def _link_targets(text: str) -> tuple[str, ...]:
    # Every gather checks each text's links several times (load, translation, resolve):
    # most of its time once the files are parsed (the author preview gathers on each save).
    return tuple(
        token.attrGet("href") or "" for token in _inline_tokens(text) if token.type == "link_open"
    )


def plain_text(text: str) -> str:
    """The words of ``text`` without markup (readability checks, metadata, covers)."""
    return "".join(
        token.content
        for token in _inline_tokens(text)
        if token.type in ("text", "code_inline", "softbreak")
    )


def render_inline(text: str, resolve: LinkResolver) -> Markup:
    """Escaped HTML of ``text`` with its links turned into the target's hrefs."""
    tokens = list(_inline_tokens(text))
    dropped: list[bool] = []  # per open link, whether it prints as plain text
    kept = []
    for token in tokens:
        if token.type == "link_open":
            target = resolve(token.attrGet("href") or "")
            dropped.append(target is None)
            if target is None:
                continue
            token.attrSet("href", target[0])
            if target[1]:
                token.attrSet("class", target[1])
        elif token.type == "link_close" and dropped.pop():
            continue
        kept.append(token)
    tokens = kept
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return keep_glosses(Markup(html.strip()))


# A short term in brackets with a space inside, "(T cells)": a translation glosses a term
# with its English name so, and split over two lines it reads as two broken words.
_GLOSS = re.compile(r"\((?=[^()<>]*\s)[^()<>\n]{1,12}\)")
_TAG = re.compile(r"(<[^>]*>)")
_GLOSS_OPEN = '<span class="gloss">'


def keep_glosses(html: Markup | str) -> Markup:
    """``html`` (escaped HTML, or text to escape) with each short bracketed term kept on
    one line (``span.gloss``, styles/content.css); tags and their attributes untouched.
    Idempotent: a term already in its span is left as it is (markdown output goes
    through here once, and a layout may apply the ``glosses`` filter again)."""
    parts = _TAG.split(escape(html))
    for index in range(0, len(parts), 2):  # the text between tags
        if index and parts[index - 1] == _GLOSS_OPEN:
            continue
        parts[index] = _GLOSS.sub(_GLOSS_OPEN + r"\g<0></span>", parts[index])
    return Markup("".join(parts))


def display_width(text: str) -> int:
    """How many Latin letters' room ``text`` takes, roughly: a Chinese character two, a
    combining vowel sign or mark none (layouts judge a long text by it)."""
    return sum(
        0
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Mc")
        else 2
        if unicodedata.east_asian_width(c) in ("W", "F")
        else 1
        for c in text
    )
