"""One child's handout: the care sheet form, then the PDF (EPUB), draft or sent email.

The care sheet is validated by ``personal.load_sheet`` and rendered by the pipeline in
memory; the files go straight into the response. A password, when asked for, is made
here, shown once on the result page and never kept.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request

from ..emaildraft import SmtpSettings, checked_address, compose_email, send_email
from ..errors import HandoutError
from ..family_words import slip_words
from ..formats import DEFAULT_EDITION
from ..markup import plain_text
from ..personal import CareSheet
from ..personalize import PersonalHandout
from ..resolve import ResolvedHandout
from .chart import chart_line
from .context import can_send, desk, gettext, log
from .passwords import WORDS, WORDS_IN_PASSWORD, make_password
from .sheetform import SheetProblems, read_sheet, sheet_fields
from .state import DeskState, PersonalChoice
from .views import edition_label, format_label, paper_label

__all__ = [
    "blueprint",
    "make_password",
    "check_recipient",
    "render_problems",
    "rendered",
    "data_url",
    "send_to_family",
]

MAX_ADDRESS_CHARS = 254
# Seconds for the whole exchange with the mail server, whatever HANDOUTS_SMTP_TIMEOUT says:
# the nurse is waiting, and the worker's other threads too.
SEND_DEADLINE = 30.0


blueprint = Blueprint("personal", __name__)


@dataclass(frozen=True)
class Options:
    """What the nurse asked for besides the care sheet (nothing personal but the address)."""

    protect: bool
    with_epub: bool
    action: str
    recipient: str


@blueprint.get("/personalize")
def personalize_form() -> str:
    _, state = desk()
    choice = _choice(state, request.args)
    return render_template("personalize.html.j2", **_form_context(state, choice, {}, {}))


@blueprint.post("/personalize")
def personalize_post() -> Any:
    settings, state = desk()
    choice = _choice(state, request.form)
    options = Options(
        request.form.get("protect") == "1",
        request.form.get("with_epub") == "1",
        request.form.get("action", "pdf"),
        request.form.get("to", "").strip(),
    )
    if options.action not in ("view", "pdf", "files", "draft", "send"):
        abort(400)
    drug_ids = {drug.id for drug in state.variant_drugs(choice.variant, choice.locale)}
    try:
        sheet = read_sheet(request.form, request.form.getlist, drug_ids, gettext)
        _check_options(options, can_send())
        # "Open the PDF to print" shows the file in a new tab to print; it gives nothing
        # to the family, so it needs no password.
        password = make_password() if options.protect and options.action != "view" else None
        handout = rendered(state, choice, sheet, password, options.with_epub)
        return _respond(state, choice, handout, options, password)
    except SheetProblems as problems:
        page = render_template(
            "personalize.html.j2", **_form_context(state, choice, request.form, problems.problems)
        )
        return page, problems.status


@blueprint.post("/personalize/slip")
def password_slip() -> str:
    """A slip to print and hand to the family: the password in words (sent back by the
    result page in the POST body, never kept), said in the family's language (and the
    desk's). Only a password this desk could have made is printed."""
    _, state = desk()
    choice = _choice(state, request.form)
    words = request.form.get("password", "").split("-")
    if len(words) != WORDS_IN_PASSWORD or not set(words) <= set(WORDS):
        abort(400)
    resolved = state.resolved(choice.variant, choice.locale)
    source_locale = resolved.site.source_locale
    return render_template(
        "slip.html.j2",
        words=words,
        password="-".join(words),
        title=plain_text(resolved.variant.title),
        locale=choice.locale,
        handout_dir=resolved.direction,
        family=slip_words(state.config.source_dir, choice.locale, source_locale),
        in_desk_language=g.ui != choice.locale,
    )


@blueprint.get("/personalize/chart")
def chart_after_giving() -> str:
    """The chart line after "Open the PDF to print" or "Download the PDF", which leave the
    form's page as it was: the page's script asks for it with nothing personal (handout,
    language, paper, edition, how) and shows it under the form."""
    _, state = desk()
    choice = _choice(state, request.args)
    ways = {"printed": gettext("PDF opened to print"), "downloaded": gettext("PDF downloaded")}
    how = ways.get(request.args.get("given", ""))
    if how is None:
        abort(400)
    resolved = state.resolved(choice.variant, choice.locale)
    line = _line(state, choice, resolved, [how])
    return render_template("chart.html.j2", chart=line, password=None, links=[], sent="")


def rendered(
    state: DeskState,
    choice: PersonalChoice,
    sheet: CareSheet,
    password: str | None = None,
    with_epub: bool = False,
) -> PersonalHandout:
    """The child's handout; what the pipeline refuses becomes a problem on the form."""
    try:
        return state.render_personal(choice, sheet, password, with_epub)
    except HandoutError as error:
        problems = render_problems(error, request.form)
        if problems:
            raise SheetProblems(problems) from None
        log.error("personal render refused: %s", error.code or type(error).__name__)
        abort(500)


def render_problems(error: HandoutError, form: Any) -> dict[str, str]:
    """Problems the pipeline found in what was typed, by form field, in the nurse's words
    (worded from the error's code, never its English message)."""
    if error.code == "too_many_pages":  # many long contacts: the one-page summary
        return {
            "edition": gettext(
                "The care team does not fit on the one-page summary: list fewer contacts "
                "or choose another edition."
            )
        }
    if error.code == "missing_glyphs":
        codes = {c.strip() for c in str(error.params.get("code_points", "")).split(",")}
        fields = [
            name
            for name, value in form.items()
            if name not in ("csrf", "to") and any(f"U+{ord(ch):04X}" in codes for ch in value)
        ]
        words = gettext(
            "A character here cannot be printed with the fonts of this desk (%(code_points)s): "
            "type it another way or leave it out."
        ) % {"code_points": error.params.get("code_points", "")}
        return {name: words for name in fields or ["child_first_name"]}
    return {}


def _respond(
    state: DeskState,
    choice: PersonalChoice,
    handout: PersonalHandout,
    options: Options,
    password: str | None,
) -> Any:
    if options.action == "view":
        return _attachment(handout.pdf, "application/pdf", download_name(handout, "pdf"), "inline")
    if options.action == "pdf" and not password:
        return _attachment(handout.pdf, "application/pdf", download_name(handout, "pdf"))
    draft = None
    if options.action in ("draft", "send"):
        message = compose_email(
            handout.resolved,
            handout.attachments,
            state.config.source_dir,
            None,
            options.recipient or None,
            bool(password),
        )
        if options.action == "send":
            send_to_family(message, state)
            result = _result(state, choice, handout, password, None, "sent")
            return render_template("result.html.j2", **_refill(state, choice), **result)
        # A page, not only the draft: its chart line, and the draft downloads at once.
        draft = bytes(message)
    result = _result(state, choice, handout, password, draft, "")
    return render_template("result.html.j2", **_refill(state, choice), **result)


def _refill(state: DeskState, choice: PersonalChoice) -> dict[str, Any]:
    """The form as typed, shown again under the result (Post/Redirect/Get without keeping
    anything: the page itself holds what was typed)."""
    context = _form_context(state, choice, request.form, {})
    return {key: value for key, value in context.items() if key not in ("title",)}


def send_to_family(message: Any, state: DeskState) -> None:
    """Send through the mail server within ``SEND_DEADLINE``; a refusal is a problem on
    the address field (502), never a server error."""
    try:
        smtp = SmtpSettings.from_environment(state.project.site.smtp)
        send_email(message, replace(smtp, deadline=min(smtp.deadline, SEND_DEADLINE)))
    except HandoutError:
        log.error("sending failed")  # never the address or the message
        raise SheetProblems(
            {
                "to": gettext(
                    "The mail server did not take the email. Check the address, or download "
                    "the email draft instead."
                )
            },
            status=502,
        ) from None


def _result(
    state: DeskState,
    choice: PersonalChoice,
    handout: PersonalHandout,
    password: str | None,
    draft: bytes | None,
    sent: str,
) -> dict[str, Any]:
    links = [(download_name(handout, "pdf"), data_url("application/pdf", handout.pdf), "pdf")]
    if handout.epub is not None:
        links.append(
            (
                download_name(handout, "epub"),
                data_url("application/epub+zip", handout.epub),
                "epub",
            )
        )
    if draft is not None:
        links.append((download_name(handout, "eml"), data_url("message/rfc822", draft), "eml"))
    return {
        "title": plain_text(handout.resolved.variant.title),
        "locale": handout.resolved.locale,
        "password": password,
        "links": links if sent == "" else [],
        "download_now": "eml" if draft is not None else "",
        "sent": sent,
        "chart": _chart(state, choice, handout, password, draft, sent),
    }


def _chart(
    state: DeskState,
    choice: PersonalChoice,
    handout: PersonalHandout,
    password: str | None,
    draft: bytes | None,
    sent: str,
) -> str:
    """What was given, for the chart line."""
    given = [gettext("emailed to the family") if sent == "sent" else gettext("PDF made")]
    if handout.epub is not None:
        given.append(gettext("e-book made"))
    if draft is not None:
        given.append(gettext("email draft made"))
    if password:
        given.append(gettext("password given by phone"))
    return _line(state, choice, handout.resolved, given)


def _line(
    state: DeskState, choice: PersonalChoice, resolved: ResolvedHandout, given: list[str]
) -> str:
    """The line for the chart, in the nurse's language (the topic too, when the desk has
    the handout in that language)."""
    topic_locale = g.ui if g.ui in state.locales else choice.locale
    topic = plain_text(state.resolved(choice.variant, topic_locale).variant.title)
    # Named as the basket names a file: "PDF to print, Large print, Letter".
    labels = (format_label("pdf"), edition_label(choice.edition), paper_label(choice.paper))
    return chart_line(resolved, topic, ", ".join(labels), given, g.ui, gettext)


def download_name(handout: PersonalHandout, extension: str) -> str:
    """The file's name: handout, language, edition and paper (never the child):
    ``relapsed-all-cns.fr-CA.large-print.letter.pdf``."""
    slug = handout.resolved.variant.slug
    rest = handout.file_stem.removeprefix(slug)
    return f"{slug}.{handout.resolved.locale}{rest}.{extension}"


def data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _attachment(data: bytes, media_type: str, name: str, how: str = "attachment") -> Response:
    """A file to save (``attachment``) or to show in the browser's viewer (``inline``)."""
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'{how}; filename="{name}"'
    return response


def check_recipient(address: str) -> bool:
    """One valid address, checked as the command line's ``--to`` is (email-validator:
    no line breaks or header tricks)."""
    if not address or len(address) > MAX_ADDRESS_CHARS:
        return False
    try:
        checked_address(address, "to")
    except HandoutError:
        return False
    return True


def _check_options(options: Options, smtp: bool) -> None:
    problems = {}
    if options.protect and options.with_epub:
        problems["with_epub"] = gettext(
            "An e-book cannot carry a password: choose the e-book or the password."
        )
    if options.action == "send" and not smtp:
        problems["to"] = gettext("This desk has no mail server: download the email draft.")
    elif (options.action == "send" or options.recipient) and not check_recipient(
        options.recipient
    ):  # a draft too: its To line must be one real address
        problems["to"] = gettext("Type one email address, like name@example.org.")
    if problems:
        raise SheetProblems(problems)


def _choice(state: DeskState, values: Any) -> PersonalChoice:
    """Variant, language, paper and edition; unknown values are a bad request."""
    variant = values.get("variant", "")
    locale = values.get("locale", "")
    paper = values.get("paper") or state.papers[0]
    edition = values.get("edition") or DEFAULT_EDITION
    if (
        variant not in state.variant_ids()
        or locale not in state.locales
        or paper not in state.papers
        or edition not in state.personal_editions
    ):
        abort(400)
    return PersonalChoice(variant, locale, paper, edition)


def _form_context(
    state: DeskState, choice: PersonalChoice, typed: Any, problems: dict[str, str]
) -> dict[str, Any]:
    resolved = state.resolved(choice.variant, choice.locale)
    return {
        "choice": choice,
        "title": plain_text(resolved.variant.title),
        "language": state.locales[choice.locale],
        "handout_dir": resolved.direction,
        "fields": sheet_fields(),
        "drugs": [
            (drug.id, plain_text(drug.generic), ", ".join(drug.brands))
            for drug in state.variant_drugs(
                choice.variant, g.ui if g.ui in state.locales else choice.locale
            )
        ],
        "typed": typed,
        "chosen_medicines": set(typed.getlist("medicines")) if typed else set(),
        "problems": problems,
        "papers": {p: paper_label(p) for p in state.papers},
        "editions": {e: edition_label(e) for e in state.personal_editions},
        "smtp": can_send(),
        "sheet_type": CareSheet,
    }
