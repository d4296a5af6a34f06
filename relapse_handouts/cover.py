"""The EPUB cover: a PNG drawn from the handout's own title, readable as a thumbnail.

Drawn with Pillow in the script's Noto font (found through fontconfig), dark on light so it
stays legible on greyscale e-ink. Pillow has no font fallback, so text is cut into runs:
characters the script's font lacks (Latin words such as "ALL" in an Arabic title) are drawn
with Noto Sans; in right-to-left lines the runs are placed from the right.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from .errors import HandoutError
from .languages import language_of

__all__ = ["draw_cover"]

WIDTH, HEIGHT, MARGIN = 800, 1200, 60
_INK, _PAPER = (22, 50, 79), (250, 250, 247)


@dataclass(frozen=True)
class _Fonts:
    """The script's face and the Latin fallback, at one size, with the script's coverage."""

    script: ImageFont.FreeTypeFont
    latin: ImageFont.FreeTypeFont
    covered: frozenset[int] | None  # None: the script font has every character needed

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        """``text`` cut where the font changes; spaces stay with the run they are in."""
        runs: list[tuple[str, ImageFont.FreeTypeFont]] = []
        for char in text:
            if char.isspace():
                font = runs[-1][1] if runs else self.script
            elif self.covered is not None and (char.isascii() or ord(char) not in self.covered):
                font = self.latin
            else:
                font = self.script
            if runs and runs[-1][1] is font:
                runs[-1] = (runs[-1][0] + char, font)
            else:
                runs.append((char, font))
        return runs


def _cover_family(language: str) -> str:
    """The font family of the language's cover (languages.py); the CSS names it too."""
    row = language_of(language)
    return row.cover_family if row else "Noto Sans"


@cache
def _font_file(family: str, bold: bool) -> str:
    pattern = f"{family}:{'bold' if bold else 'regular'}"
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], check=True, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        found, reason = "", f": {error}"
    else:
        reason = ": no fonts are installed"
    if not found:
        raise HandoutError(
            f"cannot find the font '{pattern}'{reason}",
            hint="run 'bash run.sh setup' to install the Noto fonts",
        )
    return found


def _refuse_uncovered(text: str, language: str) -> None:
    """Pillow draws a character no font has as an empty box: refuse it, as the PDF does."""
    faces = [_font_file(_cover_family(language), bold) for bold in (True, False)]
    faces += [_font_file("Noto Sans", bold) for bold in (True, False)]
    coverage = [_coverage(face) for face in faces]
    if any(covered is None for covered in coverage):
        return  # the CJK collection: not read (see _coverage), trusted to cover the text
    drawn = {char for char in text if not char.isspace()}
    for bold in (0, 1):  # every character must be in the script or Latin face of each weight
        known = coverage[bold] | coverage[bold + 2]  # type: ignore[operator]
        missing = sorted(f"U+{ord(char):04X}" for char in drawn if ord(char) not in known)
        if missing:
            raise HandoutError(
                f"{len(missing)} character(s) of the e-book cover have no glyph in the "
                f"installed fonts and would show as empty boxes: {', '.join(missing[:8])}",
                hint="install fonts that cover every language built (Debian: "
                "fonts-noto-core, fonts-noto-cjk; 'bash run.sh setup' installs them)",
            )


@cache
def _coverage(path: str) -> frozenset[int] | None:
    """The characters a script font has; None for the CJK collection, which also covers
    Latin (and whose 20 MB would cost a worker some 200 MB of memory to read)."""
    if path.endswith(".ttc"):
        return None
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def _fonts(language: str, bold: bool, size: int) -> _Fonts:
    script = _font_file(_cover_family(language), bold)
    return _Fonts(
        ImageFont.truetype(script, size),
        ImageFont.truetype(_font_file("Noto Sans", bold), size),
        _coverage(script),
    )


def _width(draw: ImageDraw.ImageDraw, fonts: _Fonts, text: str, direction: str) -> float:
    return sum(
        draw.textlength(run, font=font, direction=_run_direction(font, fonts, direction))
        for run, font in fonts.runs(text)
    )


def _run_direction(font: ImageFont.FreeTypeFont, fonts: _Fonts, direction: str) -> str:
    return direction if font is fonts.script else "ltr"


def _wrap(
    draw: ImageDraw.ImageDraw, fonts: _Fonts, text: str, direction: str, by_char: bool
) -> list[str]:
    words = list(text) if by_char else text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = word if not line else line + ("" if by_char else " ") + word
        if _width(draw, fonts, candidate, direction) <= WIDTH - 2 * MARGIN or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def _draw_line(
    draw: ImageDraw.ImageDraw,
    fonts: _Fonts,
    line: str,
    y: int,
    direction: str,
    fill: tuple[int, int, int],
) -> None:
    rtl = direction == "rtl"
    x: float = WIDTH - MARGIN if rtl else MARGIN
    for run, font in fonts.runs(line):
        run_direction = _run_direction(font, fonts, direction)
        width = draw.textlength(run, font=font, direction=run_direction)
        draw.text(
            (x - width if rtl else x, y),
            run,
            font=font,
            fill=fill,
            anchor="la",
            direction=run_direction,
        )
        x = x - width if rtl else x + width


def draw_cover(title: str, subtitle: str, organisation: str, locale: str, direction: str) -> bytes:
    """A PNG cover for ``title``; identical bytes for identical input."""
    language = locale.split("-")[0]
    _refuse_uncovered(title + subtitle + organisation, language)
    row = language_of(language)
    by_char = row.wraps_by_character if row else False
    image = Image.new("RGB", (WIDTH, HEIGHT), _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 70), fill=_INK)
    draw.rectangle((0, HEIGHT - 70, WIDTH, HEIGHT), fill=_INK)
    big, small = _fonts(language, True, 76), _fonts(language, False, 38)
    y = 170
    for line in _wrap(draw, big, title, direction, by_char):
        _draw_line(draw, big, line, y, direction, _INK)
        y += 98
    y += 40
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=_INK, width=4)
    y += 40
    for line in _wrap(draw, small, subtitle, direction, by_char):
        _draw_line(draw, small, line, y, direction, (0, 0, 0))
        y += 52
    footer = _wrap(draw, small, organisation, direction, by_char)
    y = HEIGHT - 110 - 52 * len(footer)
    for line in footer:
        _draw_line(draw, small, line, y, direction, (0, 0, 0))
        y += 52
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
