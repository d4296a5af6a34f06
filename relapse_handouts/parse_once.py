"""What WeasyPrint parses again for every PDF, parsed once per process instead.

Stylesheets. WeasyPrint parses the files a document links (``<link rel="stylesheet">``)
again for each document: 30 to 40 ms of every PDF, for the same four files (``styles/``)
each time. After ``reuse_parsed_stylesheets()`` a process parses each file once and
reuses the parsed ``CSS`` while its bytes stay the same (keyed by URL and exact bytes: an
edited style is parsed again, as in the author preview). Same cascade, same bytes as
parsing every time:

- Each sheet keeps its own list of ``@page`` rules, where WeasyPrint gives every sheet of
  a document one shared list; the cascade reads them sheet by sheet in document order
  either way (the same rules, in the same order, win).
- Documents whose styles use what a parsed sheet cannot carry to another document
  (``@import``, ``@layer``, ``@font-face``, ``@counter-style``, ``@color-profile``: they
  change state of the document, not of the sheet) are parsed as WeasyPrint does.
- Warnings a file gave when it was parsed are given again each time it is reused (a
  renderer collects each PDF's warnings). One is not: a ``var()`` WeasyPrint cannot
  resolve is reported by the first PDF of the process only (WeasyPrint marks it reported).

The element walk below is WeasyPrint 70's ``css.find_stylesheets``; with another version
nothing is replaced (tests/test_parse_once.py compares bytes with and without).

HTML. tinyhtml5 2.1 (WeasyPrint's HTML parser) keeps the regular expressions it builds
for ``chars_until`` in a cache it never finds them in (a chained assignment stores each
under the expression itself), so it builds one for each run of text: half its parsing
time. The cache is replaced by one that builds each expression once, as tinyhtml5 would.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

__all__ = ["parse_once", "reuse_parsed_stylesheets", "PARSED_LIMIT"]

PARSED_LIMIT = 64  # parsed sheets kept per process (a long preview session edits styles)
_SUPPORTED_VERSIONS = ("70.",)
# At-rules whose effect is on the document (its fonts, counters, layers) or on other
# files: a document using one is parsed as WeasyPrint does.
_DOCUMENT_STATE = re.compile(r"@(import|layer|font-face|counter-style|color-profile)", re.I)


def parse_once() -> None:
    """Stylesheets and tinyhtml5's expressions parsed once in this process (idempotent)."""
    reuse_parsed_stylesheets()
    _build_html_expressions_once()


def _build_html_expressions_once() -> None:
    from tinyhtml5 import inputstream

    if isinstance(getattr(inputstream, "characters_until_regex", None), dict):
        if not isinstance(inputstream.characters_until_regex, _Expressions):
            inputstream.characters_until_regex = _Expressions()


class _Expressions(dict[tuple[Any, bool], "re.Pattern[str]"]):
    """tinyhtml5's ``chars_until`` expressions by (characters, opposite), built on first
    use exactly as ``chars_until`` builds them."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        expression = "".join(f"\\x{ord(character):02x}" for character in characters)
        if not opposite:
            expression = f"^{expression}"
        compiled = self[key] = re.compile(f"[{expression}]+")
        return compiled


class _Parsed:
    """A parsed sheet and the warnings parsing it gave."""

    def __init__(self, sheet: Any, warnings: list[logging.LogRecord]) -> None:
        self.sheet = sheet
        self.warnings = warnings


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def reuse_parsed_stylesheets() -> bool:
    """Have WeasyPrint reuse parsed stylesheets in this process (once; idempotent).
    Returns whether it does (False with a WeasyPrint version this was not made for)."""
    import weasyprint
    import weasyprint.css as css

    if getattr(css.find_stylesheets, "reuses_parsed", False):
        return True
    if not weasyprint.__version__.startswith(_SUPPORTED_VERSIONS):
        return False
    original = css.find_stylesheets
    parsed = _ParsedSheets(css)

    def find_stylesheets(
        wrapper_element: Any,
        device_media_type: str,
        url_fetcher: Any,
        base_url: str | None,
        font_config: Any,
        counter_style: Any,
        *document_state: Any,  # color_profiles, page_rules, layers: WeasyPrint's own parse
    ) -> Iterator[Any]:
        document = (wrapper_element, device_media_type, url_fetcher, base_url)
        sources = _sources(css, *document)
        if sources is None:  # a document WeasyPrint must parse itself
            yield from original(*document, font_config, counter_style, *document_state)
            return
        for key, arguments in sources:
            yield parsed.sheet(
                key, arguments, device_media_type, url_fetcher, font_config, counter_style
            )

    find_stylesheets.reuses_parsed = True  # type: ignore[attr-defined]
    css.find_stylesheets = find_stylesheets
    return True


class _ParsedSheets:
    """The sheets this process parsed, by what their parse depends on; the least
    recently used go first beyond ``PARSED_LIMIT``."""

    def __init__(self, css: Any) -> None:
        self._css = css
        self._parsed: OrderedDict[tuple[Any, ...], _Parsed] = OrderedDict()

    def sheet(
        self,
        key: tuple[Any, ...],
        arguments: dict[str, Any],
        media_type: str,
        url_fetcher: Any,
        font_config: Any,
        counter_style: Any,
    ) -> Any:
        """The parsed sheet, reused (its parse warnings given again) or parsed now."""
        key = (*key, media_type)
        if key in self._parsed:
            self._parsed.move_to_end(key)
            found = self._parsed[key]
            for record in found.warnings:
                self._css.LOGGER.handle(record)
            return found.sheet
        found = _parse(self._css, arguments, media_type, url_fetcher, font_config, counter_style)
        self._parsed[key] = found
        while len(self._parsed) > PARSED_LIMIT:
            self._parsed.popitem(last=False)
        return found.sheet


def _parse(
    css: Any,
    arguments: dict[str, Any],
    media_type: str,
    url_fetcher: Any,
    font_config: Any,
    counter_style: Any,
) -> _Parsed:
    """One sheet parsed as WeasyPrint does, but with its own ``@page`` rules and layers."""
    recorder = _Recorder()
    css.LOGGER.addHandler(recorder)
    try:
        sheet = css.CSS(
            **arguments,
            url_fetcher=url_fetcher,
            media_type=media_type,
            font_config=font_config,
            counter_style=counter_style,
            color_profiles={},
            page_rules=[],
            layers=[],
        )
    finally:
        css.LOGGER.removeHandler(recorder)
    return _Parsed(sheet, recorder.records)


def _sources(
    css: Any, wrapper_element: Any, media_type: str, url_fetcher: Any, base_url: str | None
) -> list[tuple[tuple[Any, ...], dict[str, Any]]] | None:
    """Each stylesheet of the document in order, as (what its parse depends on, the
    arguments to parse it); None when WeasyPrint is to parse the document itself (a
    stylesheet that cannot be read, or one that uses an at-rule listed above)."""
    from weasyprint.html import element_has_link_type, parse_url
    from weasyprint.urls import URLFetchingError, fetch

    found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for wrapper in wrapper_element.query_all("style", "link"):
        element = wrapper.etree_element
        if not _applies(css, element, media_type):
            continue
        if element.tag == "style":
            content = css.get_child_text(element)
            if _DOCUMENT_STATE.search(content):
                return None
            found.append((("style", content, base_url), {"string": content, "base_url": base_url}))
        elif element.tag == "link" and element.get("href"):
            if not element_has_link_type(element, "stylesheet") or element_has_link_type(
                element, "alternate"
            ):
                continue
            href = parse_url(element.get("href"), base_url)
            if href is None:
                continue
            try:
                with fetch(url_fetcher, href) as response:
                    data = response.read()
                    shape = (response.url, response.charset, response.content_type)
            except URLFetchingError:
                return None  # WeasyPrint reports it, and renders without the sheet
            if not isinstance(data, bytes) or _uses_document_state(data):
                return None
            found.append((("link", href, *shape, data), {"url": href, "_check_mime_type": True}))
    return found


def _applies(css: Any, element: Any, media_type: str) -> bool:
    """Whether a <style> or <link> is CSS for ``media_type``, as WeasyPrint decides."""
    if element.get("type", "text/css").split(";", 1)[0].strip() != "text/css":
        return False
    media_attr = element.get("media", "").strip() or "all"
    media = [query.strip() for query in media_attr.split(",")]
    return bool(css.media_queries.evaluate_media_query(media, media_type))


def _uses_document_state(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True  # another encoding: not searched, so not reused
    return "\0" in text or bool(_DOCUMENT_STATE.search(text))
