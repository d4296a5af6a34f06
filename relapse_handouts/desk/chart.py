"""A line for the chart: what was given to the family, to paste into the health record.

Made for the result page in the nurse's language and never kept: the desk stores
nothing, and the line names no child (the record it is pasted into does that). A general
(built) file downloaded or opened to print from the list or the preview has its line
too: the page's script asks ``/chart?key=…&given=…`` for it (nothing personal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from babel.dates import format_date
from flask import Blueprint, abort, g, render_template, request

from ..i18n import babel_locale
from ..markup import plain_text
from ..resolve import ResolvedHandout
from .context import desk, gettext
from .views import file_label

__all__ = ["chart_line", "blueprint"]

blueprint = Blueprint("chart", __name__)


@blueprint.get("/chart")
def general_file() -> str:
    """The chart line after a built file was downloaded or opened to print from the list
    or the preview (which stay as they were): its script asks for it with the file's key
    and how it was given, and shows it under the link."""
    _, state = desk()
    entry = next((p for p in state.published() if p.key == request.args.get("key")), None)
    ways = {"downloaded": gettext("downloaded")}
    if entry is not None and entry.format == "pdf":
        ways["printed"] = gettext("PDF opened to print")
    how = ways.get(request.args.get("given", ""))
    if entry is None or how is None:
        abort(404 if entry is None else 400)
    if entry.variant not in state.variant_ids() or entry.locale not in state.projects:
        abort(404)
    topic_locale = g.ui if g.ui in state.locales else entry.locale
    topic = plain_text(state.resolved(entry.variant, topic_locale).variant.title)
    resolved = state.resolved(entry.variant, entry.locale)
    line = chart_line(resolved, topic, file_label(entry), [how], g.ui, gettext)
    return render_template("chart.html.j2", chart=line, password=None, links=[], sent="")


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
