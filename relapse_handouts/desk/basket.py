"""A family's basket: several built handouts, then one zip or one email with all of them.

The basket holds only which published files were chosen (their paths in output/, nothing
personal), in a same-site cookie; the zip and the email are made in memory.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import PurePosixPath

from flask import Flask, Response, abort, make_response, redirect, render_template, request

from ..emaildraft import SmtpSettings, compose_email, send_email
from ..errors import HandoutError
from ..personalize import PersonalHandout
from .app import desk, gettext, log
from .personal_views import check_recipient
from .settings import MAX_BASKET_ITEMS
from .state import DeskState, Published
from .views import MEDIA_TYPES, file_label

__all__ = ["register", "BASKET_COOKIE"]

BASKET_COOKIE = "desk_basket"
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # the same zip for the same files


def register(app: Flask) -> None:
    app.add_url_rule("/basket", "basket", show_basket)
    app.add_url_rule("/basket/add", "basket_add", add, methods=["POST"])
    app.add_url_rule("/basket/remove", "basket_remove", remove, methods=["POST"])
    app.add_url_rule("/basket/zip", "basket_zip", download_zip, methods=["POST"])
    app.add_url_rule("/basket/email", "basket_email", email, methods=["POST"])


def basket_items(state: DeskState) -> list[Published]:
    """The basket's files still listed in the manifest, in the order added."""
    keys = [k for k in request.cookies.get(BASKET_COOKIE, "").split("|") if k]
    listed = {entry.key: entry for entry in state.published()}
    return [listed[k] for k in dict.fromkeys(keys) if k in listed][:MAX_BASKET_ITEMS]


def show_basket(problem: str = "", status: int = 200, sent: bool = False):
    settings, state = desk()
    items = basket_items(state)
    page = render_template(
        "basket.html.j2",
        items=[(item, file_label(item), _title(state, item)) for item in items],
        problem=problem,
        sent=sent,
        smtp=settings.smtp_configured,
        limit=MAX_BASKET_ITEMS,
        typed_to=request.form.get("to", "") if request.method == "POST" else "",
    )
    return page, status


def add() -> Response:
    _, state = desk()
    listed = {entry.key for entry in state.published()}
    chosen = [key for key in request.form.getlist("key") if key in listed]
    if not chosen:
        return show_basket(gettext("Tick at least one file to add to the basket."), 400)
    keys = [item.key for item in basket_items(state)] + chosen
    keys = list(dict.fromkeys(keys))
    if len(keys) > MAX_BASKET_ITEMS:
        return show_basket(
            gettext("A basket holds at most %(count)s files.") % {"count": MAX_BASKET_ITEMS}, 400
        )
    return _saved(keys)


def remove() -> Response:
    _, state = desk()
    gone = set(request.form.getlist("key"))
    return _saved([item.key for item in basket_items(state) if item.key not in gone])


def download_zip() -> Response:
    _, state = desk()
    items = basket_items(state)
    if not items:
        return show_basket(gettext("The basket is empty."), 400)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in items:
            info = zipfile.ZipInfo(item.path, _ZIP_TIME)
            # PDFs and EPUBs are compressed already; web pages shrink well.
            info.compress_type = (
                zipfile.ZIP_DEFLATED if item.format == "html" else zipfile.ZIP_STORED
            )
            archive.writestr(info, _read(state, item))
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="handouts.zip"'
    return response


def email() -> Response:
    """The email with every file attached: a draft (.eml) or, with a mail server, sent."""
    settings, state = desk()
    items = basket_items(state)
    pdfs = [item for item in items if item.format == "pdf"]
    if not pdfs:
        return show_basket(gettext("Add at least one PDF to the basket to email it."), 400)
    send = request.form.get("action") == "send"
    recipient = request.form.get("to", "").strip()
    if send and not (settings.smtp_configured and check_recipient(recipient)):
        return show_basket(gettext("Type one email address, like name@example.org."), 422)
    first = pdfs[0]  # the message is in the language of the first PDF
    handout = PersonalHandout(
        state.resolved(first.variant, first.locale),
        _read(state, first),
        None,
        PurePosixPath(first.path).name.removesuffix(".pdf"),
    )
    message = compose_email(handout, state.config.source_dir, None, recipient or None, False)
    for item in items:
        if item is not first:
            main, sub = _media_type(item).split("/")
            message.add_attachment(
                _read(state, item),
                maintype=main,
                subtype=sub,
                filename=PurePosixPath(item.path).name,
            )
    if not send:
        response = Response(bytes(message), mimetype="message/rfc822")
        response.headers["Content-Disposition"] = 'attachment; filename="handouts.eml"'
        return response
    try:
        send_email(message, SmtpSettings.from_environment())
    except HandoutError:
        log.error("sending failed")  # never the address
        return show_basket(gettext("The email could not be sent. Download the draft instead."), 502)
    return show_basket(sent=True)


def _saved(keys: list[str]) -> Response:
    response = make_response(redirect("/basket", 303))
    response.set_cookie(BASKET_COOKIE, "|".join(keys), samesite="Strict", httponly=True, path="/")
    return response


def _read(state: DeskState, item: Published) -> bytes:
    found = state.published_file(item.key)
    if found is None:
        abort(404)
    return found[1]


def _media_type(item: Published) -> str:
    return MEDIA_TYPES.get(item.format, "application/octet-stream").split(";")[0]


def _title(state: DeskState, item: Published) -> str:
    from ..markup import plain_text

    return plain_text(state.resolved(item.variant, item.locale).variant.title)
