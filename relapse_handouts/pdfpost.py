"""pypdf post-processing of rendered PDFs: password protection (and print impositions).

Cloning with ``clone_from`` keeps the structure tree, so an encrypted handout stays a
tagged PDF; AES-256 needs the ``cryptography`` package (pinned in requirements.txt).
"""
from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter, Transformation

from .errors import HandoutError

__all__ = ["encrypt_pdf", "impose_booklet", "booklet_order", "MIN_PASSWORD_LENGTH"]

MIN_PASSWORD_LENGTH = 8


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """``data`` protected with AES-256: the password is needed to open it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise HandoutError(f"the PDF password is shorter than {MIN_PASSWORD_LENGTH} characters",
                           hint="choose a longer password and share it with the family by "
                                "phone or in person, not in the same email")
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    # The owner password only guards permissions; the user password opens the file.
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256",
                   permissions_flag=-1)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# Landscape sheets that carry two pages side by side (points).
_SHEETS = {"letter": (792.0, 612.0), "a4": (841.89, 595.28)}


def booklet_order(page_count: int) -> list[tuple[int, int]]:
    """Page pairs (left, right) for each sheet side, front then back: folding the stack
    gives the pages in reading order. ``page_count`` must be a multiple of 4."""
    sides = []
    for sheet in range(page_count // 4):
        sides.append((page_count - 1 - 2 * sheet, 2 * sheet))
        sides.append((2 * sheet + 1, page_count - 2 - 2 * sheet))
    return sides


def impose_booklet(data: bytes, notes_page: bytes, paper: str, title: str) -> tuple[bytes, int]:
    """A 2-up, duplex short-edge print file; pages padded to a multiple of 4 with a notes
    page, then blanks. Imposition cannot keep tags: this file is for printing only."""
    source = PdfReader(BytesIO(data))
    pages = list(source.pages)
    if len(pages) % 4:
        pages.append(PdfReader(BytesIO(notes_page)).pages[0])
    sheet_width, sheet_height = _SHEETS[paper]
    slot = sheet_width / 2
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    scale = min(slot / width, sheet_height / height)
    writer = PdfWriter()
    for pair in booklet_order(len(pages) + (-len(pages)) % 4):
        side = writer.add_blank_page(sheet_width, sheet_height)
        for position, index in enumerate(pair):
            if index < len(pages):  # beyond: blank padding
                x = position * slot + (slot - width * scale) / 2
                y = (sheet_height - height * scale) / 2
                side.merge_transformed_page(
                    pages[index], Transformation().scale(scale).translate(x, y))
        side.compress_content_streams()
    writer.add_metadata({"/Title": f"{title} (booklet print file)",
                         "/Subject": "Print file: print duplex, flip on short edge, fold. "
                                     "Share the tagged PDF, not this file.",
                         "/Keywords": "booklet, print file, imposition",
                         "/Producer": "relapse-handouts (pypdf)"})
    preferences = writer.create_viewer_preferences()
    preferences.duplex = "/DuplexFlipShortEdge"
    writer.compress_identical_objects()
    out = BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
