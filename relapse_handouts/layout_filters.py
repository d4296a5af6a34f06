"""The filters the handout layouts use beyond Jinja's own (``{{ text | md }}``,
``{{ title | css_string }}``...): inline Markdown with links resolved for the output,
values quoted for CSS, and a text's writing direction. ``HtmlRenderer`` installs them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import jinja2
from markupsafe import Markup

from .markup import render_inline
from .printrefs import XREF_FUNCTIONS, heading_anchor, mark_named_sections

__all__ = ["markdown", "text_direction", "css_string", "css_counters", "css_xref"]


@jinja2.pass_context
def markdown(context: Any, text: str) -> Markup:
    """Inline Markdown as HTML, its links pointing where this output has their target."""
    # An extract has no glossary, reference list or other sections to link to.
    if context.get("extract"):
        return render_inline(text, _extract_link)
    if context.get("printed"):
        # Paper names the section and its page (printrefs.py).
        rendered = render_inline(text, _printed_link)
        if "section-link" not in rendered:
            return rendered
        return mark_named_sections(rendered, context["section_titles"])
    return render_inline(text, _resolve_link)


def _printed_link(href: str) -> tuple[str, str]:
    target, kind = _resolve_link(href)
    return (heading_anchor(target), kind) if kind == "section-link" else (target, kind)


def _extract_link(href: str) -> tuple[str, str] | None:
    return None if href.startswith(("glossary:", "ref:", "#")) else (href, "external")


def _resolve_link(href: str) -> tuple[str, str]:
    scheme, _, target = href.partition(":")
    if scheme == "glossary":
        return f"#term-{target}", "term"
    if scheme == "ref":
        return f"#ref-{target}", "cite"
    if href.startswith("#"):
        return href, "section-link"
    return href, "external"


def text_direction(value: str) -> str:
    """``rtl`` or ``ltr``, from the first letter with a strong direction, as HTML's
    ``dir="auto"`` decides (which WeasyPrint does not); numbers alone read left to right."""
    for char in str(value):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def css_string(value: str) -> Markup:
    """``value`` as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>' or ord(char) < 32 or ord(char) == 127 else char
        for char in str(value)
    )
    return Markup(f'"{escaped}"')


def css_counters(template: str) -> Markup:
    """A translated text with ``{page}``/``{pages}`` as CSS content with page counters,
    so each language can put the numbers where its grammar wants them."""
    return _css_content(template, {"page": "counter(page)", "pages": "counter(pages)"})


def css_xref(template: str) -> Markup:
    """A translated text with ``{section}``/``{page}`` as CSS content for a printed
    section link: the title of its target and the page it is on (see printrefs.py)."""
    return _css_content(template, XREF_FUNCTIONS)


def _css_content(template: str, functions: dict[str, str]) -> Markup:
    pieces = re.split(r"\{(" + "|".join(functions) + r")\}", template)
    content = [
        str(css_string(piece)) if index % 2 == 0 else functions[piece]
        for index, piece in enumerate(pieces)
        if piece
    ]
    return Markup(" ".join(content))
