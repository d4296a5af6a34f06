"""The author preview as an author uses it: the real server (``make_docs.py preview``) on a
copy of the shipped content, Debian's Chromium driven by Playwright. Saves show up in
the English and Arabic web pages, a broken file shows the command line's located error
above the last good preview and fixing it brings the preview back, a style change
redraws the PDF pages, axe-core finds nothing on the page, and a file linked in from
outside the project is refused as the build refuses it."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.base import PreviewServer, axe_violations, edit_yaml, make_project, run_cli

playwright_api = pytest.importorskip("playwright.sync_api")  # the browser: conftest.py
# English beside Arabic; the one-page summary keeps each PDF render short.
QUERY = "/?variant=general&locale=en-CA&locale=ar&edition=summary"
HANDOUT = "source/handouts/relapsed-all.yaml"
WAIT_MS = 60_000  # a busy shared machine; on a quiet one each update takes about a second


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("preview"), "real")


@pytest.fixture(scope="module")
def server(project, tmp_path_factory):
    log = tmp_path_factory.mktemp("preview-log") / "server.log"
    with PreviewServer(project, log) as running:
        yield running


@pytest.fixture(scope="module")
def page(server, browser):
    shown = browser.new_page(viewport={"width": 1280, "height": 900})
    shown.goto(server.url + QUERY)
    for locale in ("en-CA", "ar"):
        wait_pdf(shown, locale, 0)
    yield shown
    shown.close()


def frame_text(page, locale: str) -> str:
    return page.frame_locator(f"#locale-{locale} iframe.web").locator("body").inner_text()


def wait_text(page, locale: str, text: str) -> None:
    page.wait_for_function(
        """([locale, text]) => {
            const frame = document.querySelector(`#locale-${locale} iframe.web`);
            const body = frame && frame.contentDocument && frame.contentDocument.body;
            return !!body && body.innerText.includes(text);
        }""",
        arg=[locale, text],
        timeout=WAIT_MS,
    )


def wait_pdf(page, locale: str, after: int) -> int:
    """Wait until the locale shows a PDF newer than revision ``after``; its revision."""
    section = page.locator(f"#locale-{locale}")
    page.wait_for_function(
        """([locale, after]) => {
            const shown = document.getElementById(`locale-${locale}`).dataset.pdfShown;
            return shown !== undefined && Number(shown) > Number(after);
        }""",
        arg=[locale, after],
        timeout=WAIT_MS,
    )
    return int(section.get_attribute("data-pdf-shown") or 0)


def problem_text(page) -> str:
    page.wait_for_selector("#problems:not([hidden])", timeout=WAIT_MS)
    return page.locator("#problem-text").inner_text()


def cli_errors(project: Path) -> str:
    """What the command line prints for the same source (its error lines)."""
    result = run_cli("--project", project, "check")
    assert result.code == 1
    return "\n".join(line for line in result.err.splitlines() if not line.startswith("make_docs"))


def last_key_point(translation: dict) -> dict:
    """The unit of the handout's last key point (found by its English: ids shift when
    key points are added)."""
    return next(
        unit
        for unit in translation["units"].values()
        if unit.get("en", "").startswith("Write down your questions.")
    )


def test_a_saved_paragraph_shows_in_english_and_arabic(page, project):
    frame = page.frame_locator("#locale-en-CA iframe.web")
    frame.locator("body").evaluate("body => window.scrollTo(0, 600)")
    edit_yaml(
        project / HANDOUT,
        lambda data: data["key_points"].__setitem__(-1, "Write down each question in a notebook."),
    )
    wait_text(page, "en-CA", "Write down each question in a notebook.")
    # The author's place in the page is kept across the reload.
    scrolled = frame.locator("body").evaluate("() => window.scrollY")
    assert scrolled > 500
    arabic = "اكتبوا كل سؤال في دفتر صغير."
    edit_yaml(
        project / "source/translations/ar.yaml",
        lambda data: last_key_point(data).__setitem__("text", arabic),
    )
    wait_text(page, "ar", arabic)
    assert page.locator("#locale-ar iframe.web").get_attribute("title") == "Web page in ar"
    assert frame_text(page, "ar").count(arabic) >= 1
    assert page.locator("#locale-ar .approval").inner_text().startswith("Draft")
    scores = page.locator("#locale-en-CA .readability")
    playwright_api.expect(scores).to_contain_text("Grade level", timeout=WAIT_MS)


def test_broken_yaml_is_located_then_fixing_it_brings_the_preview_back(page, project):
    path = project / HANDOUT
    good = path.read_text(encoding="utf-8")
    before = wait_pdf(page, "en-CA", 0)
    path.write_text(good.replace("key_points:", "key_points: [unclosed\n", 1), encoding="utf-8")
    shown = problem_text(page)
    assert re.match(rf"{HANDOUT}:\d+: error: malformed YAML", shown)
    assert "hint:" in shown
    assert shown == cli_errors(project)  # the same words as the command line
    # The last good preview stays under the message.
    assert "Write down each question in a notebook." in frame_text(page, "en-CA")
    path.write_text(good.replace("a notebook", "a small notebook"), encoding="utf-8")
    wait_text(page, "en-CA", "in a small notebook")
    page.wait_for_selector("#problems", state="hidden", timeout=WAIT_MS)
    assert wait_pdf(page, "en-CA", before) > before


def test_a_style_change_redraws_the_pdf_pages(page, project, server):
    from PIL import Image

    before = wait_pdf(page, "en-CA", 0)
    css = project / "styles/print.css"
    original = css.read_text(encoding="utf-8")
    css.write_text(original + "\n@page { background: #ffff00; }\n", encoding="utf-8")
    try:
        after = wait_pdf(page, "en-CA", before)
        source = page.locator("#locale-en-CA ol.pages img").first.get_attribute("src")
        assert f"rev={after}" in source
        with urllib.request.urlopen(server.url + source) as response:
            picture = Image.open(io.BytesIO(response.read())).convert("RGB")
        assert picture.getpixel((3, 3)) == (255, 255, 0)  # the page's corner is yellow now
    finally:
        css.write_text(original, encoding="utf-8")
        wait_pdf(page, "en-CA", after)


def test_axe_finds_no_violation_on_the_preview_page(page):
    violations = axe_violations(page)
    assert not violations, "; ".join(violations)


def test_a_file_linked_from_outside_the_project_is_refused(page, project, tmp_path):
    glossary = project / "source/glossary.yaml"
    outside = tmp_path / "glossary.yaml"
    outside.write_bytes(glossary.read_bytes())
    glossary.unlink()
    glossary.symlink_to(outside)
    try:
        shown = problem_text(page)
        assert "source/glossary.yaml: error: refused to read a file outside the project" in shown
        assert shown == cli_errors(project)
    finally:
        glossary.unlink()
        glossary.write_bytes(outside.read_bytes())
    page.wait_for_selector("#problems", state="hidden", timeout=WAIT_MS)


def test_only_this_computer_is_served(server, project):
    request = urllib.request.Request(server.url + "/", headers={"Host": "example.org"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
    result = run_cli("--project", project, "preview", "--host", "0.0.0.0")
    assert result.code == 1 and "serves only this computer" in result.err


def test_a_source_broken_at_start_shows_its_error_until_fixed(tmp_path):
    import time

    project = make_project(tmp_path)  # the tiny project: this server only reads it
    path = project / "source/handouts/tiny.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "\n: [\n", encoding="utf-8")
    with PreviewServer(project, tmp_path / "server.log") as server:
        with pytest.raises(urllib.error.HTTPError) as unloaded:
            urllib.request.urlopen(server.url + "/")
        assert unloaded.value.code == 503
        shown = unloaded.value.read().decode()
        assert "source/handouts/tiny.yaml:" in shown and "malformed YAML" in shown
        path.write_text(good, encoding="utf-8")
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            try:
                with urllib.request.urlopen(server.url + "/") as response:
                    policy = response.headers["Content-Security-Policy"]
                    break
            except urllib.error.HTTPError:
                assert time.monotonic() < deadline, "the preview did not come back"
                time.sleep(0.2)
    assert "script-src 'self';" in policy and "unsafe" not in policy
