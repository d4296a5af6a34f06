"""The web pages in Chromium: axe-core at WCAG 2.2 AA and best practices, no sideways
scrolling at 320 CSS px, keyboard order and a visible focus; in each script (Latin,
Chinese, Arabic right to left, Gurmukhi), the catalog and the editor's review page."""

from __future__ import annotations

import shutil

import pytest

from relapse_handouts import build
from relapse_handouts.checkers import open_chromium, web_checks
from tests.base import config_for, first_by_default, make_project, run_cli

SCRIPTS = ("en-CA", "zh-Hans", "ar", "pa")
# Arabic (right to left), the catalog and the review page by default; CI adds Latin,
# Chinese and Gurmukhi.
PAGES = first_by_default(
    "ar/relapsed-all.html",
    "index.html",
    "review.html",
    *(f"{locale}/relapsed-all.html" for locale in SCRIPTS if locale != "ar"),
    keep=3,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("web"), "real")
    config = config_for(
        project, locales=SCRIPTS, variants=("general",), formats=("html",), editions=("standard",)
    )
    build(config)
    assert run_cli("--project", project, "check", "--report").code == 0
    return project / "output"


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("chromium"):
        pytest.fail("Chromium is missing: 'bash run.sh setup' installs Debian's chromium")
    with open_chromium() as chromium:
        yield chromium


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_nothing_and_the_page_reflows_at_320_px(site, browser, name):
    result = web_checks(browser, site / name)
    assert result.findings == ()
    assert result.passed


FOCUS_STATE = """() => {
  const e = document.activeElement, style = getComputedStyle(e), box = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.textContent || e.id || '').trim().slice(0, 40),
          index: [...document.querySelectorAll('a[href], input, button, [tabindex]')].indexOf(e),
          outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
          shadow: style.boxShadow !== 'none', width: box.width, height: box.height,
          inView: box.bottom > 0 && box.top < innerHeight
                  && box.right > 0 && box.left < innerWidth};
}"""


@pytest.mark.parametrize("name", PAGES)
def test_keyboard_order_follows_the_page_and_focus_is_visible(site, browser, name):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto((site / name).as_uri())
        seen = []
        for _ in range(12):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if state["tag"] == "BODY":
                break
            seen.append(state)
            assert state["outline"] >= 2 or state["shadow"], state  # a visible focus ring
            assert state["width"] > 1 and state["height"] > 1 and state["inView"], state
        assert len(seen) >= 2
        order = [state["index"] for state in seen]
        assert order == sorted(order) and min(order) >= 0, order  # DOM order, nothing skipped
        if "/" in name:  # a handout: the first stop is the skip link, and it works
            assert seen[0]["tag"] == "A" and seen[0]["index"] == 0
            page.keyboard.press("Shift+Tab")
            page.evaluate("() => document.activeElement.blur()")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            assert page.evaluate("location.hash").startswith("#")
    finally:
        page.close()
