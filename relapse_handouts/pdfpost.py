"""pypdf post-processing of rendered PDFs: password protection (and print impositions).

Cloning with ``clone_from`` keeps the structure tree, so an encrypted handout stays a
tagged PDF; AES-256 needs the ``cryptography`` package (pinned in requirements.txt).
"""
from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter

from .errors import HandoutError

__all__ = ["encrypt_pdf", "MIN_PASSWORD_LENGTH"]

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
