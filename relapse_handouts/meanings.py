"""What a signature means: the one table of meanings an approval may record, printed on
the handout in the locale's language (the words are in the layout catalogs)."""

from __future__ import annotations

__all__ = ["MEANINGS", "N_"]


def N_(message: str) -> str:
    """Marks a word for the catalog; translated where it is printed."""
    return message


MEANINGS = {
    "clinical-accuracy": N_("clinical accuracy"),
    "translation-accuracy": N_("translation accuracy"),
}
