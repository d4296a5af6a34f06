"""HTML stage: the accessible page, escaping, layout errors, and golden parts."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from relapse_handouts import load_project, resolve_handout
from relapse_handouts.formats import output_format
from relapse_handouts.html import HtmlRenderer
from tests.base import config_for, make_project, run_cli, snapshot

GOLDEN = Path(__file__).parent / "golden"


class Outline(HTMLParser):
    """Collects tags, ids and the lang/dir of <html>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.root: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "html":
            self.root = attributes
        if "id" in attributes:
            self.ids.append(attributes["id"])


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_web_page_is_accessible_and_complete(real_build):
    output, _ = real_build
    page = (output / "en-CA/relapsed-all.html").read_text(encoding="utf-8")
    parsed = outline(page)
    assert parsed.root == {"lang": "en-CA", "dir": "ltr"}
    assert parsed.tags.count("h1") == 1
    for landmark in ("main", "nav", "footer"):
        assert parsed.tags.count(landmark) == 1
    assert len(parsed.ids) == len(set(parsed.ids)), "ids must be unique"
    for href in re.findall(r'href="#([^"]+)"', page):
        assert href in parsed.ids, f"broken link #{href}"
    assert "<link" not in page and "<script" not in page  # one self-contained file


def test_web_page_has_same_sections_as_print(real_build):
    output, result = real_build
    web = (output / "en-CA/relapsed-all.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section id="([^"]+)" class="section ', web)
    assert "cns-therapy" in sections and "questions" in sections and "care-team" in sections
    for term in ("blinatumomab", "tisagenlecleucel", "Kymriah", "Rylaze", "intrathecal"):
        assert term in web


def render_part(project: Path, section_id: str) -> str:
    config = config_for(project)
    model = load_project(config)
    resolved = resolve_handout(model, model.handouts[0], model.variants[0], "en-CA")
    document = HtmlRenderer(config).render(resolved, output_format("html"))
    return next(str(p.html) for p in document.parts if p.anchor == section_id)


def normalise(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("section_id", ["about", "treatment"])
def test_golden_parts(tmp_path, section_id):
    """The meaning-bearing markup of a section, compared with a reviewed golden copy.
    After an intended change of the layouts, regenerate the copies and review the diff:
        REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_html.py -k golden
        git diff tests/golden
    """
    html = normalise(render_part(make_project(tmp_path), section_id))
    golden = GOLDEN / f"tiny-{section_id}.html"
    if os.environ.get("REGENERATE_GOLDEN") == "1":
        golden.write_text(html + "\n", encoding="utf-8")
        pytest.skip(f"rewrote {golden.name}: review it with 'git diff tests/golden'")
    assert html == golden.read_text(encoding="utf-8").strip()


def test_markup_in_content_is_escaped(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    text = handout.read_text().replace(
        "      - p: This paragraph is only for CNS relapse.",
        '      - p: "<script>alert(1)</script> {{ site }} <b>x</b> [y](javascript:alert(1))"',
    )
    handout.write_text(text)
    html = render_part(project, "about")
    assert "<script>" not in html and "<b>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ site }}" in html


def test_undefined_layout_variable_names_template_and_line(tmp_path):
    project = make_project(tmp_path)
    part = project / "layouts/part.html.j2"
    lines = part.read_text().splitlines()
    lines.insert(5, "{{ no_such_variable }}")
    part.write_text("\n".join(lines) + "\n")
    result = run_cli("--project", project, "build", "--format", "html")
    assert result.code == 1
    assert "layouts/part.html.j2:6: error: undefined variable: 'no_such_variable'" in result.err
    assert not (project / "output").exists()


def test_build_does_not_touch_output_when_layout_breaks(tmp_path):
    project = make_project(tmp_path)
    assert run_cli("--project", project, "build", "--format", "html").code == 0
    before = snapshot(project / "output")
    (project / "layouts/web.html.j2").write_text("{% block body %}\n{% if %}\n")
    result = run_cli("--project", project, "build", "--format", "html")
    assert result.code == 1 and "layouts/web.html.j2:2: error: template syntax" in result.err
    assert snapshot(project / "output") == before
