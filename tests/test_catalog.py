"""The nurses' catalog page, opened from disk in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from relapse_handouts.formats import OUTPUTS

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.sections: list[dict[str, str | None]] = []
        self.entries = 0
        self.hidden_entries = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.hrefs.append(attributes["href"])
        if tag == "section":
            self.sections.append(attributes)
        if tag == "li" and "entry" in (attributes.get("class") or ""):
            self.entries += 1
            self.hidden_entries += "hidden" in attributes


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def chromium(*args: str, profile: Path) -> str:
    if not CHROMIUM:
        pytest.skip("CHROMIUM NOT INSTALLED: 'bash run.sh setup' installs Debian chromium")
    run = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return run.stdout


def test_every_link_resolves_to_a_file(real_build):
    output, result = real_build
    page = parse((output / "index.html").read_text(encoding="utf-8"))
    # English: 8 variants x (PDF editions on Letter, EPUB, web page), the general one's
    # PDF editions and the CAR-T summary on A4; 5 other locales x 2 variants x 3 files
    # (standard PDF on Letter, EPUB, web page) and the general one on A4 (QUICK_BUILDS).
    pdf_editions = sum(entry.format == "pdf" for entry in OUTPUTS)
    assert "accessibility.html" in page.hrefs  # the accessibility report, after the list
    handouts = [href for href in page.hrefs if href != "accessibility.html"]
    assert (
        len(handouts)
        == len(result.built)
        == 8 * (pdf_editions + 2) + pdf_editions + 1 + 5 * 2 * 3 + 5
    )
    for href in page.hrefs:
        assert (output / href).is_file(), href


def test_each_language_in_its_own_language_and_direction(real_build):
    output, _ = real_build
    html = (output / "index.html").read_text(encoding="utf-8")
    sections = {s["lang"]: s["dir"] for s in parse(html).sections}
    assert sections == {
        "en-CA": "ltr",
        "fr-CA": "ltr",
        "es": "ltr",
        "zh-Hans": "ltr",
        "ar": "rtl",
        "pa": "ltr",
    }
    assert "Livre numérique (EPUB)" in html and "كتاب إلكتروني (EPUB)" in html


def test_page_loads_and_the_filter_narrows_the_list(real_build, tmp_path):
    output, _ = real_build
    url = (output / "index.html").as_uri()
    everything = parse(chromium("--dump-dom", url, profile=tmp_path / "a"))
    assert everything.entries == 8 + 5 * 2 and everything.hidden_entries == 0
    narrowed = chromium("--dump-dom", url + "?q=tisagenlecleucel", profile=tmp_path / "b")
    filtered = parse(narrowed)
    assert 0 < filtered.entries - filtered.hidden_entries < everything.entries
    assert re.search(r'<span id="count">\d+</span>', narrowed)
    shot = tmp_path / "catalog.png"
    chromium(
        f"--screenshot={shot}", "--window-size=1000,1200", url + "?q=brain", profile=tmp_path / "c"
    )
    assert shot.stat().st_size > 10_000
    shutil.copy(shot, output.parent / "catalog-screenshot.png")  # kept to look at
