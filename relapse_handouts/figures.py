"""The drawn part of the pictures (issue 25): a child's body outline with the places ALL
can come back marked.

Every picture's words are HTML text in the layouts (``layouts/partials/figures.html.j2``),
so each script is shaped and wrapped by the renderer and right-to-left pictures mirror
with the text: WeasyPrint 70 lays out SVG text one letter at a time, which breaks Arabic
and Gurmukhi and costs a Form XObject per line. What only a drawing can show is drawn
here as SVG shapes, black on white: each place has its own numbered mark, so no meaning
rests on colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

__all__ = ["SITES", "body_outline"]

# The places a mark can show, in the order they are numbered.
SITES = ("marrow", "cns", "testicular")


def body_outline(sites: Sequence[str]) -> Markup:
    """A child's outline (symmetric, so it needs no mirroring) with a numbered mark per
    place in ``sites`` (from ``SITES``), numbered in the order given. Decorative to
    assistive technology: the picture's text alternative is on its container."""
    marks = "".join(_MARKS[site](number) for number, site in enumerate(sites, 1) if site in _MARKS)
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="body-outline" viewBox="0 0 120 236" '
        'aria-hidden="true" focusable="false">'
        '<g fill="none" stroke="#000" stroke-width="1.5">'
        '<circle cx="60" cy="30" r="18"/>'
        '<path d="M38 58h44l4 76H34z"/>'
        '<path d="M38 60l-18 62M82 60l18 62"/>'
        '<path d="M46 134l-4 92M74 134l4 92M56 134l-2 92M64 134l2 92"/>'
        "</g>" + marks + "</svg>"
    )


def _number(x: float, y: float, number: int) -> str:
    """A numbered disc: the number in the list beside the outline."""
    return (
        f'<circle cx="{x}" cy="{y}" r="10" fill="#fff" stroke="#000" stroke-width="1.5"/>'
        f'<path d="{_DIGITS[number]}" transform="translate({x - 4.5} {y - 7.5}) scale(1.5)" '
        'fill="none" stroke="#000" stroke-width="1.3"/>'
    )


# Digits drawn as strokes (6 x 10 units): a shape, not text, so no font is embedded.
_DIGITS = {
    1: "M1 2l2-2v10M1 10h4",
    2: "M0 2q3-3 6 0q1 2-2 4l-4 4h6",
    3: "M0 1q3-2 6 0q1 3-3 4q4 0 3 4q-3 2-6 0",
}


def _marrow(number: int) -> str:
    """Bone marrow: dots along the thigh bones and the hips."""
    dots = ((46, 150), (45, 172), (44, 194), (74, 150), (75, 172), (76, 194), (50, 126), (70, 126))
    return "".join(f'<circle cx="{x}" cy="{y}" r="3" fill="#000"/>' for x, y in dots) + (
        '<path d="M76 194l24 6" stroke="#000" stroke-width="1"/>' + _number(106, 204, number)
    )


def _cns(number: int) -> str:
    """Brain and spinal cord: the brain filled in, a thick line down the back."""
    return (
        '<ellipse cx="60" cy="25" rx="12" ry="8" fill="#000"/>'
        '<path d="M60 33v95" stroke="#000" stroke-width="4"/>'
        '<path d="M72 22l24-8" stroke="#000" stroke-width="1"/>' + _number(104, 12, number)
    )


def _testicular(number: int) -> str:
    """Testicles: a heavy ring between the legs."""
    return (
        '<circle cx="60" cy="140" r="5" fill="#fff" stroke="#000" stroke-width="2.5"/>'
        '<path d="M55 142l-38 6" stroke="#000" stroke-width="1"/>' + _number(12, 150, number)
    )


_MARKS = {"marrow": _marrow, "cns": _cns, "testicular": _testicular}
