"""The EPUB cover: a PNG drawn from the handout's own title, readable as a thumbnail.

Drawn with Pillow in the script's Noto font (found through fontconfig), in dark text on
a light band so it stays legible in greyscale e-ink.
"""
from __future__ import annotations

import subprocess
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from .errors import HandoutError

__all__ = ["draw_cover"]

WIDTH, HEIGHT = 800, 1200
_INK, _BAND, _PAPER = (22, 50, 79), (22, 50, 79), (250, 250, 247)
# Font family per script for the cover; the CSS names the same families.
_FAMILIES = {"ar": "Noto Sans Arabic", "zh": "Noto Sans CJK SC", "pa": "Noto Sans Gurmukhi"}


@lru_cache(maxsize=None)
def _font_file(language: str, bold: bool) -> str:
    family = _FAMILIES.get(language, "Noto Sans")
    pattern = f"{family}:{'bold' if bold else 'regular'}"
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], check=True,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise HandoutError(f"cannot find the font '{pattern}': {error}",
                           hint="run 'bash run.sh setup' to install the Noto fonts") from None
    return found


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          width: int, by_char: bool) -> list[str]:
    words = list(text) if by_char else text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = word if not line else line + ("" if by_char else " ") + word
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def draw_cover(title: str, subtitle: str, organisation: str, locale: str,
               direction: str) -> bytes:
    """A PNG cover for ``title``; identical bytes for identical input."""
    language = locale.split("-")[0]
    image = Image.new("RGB", (WIDTH, HEIGHT), _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 70), fill=_BAND)
    draw.rectangle((0, HEIGHT - 70, WIDTH, HEIGHT), fill=_BAND)
    title_font = ImageFont.truetype(_font_file(language, True), 76)
    small_font = ImageFont.truetype(_font_file(language, False), 38)
    by_char = language in ("zh", "ja")
    anchor, x = ("ra", WIDTH - 60) if direction == "rtl" else ("la", 60)
    y = 170
    for line in _wrap(draw, title, title_font, WIDTH - 120, by_char):
        draw.text((x, y), line, font=title_font, fill=_INK, anchor=anchor,
                  direction=direction)
        y += 98
    y += 40
    draw.line((60, y, WIDTH - 60, y), fill=_INK, width=4)
    y += 40
    for line in _wrap(draw, subtitle, small_font, WIDTH - 120, by_char):
        draw.text((x, y), line, font=small_font, fill=(0, 0, 0), anchor=anchor,
                  direction=direction)
        y += 52
    footer_lines = _wrap(draw, organisation, small_font, WIDTH - 120, by_char)
    y = HEIGHT - 110 - 52 * len(footer_lines)
    for line in footer_lines:
        draw.text((x, y), line, font=small_font, fill=(0, 0, 0), anchor=anchor,
                  direction=direction)
        y += 52
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
