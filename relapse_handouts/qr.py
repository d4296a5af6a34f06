"""The short link to a handout's latest online version, and its QR code for print."""

from __future__ import annotations

import base64
from functools import lru_cache
from io import BytesIO

import qrcode
import qrcode.image.svg

__all__ = ["update_link", "qr_data_uri"]


def update_link(publisher_url: str | None, locale: str, slug: str) -> str | None:
    """``<publisher_url>/<locale>/<slug>``, or None when no publisher URL is configured."""
    return f"{publisher_url.rstrip('/')}/{locale}/{slug}" if publisher_url else None


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """A vector QR code (SVG) for ``url`` as a data URI the layouts can use in an <img>."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
