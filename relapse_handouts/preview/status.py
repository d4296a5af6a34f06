"""What the preview tells the author about the document shown: its sign-off state and
its readability, worded for the page."""

from __future__ import annotations

import datetime as dt

from ..meanings import MEANINGS
from ..model import Site
from ..quality import assess
from ..resolve import ResolvedHandout

__all__ = ["approval_state", "readability_lines"]


def approval_state(resolved: ResolvedHandout) -> str:
    """The sign-off state of what is shown, from its approvals (``source/approvals/``):
    an approval holds only while the text is the text that was signed."""
    name = resolved.locale_info.name
    if resolved.draft_kind == "content":
        return "Draft: no named reviewer has signed this content yet."
    if resolved.draft_kind == "translation":
        return f"Draft translation: the content is signed; the {name} translation is not yet."
    changed = resolved.changed_since
    if resolved.draft_kind == "changed" and changed:
        return (
            f"Draft: changed since approved by {changed.reviewer} on {changed.date}; "
            "'make_docs.py review packet' shows what changed."
        )
    signed = "; ".join(
        f"{a.reviewer} ({a.role}, {MEANINGS[a.meaning]}, {a.locale}) on {a.date}"
        for a in resolved.signatures
    )
    return f"Approved as it is: {signed}."


def readability_lines(resolved: ResolvedHandout, site: Site) -> tuple[str, ...]:
    """The readability figures of the body text, then what the quality gates say."""
    report = assess(resolved, site.readability, site.medical_terms, dt.date.today(), False)
    whole = report.whole
    counts = f"{whole.words} words, {whole.words_per_sentence:.1f} words per sentence"
    if whole.grade is not None:
        figures = f"Grade level (Flesch-Kincaid) {whole.grade:.1f}, SMOG {whole.smog or 0:.1f}"
    elif whole.ease is not None:
        figures = f"Reading ease {whole.ease:.0f} (higher is easier)"
    else:
        figures = "No readability formula for this language"
        counts = f"{whole.words} words"
    notes = tuple(error.format() for error in report.errors) + tuple(
        warning.format("warning") for warning in report.warnings
    )
    return (f"{figures}; {counts}.", *notes)
