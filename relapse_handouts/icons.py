"""The icons beside the urgent signs (issue 25): one small drawing per kind of sign.

A sign in "When to call right away" names its icon in the content (``icon: fever``,
validated against ``ICONS``); the 911 flow shows the emergency ones. Each is drawn
here as SVG shapes in the text colour (black on paper; the reader's colour in a dark
e-reader), bold enough for the summary's 11 pt, and never the only carrier of meaning:
the sign's words stand beside it, so the icon is hidden from assistive technology
(``aria-hidden``; an artifact in the PDF, relapse_handouts/pdftags.py). None has a
reading direction, so none mirrors in right-to-left text; an icon that has one (an
arrow, a face in profile) sets ``mirror`` and the stylesheet flips it there.
"""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup

__all__ = ["ICONS", "Icon", "sign_icon", "check_icon"]


class Icon(NamedTuple):
    """What the drawing shows (for authors choosing one), its shapes on a 24-unit grid,
    and whether it flips in right-to-left text."""

    shows: str
    shapes: str
    mirror: bool = False


_FILLED = 'fill="currentColor" stroke="none"'

ICONS: dict[str, Icon] = {
    "fever": Icon(
        "a thermometer",
        '<path d="M9.5 4.5a2.5 2.5 0 0 1 5 0v9.6a4.6 4.6 0 1 1-5 0z"/>'
        f'<circle cx="12" cy="18" r="2.4" {_FILLED}/><path d="M12 17V8.5"/>'
        '<path d="M17.5 6h2.5M17.5 9.5h2.5M4 6h2.5M4 9.5h2.5"/>',
    ),
    "bleeding": Icon(
        "a drop of blood",
        '<path d="M12 2.5C9 7.5 5.5 11 5.5 15a6.5 6.5 0 0 0 13 0c0-4-3.5-7.5-6.5-12.5z" '
        f"{_FILLED}/>",
    ),
    "confusion": Icon(
        "a spiral, as when the head spins",
        '<path d="M13 12 13.2 12.6 13 13.3 12.3 13.8 11.4 14.1 10.4 13.8 9.5 13 9 11.7 9.2 10.3 '
        "10.1 9 11.6 8.2 13.4 8.1 15.2 9 16.5 10.6 16.9 12.8 16.3 15.1 14.6 17 12.1 17.9 9.4 "
        "17.6 6.9 16 5.4 13.4 5.2 10.3 6.5 7.2 9.1 5 12.5 4.1 16.1 4.9 19 7.3 20.7 10.9 20.5 "
        '15 18.5 18.7 15 21.1"/>',
    ),
    "fever-chills": Icon(
        "a thermometer with shivering lines on both sides",
        '<path d="M10 4.5a2 2 0 0 1 4 0v9.8a4 4 0 1 1-4 0z"/>'
        f'<circle cx="12" cy="17.5" r="2" {_FILLED}/><path d="M12 16.5V8.5"/>'
        '<path d="M5.5 5l-2 2.5 2 2.5-2 2.5 2 2.5M18.5 5l2 2.5-2 2.5 2 2.5-2 2.5"/>',
    ),
    "nervous-system": Icon(
        "a brain and spinal cord, with shaking lines on both sides",
        '<path d="M12 4.5c-1.2-2-5-1.6-5 1.2-2.3.7-2.3 4.3 0 5-.2 2.5 3.3 3.7 5 1.7 1.7 2 5.2.8 '
        '5-1.7 2.3-.7 2.3-4.3 0-5 0-2.8-3.8-3.2-5-1.2zM12 4.5v17.5"/>'
        '<path d="M3.5 12l-2 2.5 2 2.5-2 2.5M20.5 12l2 2.5-2 2.5 2 2.5"/>',
    ),
    "breathing": Icon(
        "a pair of lungs",
        '<path d="M12 2.5v8.5M12 11l-3.5 3M12 11l3.5 3"/>'
        '<path d="M9.5 6C5.5 6 2.5 11.5 2.5 17.5c0 2 1 3 2.8 3 2.5 0 4.2-1 4.2-3.5zM14.5 6c4 0 '
        '7 5.5 7 11.5 0 2-1 3-2.8 3-2.5 0-4.2-1-4.2-3.5z"/>',
    ),
    "seizure": Icon(
        "a lightning bolt",
        f'<path d="M13.5 1.5L4.5 13.5h6.5l-2 9 10.5-13h-6.5l2.5-8z" {_FILLED}/>',
    ),
    "hard-to-wake": Icon(
        "a face with its eyes closed",
        '<circle cx="12" cy="12" r="9.5"/><path d="M6.5 10q2 2 4 0M13.5 10q2 2 4 0M9 16h6"/>',
    ),
}


def check_icon(name: str) -> str:
    """``name`` if it is a drawn icon; otherwise say which ones there are (model.py)."""
    if name not in ICONS:
        known = ", ".join(f"{key} ({icon.shows})" for key, icon in ICONS.items())
        raise ValueError(
            f"no icon is drawn for '{name}': use one of {known}, or draw a new one in "
            "relapse_handouts/icons.py"
        )
    return name


def sign_icon(name: str) -> Markup:
    """The icon ``name`` (from ``ICONS``) as inline SVG in the text colour, hidden from
    assistive technology: the sign's words beside it say what it means."""
    icon = ICONS[name]
    mirror = " mirror" if icon.mirror else ""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sign-icon icon-{name}{mirror}" '
        'viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round">{icon.shapes}</svg>'
    )
