"""A line for the chart: what was given to the family, to paste into the health record.

Made for the result page in the nurse's language and never kept: the desk stores
nothing, and the line names no child (the record it is pasted into does that).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from babel.dates import format_date

from ..i18n import babel_locale
from ..markup import plain_text
from ..resolve import ResolvedHandout

__all__ = ["chart_line"]


def chart_line(
    resolved: ResolvedHandout,
    topic: str,
    edition: str,
    given: list[str],
    ui: str,
    _: Callable[[str], str],
    today: dt.date | None = None,
) -> str:
    """'Patient education: CNS relapse (Français), standard edition, content version 1.2,
    draft not yet reviewed; 2026-12-05; PDF made, password given by phone.'"""
    handout = resolved.handout
    if resolved.is_draft:
        status = _("draft, not yet reviewed")
    else:
        status = _("reviewed by %(name)s on %(date)s") % {
            "name": ", ".join(approval.reviewer for approval in resolved.signatures),
            "date": _long_date(resolved.last_reviewed, ui),
        }
    return _(
        "Patient education: %(topic)s (%(language)s), %(edition)s, content version "
        "%(version)s, %(status)s; %(date)s; %(given)s."
    ) % {
        "topic": topic or plain_text(resolved.variant.title),
        "language": resolved.locale_info.name,
        "edition": edition,
        "version": handout.content_version,
        "status": status,
        "date": _long_date(today or dt.date.today(), ui),
        "given": ", ".join(given),
    }


def _long_date(date: dt.date | None, ui: str) -> str:
    return format_date(date, "long", locale=babel_locale(ui)) if date else ""
