"""A family's basket: several built handouts, then one zip or one email with all of them.

The basket holds only which published files were chosen (their paths in output/, nothing
personal), in a same-site cookie. The care sheet may be filled in on the basket page:
then every standard or large-print PDF in it is made for the child (in memory, like the
personalize page); other files (e-books, web pages, booklets) stay the general ones.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from ..emaildraft import compose_email
from ..formats import output_format
from ..i18n import babel_locale
from ..markup import plain_text
from ..personal import CareSheet
from ..personalize import Attachment, PersonalHandout
from .chart import chart_line
from .context import can_send, desk, gettext
from .passwords import make_password
from .personal_views import check_recipient, data_url, rendered, send_to_family
from .settings import MAX_BASKET_ITEMS
from .sheetform import SheetProblems, form_data, read_sheet, sheet_fields
from .state import DeskState, PersonalChoice, Published
from .views import file_label, media_type

__all__ = ["blueprint", "BASKET_COOKIE"]

BASKET_COOKIE = "desk_basket"
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # the same zip for the same files
_EMAIL_TEXT_BYTES = 20_000  # the message's text and headers, generously


blueprint = Blueprint("basket", __name__, url_prefix="/basket")


@blueprint.post("/next")
def next_family() -> Response:
    """ "Next family" on a shared computer: the basket emptied, a fresh first page (the
    forms were only ever in the pages themselves)."""
    response = make_response(redirect(url_for("find.find"), 303))
    response.delete_cookie(BASKET_COOKIE, path="/", samesite="Strict", httponly=True)
    return response


def basket_items(state: DeskState) -> list[Published]:
    """The basket's files still listed in the manifest, in the order added."""
    keys = [k for k in request.cookies.get(BASKET_COOKIE, "").split("|") if k]
    listed = {entry.key: entry for entry in state.published()}
    return [listed[k] for k in dict.fromkeys(keys) if k in listed][:MAX_BASKET_ITEMS]


@blueprint.get("")
def show_basket(
    problem: str = "",
    status: int = 200,
    sent: bool = False,
    problems: dict | None = None,
    given: dict | None = None,
) -> tuple[str, int]:
    settings, state = desk()
    items = basket_items(state)
    typed: Any = request.form if request.method == "POST" else {}
    page = render_template(
        "basket.html.j2",
        items=[(item, file_label(item), _title(state, item), _size(item.size)) for item in items],
        sizes=_sizes(state, items),
        problem=problem,
        problems=problems or {},
        sent=sent,
        smtp=can_send(),
        limit=MAX_BASKET_ITEMS,
        fields=sheet_fields(),
        typed=typed,
        drugs=_drug_choices(state, items),
        chosen_medicines=set(typed.getlist("medicines")) if typed else set(),
        languages=state.locales,
        email_locale=typed.get("email_locale") or (items[0].locale if items else ""),
        **(given or {}),
    )
    return page, status


@blueprint.post("/add")
def add() -> Any:
    _, state = desk()
    listed = {entry.key for entry in state.published()}
    chosen = [key for key in request.form.getlist("key") if key in listed]
    if not chosen:
        return show_basket(gettext("Tick at least one file to add to the basket."), 400)
    keys = list(dict.fromkeys([item.key for item in basket_items(state)] + chosen))
    if len(keys) > MAX_BASKET_ITEMS:
        return show_basket(
            gettext("A basket holds at most %(count)s files.") % {"count": MAX_BASKET_ITEMS}, 400
        )
    return _saved(keys)


@blueprint.post("/remove")
def remove() -> Response:
    _, state = desk()
    gone = set(request.form.getlist("key"))
    return _saved([item.key for item in basket_items(state) if item.key not in gone])


@blueprint.post("/zip")
def download_zip() -> Any:
    """One zip of every file; with "Protect", the PDFs made for the child in it are
    protected as in the email. A page, not only a file: the zip to download (at once,
    with JavaScript), the password once with its slip, and the chart line."""
    _, state = desk()
    items = basket_items(state)
    if not items:
        return show_basket(gettext("The basket is empty."), 400)
    try:
        sheet = _sheet(state, items)
        password = _password(state, items, sheet)
        files = [_file(state, item, sheet, password).pdf for item in items]
    except SheetProblems as problems:
        return show_basket(status=problems.status, problems=problems.problems)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item, data in zip(items, files, strict=True):
            info = zipfile.ZipInfo(item.path, _ZIP_TIME)
            # PDFs and EPUBs are compressed already; web pages shrink well.
            info.compress_type = (
                zipfile.ZIP_DEFLATED if item.format == "html" else zipfile.ZIP_STORED
            )
            archive.writestr(info, data)
    link = ("handouts.zip", data_url("application/zip", buffer.getvalue()), "zip")
    language = _family_language(state, items)
    given = _given(state, items, sheet, password, gettext("downloaded"), link, language)
    return show_basket(given=given)


@blueprint.post("/email")
def email() -> Any:
    """The email with every file attached: a draft (.eml) or, with a mail server, sent."""
    settings, state = desk()
    items = basket_items(state)
    if not items:
        return show_basket(gettext("The basket is empty."), 400)
    language = _family_language(state, items)
    send = request.form.get("action") == "send"
    recipient = request.form.get("to", "").strip()
    try:
        sheet = _sheet(state, items)
        password = _password(state, items, sheet)
        if send and not can_send():
            raise SheetProblems(
                {"to": gettext("This desk has no mail server: download the email draft.")}
            )
        if (send or recipient) and not check_recipient(recipient):  # a draft's To line too
            raise SheetProblems({"to": gettext("Type one email address, like name@example.org.")})
        message = _message(state, items, language, sheet, recipient, password)
        if send:
            send_to_family(message, state)
    except SheetProblems as problems:
        return show_basket(status=problems.status, problems=problems.problems)
    # A page, not only a file: the draft to download (at once, with JavaScript), the
    # password shown once with its slip, and the chart line.
    if send:
        how, link = gettext("emailed to the family"), None
    else:
        how = gettext("email draft made")  # the desk cannot know it was sent
        link = ("handouts.eml", data_url("message/rfc822", bytes(message)), "eml")
    return show_basket(sent=send, given=_given(state, items, sheet, password, how, link, language))


def _family_language(state: DeskState, items: list[Published]) -> str:
    """The family's language as the nurse chose it (the email's, the slip's)."""
    language = request.form.get("email_locale") or items[0].locale
    if language not in state.locales:
        abort(400)
    return language


def _password(state: DeskState, items: list[Published], sheet: CareSheet | None) -> str | None:
    """A new password when the nurse asked to protect the PDFs made for the child."""
    if request.form.get("protect") != "1":
        return None
    if sheet is None or not any(_made_for_child(state, item) for item in items):
        raise SheetProblems(
            {
                "protect": gettext(
                    "Only the PDFs made for the child are protected: fill in the care sheet "
                    "and keep a standard or large-print PDF in the basket."
                )
            }
        )
    return make_password()


def _made_for_child(state: DeskState, item: Published) -> bool:
    return item.format == "pdf" and item.edition in state.personal_editions


def _given(
    state: DeskState,
    items: list[Published],
    sheet: CareSheet | None,
    password: str | None,
    how: str,
    link: tuple[str, str, str] | None,
    language: str,
) -> dict[str, Any]:
    """What the basket page shows after a zip or an email: the password and its slip (in
    the family's language), the file to download, and the chart line, one per file."""
    lines = []
    for item in items:
        given = [how]
        if password and sheet is not None and _made_for_child(state, item):
            given.append(gettext("password given by phone"))
        topic_locale = g.ui if g.ui in state.locales else item.locale
        topic = plain_text(state.resolved(item.variant, topic_locale).variant.title)
        resolved = state.resolved(item.variant, item.locale)
        lines.append(chart_line(resolved, topic, file_label(item), given, g.ui, gettext))
    first = next((item for item in items if _made_for_child(state, item)), items[0])
    return {
        "password": password,
        "slip": {"variant": first.variant, "locale": language},
        "links": [link] if link else [],
        "download_now": link[2] if link else "",
        "chart": "\n".join(dict.fromkeys(lines)),
    }


def _message(
    state: DeskState,
    items: list[Published],
    language: str,
    sheet: CareSheet | None,
    recipient: str,
    password: str | None = None,
) -> Any:
    """One email with every file, in the family's language as the nurse chose it (the
    subject names the first handout's topic in that language); the PDFs made for the
    child protected by ``password`` when given."""
    files = [_file(state, item, sheet, password) for item in items]
    attachments = [
        Attachment(
            PurePosixPath(item.path).name, media_type(item), data.pdf, _label(item), item.locale
        )
        for item, data in zip(items, files, strict=True)
    ]
    first = next((item for item in items if item.format == "pdf"), items[0])
    resolved = state.resolved(first.variant, language)
    return compose_email(
        resolved, attachments, state.config.source_dir, None, recipient or None, bool(password)
    )


def _sheet(state: DeskState, items: list[Published]) -> CareSheet | None:
    """The care sheet typed on the basket page, validated; None when nothing was typed."""
    if not form_data(request.form, request.form.getlist):
        return None
    drug_ids = {drug_id for drug_id, _, _ in _drug_choices(state, items)}
    return read_sheet(request.form, request.form.getlist, drug_ids, gettext)


def _file(
    state: DeskState, item: Published, sheet: CareSheet | None, password: str | None = None
) -> PersonalHandout:
    """The item's bytes (in ``.pdf`` whatever the format): made for the child when a care
    sheet was given and the item is a PDF edition rendered from the layouts."""
    if sheet is not None and _made_for_child(state, item):
        choice = PersonalChoice(
            item.variant, item.locale, item.paper or state.papers[0], item.edition
        )
        return rendered(state, choice, sheet, password)
    found = state.published_file(item.key)
    if found is None:
        abort(404)
    stem = PurePosixPath(item.path).name.rsplit(".", 1)[0]
    return PersonalHandout(state.resolved(item.variant, item.locale), found[1], None, stem)


def _drug_choices(state: DeskState, items: list[Published]) -> list[tuple[str, str, str]]:
    """The medicines of every topic in the basket, once each, in the nurse's language."""
    locale = g.ui if g.ui in state.locales else next(iter(state.locales))
    choices: dict[str, tuple[str, str, str]] = {}
    for variant in dict.fromkeys(item.variant for item in items if item.format == "pdf"):
        for drug in state.variant_drugs(variant, locale):
            choices.setdefault(drug.id, (drug.id, plain_text(drug.generic), ", ".join(drug.brands)))
    return list(choices.values())


def _saved(keys: list[str]) -> Response:
    response = make_response(redirect(url_for("basket.show_basket"), 303))
    response.set_cookie(BASKET_COOKIE, "|".join(keys), samesite="Strict", httponly=True, path="/")
    return response


def _label(item: Published) -> str:
    """The formats table's label (untranslated; the email words it in its language)."""
    try:
        labels = output_format(item.format, item.edition).labels
    except KeyError:
        return ""
    return str(labels.get(item.paper) or labels.get(None) or "")


def _size(size: int) -> str:
    """'1.2 MB' / '1,2 Mo' in the nurse's language (at least 0.1)."""
    number = format_decimal(max(size / 1e6, 0.1), "#,##0.0", locale=babel_locale(g.ui))
    return gettext("%(size)s MB") % {"size": number}


def _sizes(state: DeskState, items: list[Published]) -> dict[str, Any]:
    """The total, the email's likely size (attachments grow by a third in an email) and
    whether it goes over the hospital's mail limit (``mail_limit_mb`` in site.yaml)."""
    total = sum(item.size for item in items)
    email = total * 4 // 3 + _EMAIL_TEXT_BYTES
    limit = state.project.site.mail_limit_mb
    return {
        "total": _size(total),
        "email": _size(email),
        "limit": _size(int(limit * 1e6)),
        "over": email > limit * 1e6,
    }


def _title(state: DeskState, item: Published) -> str:
    return plain_text(state.resolved(item.variant, item.locale).variant.title)
