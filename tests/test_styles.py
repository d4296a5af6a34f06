"""Styles: readable in black and white, and safe for old e-reader engines."""

from __future__ import annotations

import re

import pytest

from tests.base import REPO

STYLES = sorted((REPO / "styles").glob("*.css"))


def luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("sheet", STYLES, ids=lambda p: p.name)
def test_text_colours_reach_7_to_1(sheet):
    css = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)
    for colour in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", css):
        assert contrast(colour, "#ffffff") >= 7, f"{sheet.name}: text {colour} on white"
    for colour in re.findall(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})", css):
        assert contrast("#000000", colour) >= 7, f"{sheet.name}: black text on {colour}"


def test_epub_styles_avoid_what_old_readers_choke_on():
    for name in ("content.css", "epub.css"):
        css = re.sub(r"/\*.*?\*/", "", (REPO / "styles" / name).read_text(), flags=re.S)
        for banned in ("@page", "calc(", "var(", "flex", "grid"):
            assert banned not in css, f"{name} uses {banned}"
