"""What WeasyPrint parsed for one PDF is reused for the next (parse_once.py): the same
bytes as parsing every time, an edited stylesheet parsed again, its warnings given for
every PDF, tinyhtml5's trees unchanged."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from hashlib import sha256

import pytest

from relapse_handouts import parse_once
from tests.base import REPO

# Renders the CNS handout's PDFs (Letter) in English, every edition, and in Arabic, the
# standard one, of the real project in a new process with parse_once off (WeasyPrint
# parses every stylesheet for every PDF); prints their sha256 by path.
_RENDER = """
import hashlib, json, sys
from pathlib import Path
import relapse_handouts.parse_once as parse_once
parse_once.parse_once = lambda: None
from relapse_handouts.config import BuildConfig
from relapse_handouts.fonts import use_project_fonts
from relapse_handouts.gather import gather
from relapse_handouts.render import RenderContext
config = BuildConfig.for_project(Path(sys.argv[1]), Path(sys.argv[2]), locales=("en-CA", "ar"),
    variants=("cns",), formats=("pdf",), papers=("letter",), jobs=1)
gathered = gather(config)
use_project_fonts(config)
context = RenderContext(config, gathered.documents)
chosen = [s for s in gathered.specs if s.locale == "en-CA" or s.edition == "standard"]
print(json.dumps({str(s.path): context.render(s).sha256 for s in chosen}))
"""


def _rendered_without_reuse(output) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", _RENDER, str(REPO), str(output)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        timeout=600,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_pdfs_have_the_same_bytes_as_when_every_stylesheet_is_parsed_again(real_build, tmp_path):
    # The session build rendered with parse_once: each of its workers reused what it
    # parsed for its first PDF in every later one (every edition's stylesheets, the
    # booklet's notes page, left to right and right to left).
    output, _ = real_build
    original = _rendered_without_reuse(tmp_path)
    assert len(original) == 5
    reused = {path: sha256((output / path).read_bytes()).hexdigest() for path in original}
    assert reused == original


def _page_width(html: str, base) -> float:
    from weasyprint import HTML

    return HTML(string=html, base_url=base.as_uri() + "/").render().pages[0].width


@pytest.fixture
def reused():
    assert parse_once.reuse_parsed_stylesheets()  # WeasyPrint 70, as pinned
    import weasyprint.css

    calls = []
    real = weasyprint.css.CSS

    class Counted(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args, **kwargs):
            calls.append(kwargs.get("url") or "string")
            super().__init__(*args, **kwargs)

    weasyprint.css.CSS = Counted
    yield calls
    weasyprint.css.CSS = real


def test_a_stylesheet_is_parsed_once_and_again_when_edited(tmp_path, reused):
    sheet = tmp_path / "page.css"
    sheet.write_text("@page { size: 200px 300px; margin: 0 }", encoding="utf-8")
    html = '<link rel="stylesheet" href="page.css"><p>Hello</p>'
    assert _page_width(html, tmp_path) == 200
    assert _page_width(html, tmp_path) == 200
    assert reused == [sheet.as_uri()]  # parsed for the first document only
    sheet.write_text("@page { size: 250px 300px; margin: 0 }", encoding="utf-8")
    assert _page_width(html, tmp_path) == 250
    assert len(reused) == 2


def test_a_document_whose_styles_change_its_state_is_parsed_as_weasyprint_does(tmp_path, reused):
    (tmp_path / "count.css").write_text(
        "@counter-style thumbs { system: cyclic; symbols: 'x'; suffix: ' '; }\n"
        "@page { size: 200px 300px }",
        encoding="utf-8",
    )
    html = '<link rel="stylesheet" href="count.css"><ol style="list-style: thumbs"><li>a</ol>'
    for _ in range(2):
        assert _page_width(html, tmp_path) == 200
    assert len(reused) == 2  # parsed for each document


@pytest.mark.renderer_warnings
def test_a_reused_stylesheet_gives_its_warnings_for_every_document(tmp_path, reused):
    (tmp_path / "bad.css").write_text("p { colour: red }", encoding="utf-8")
    html = '<link rel="stylesheet" href="bad.css"><p>Hello</p>'
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        for _ in range(2):
            _page_width(html, tmp_path)
    finally:
        logging.getLogger("weasyprint").removeHandler(handler)
    assert len(reused) == 1
    assert len([message for message in seen if "colour" in message]) == 2


def test_tinyhtml5_builds_each_expression_once_and_parses_the_same(monkeypatch):
    from tinyhtml5 import inputstream, parse

    document = (
        "<!DOCTYPE html><html lang=fr><head><title>T &amp; t</title><style>p{}</style>"
        "</head><body><p class='a b' data-x=\"1\">Élan &lt; 3 <!-- c --><b>gras</b></p>"
        "<![CDATA[x]]><svg><rect width='2'/></svg>\u0000 fin</body></html>"
    )

    def tree(text: str) -> list[tuple[str, dict, str | None, str | None]]:
        return [(e.tag, dict(e.attrib), e.text, e.tail) for e in parse(text).iter()]

    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    before = tree(document)
    parse_once.parse_once()
    expressions = inputstream.characters_until_regex
    assert tree(document) == before
    built = dict(expressions)
    assert (("<", "\u0000"), False) in built or (("&", "<", "\u0000"), False) in built
    tree(document)
    assert dict(expressions) == built  # found again, not built again
