"""pypdf post-processing of rendered PDFs: password protection (and print impositions).

Cloning with ``clone_from`` keeps the structure tree, so an encrypted handout stays a
tagged PDF; AES-256 needs the ``cryptography`` package (pinned in requirements.txt).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from .errors import HandoutError

__all__ = [
    "encrypt_pdf",
    "add_info",
    "impose_booklet",
    "booklet_order",
    "MIN_PASSWORD_LENGTH",
]

MIN_PASSWORD_LENGTH = 8


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """``data`` protected with AES-256: the password is needed to open it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise HandoutError(
            f"the PDF password is shorter than {MIN_PASSWORD_LENGTH} characters",
            hint="choose a longer password and share it with the family by "
            "phone or in person, not in the same email",
        )
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    # The owner password only guards permissions; the user password opens the file.
    writer.encrypt(
        user_password=password,
        owner_password=None,
        algorithm="AES-256",
        permissions_flag=-1,  # type: ignore[arg-type]  # every permission bit, as pypdf writes
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_info(data: bytes, info: dict[str, str]) -> bytes:
    """``data`` with more entries in its document information (tags kept)."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    writer.add_metadata(info)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# Landscape sheets that carry two pages side by side (points).
_SHEETS = {"letter": (792.0, 612.0), "a4": (841.89, 595.28)}


def booklet_order(page_count: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """Page pairs (left, right) for each sheet side, front then back: folding the stack
    gives the pages in reading order. ``page_count`` must be a multiple of 4. A
    right-to-left booklet is bound on the right, so each pair is mirrored."""
    sides = []
    for sheet in range(page_count // 4):
        sides.append((page_count - 1 - 2 * sheet, 2 * sheet))
        sides.append((2 * sheet + 1, page_count - 2 - 2 * sheet))
    return [(right, left) for left, right in sides] if right_to_left else sides


def _mark_print_file(writer: PdfWriter, title: str) -> None:
    """Metadata saying what the imposed file is for, and which file to share instead."""
    writer.add_metadata(
        {
            "/Title": f"{title} (booklet print file)",
            "/Subject": "Print file: print duplex, flip on short edge, fold. "
            "Share the tagged PDF, not this file.",
            "/Keywords": "booklet, print file, imposition",
            "/Producer": "relapse-handouts (pypdf)",
        }
    )


def impose_booklet(
    data: bytes, notes_page: bytes, paper: str, title: str, right_to_left: bool = False
) -> tuple[bytes, int]:
    """A 2-up, duplex short-edge print file; pages padded to a multiple of 4 with a notes
    page, then blanks. Imposition cannot keep tags: this file is for printing only.

    Each page becomes a form XObject drawn twice smaller on its half of the sheet, so its
    content stream is copied, never parsed (pypdf's page merging parses and is ~20x slower).
    """
    pages = list(PdfReader(BytesIO(data)).pages)
    if len(pages) % 4:
        pages.append(PdfReader(BytesIO(notes_page)).pages[0])
    sheet_width, sheet_height = _SHEETS[paper]
    slot = sheet_width / 2
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    scale = min(slot / width, sheet_height / height)
    writer = PdfWriter()
    forms = [_as_form(writer, page) for page in pages]
    for pair in booklet_order(len(pages) + (-len(pages)) % 4, right_to_left):
        side = writer.add_blank_page(sheet_width, sheet_height)
        drawn, operators = DictionaryObject(), []
        for position, index in enumerate(pair):
            if index < len(pages):  # beyond: blank padding
                x = position * slot + (slot - width * scale) / 2
                y = (sheet_height - height * scale) / 2
                drawn[NameObject(f"/P{position}")] = forms[index]
                operators.append(
                    f"q {scale:.6f} 0 0 {scale:.6f} {x:.3f} {y:.3f} cm /P{position} Do Q"
                )
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): drawn})
        side[NameObject("/Contents")] = writer._add_object(_stream("\n".join(operators).encode()))
    _mark_print_file(writer, title)
    preferences = writer.create_viewer_preferences()
    preferences.duplex = "/DuplexFlipShortEdge"  # type: ignore[assignment]  # pypdf: a setter
    out = BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _stream(data: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()


def _as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """``page`` as a form XObject in ``writer`` (resources cloned once, fonts shared)."""
    contents: Any = page["/Contents"].get_object()
    parts: Any = contents if isinstance(contents, ArrayObject) else [contents]
    form = _stream(b"\n".join(part.get_object().get_data() for part in parts))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in page.mediabox]),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    return writer._add_object(form)
