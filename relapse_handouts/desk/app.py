"""The nurse desk's web application: security around every request, then the views.

Every response carries ``Cache-Control: no-store``, a strict Content-Security-Policy (no
inline script or style) and the usual security headers. Every form carries a CSRF token
signed with the server's secret and bound to a cookie. Nothing a nurse types is
stored or logged: care sheets arrive by POST, are rendered in memory and forgotten.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

import jinja2
from flask import Flask, Response, abort, g, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException

from ..templates import ProjectLoader
from . import basket, chart, personal_views, views
from .context import UI_COOKIE, gettext, log, ngettext, topic
from .guard import FailedSignIns, check_request
from .settings import MAX_FIELD_CHARS, MAX_REQUEST_BYTES, DeskSettings
from .sheetform import field_label
from .state import DeskState
from .words import N_, UI_LOCALES, desk_translations, ui_locale_for

__all__ = ["create_app"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
# Files (PDF, EPUB, zip, email): nothing runs; the browser's own PDF viewer may show them.
FILE_CSP = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
CSRF_COOKIE = "desk_csrf"
_CSRF_MAX_AGE = 12 * 3600  # a nurse's shift


def create_app(settings: DeskSettings, state: DeskState | None = None) -> Flask:
    """The desk for ``settings``; ``state`` is loaded here unless given (tests share one)."""
    config = settings.build
    app = Flask(
        __name__,
        static_folder=str(config.styles_dir / "desk"),
        static_url_path="/static",
        template_folder=str(config.layouts_dir / "desk"),
    )
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, MAX_FORM_PARTS=400)
    # Flask escapes only templates named *.html; the desk's are *.html.j2: escape them all.
    app.jinja_options = {**app.jinja_options, "autoescape": True}
    # Layouts are read through the project's one reader (real paths inside layouts/desk/).
    app.jinja_loader = ProjectLoader(config.layouts_dir / "desk", config.root)
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.extensions["desk"] = (settings, state or DeskState(config))
    signer = URLSafeTimedSerializer(settings.secret, salt="desk-csrf")
    _guard_requests(app, settings, signer)
    _give_pages_their_words(app, signer)
    _protect_responses(app)
    _show_errors_as_pages(app)
    for blueprint in (views.blueprint, personal_views.blueprint, basket.blueprint, chart.blueprint):
        app.register_blueprint(blueprint)
    return app


def _guard_requests(app: Flask, settings: DeskSettings, signer: URLSafeTimedSerializer) -> None:
    """Before every request: who and from where (guard.py), the page's language, and for
    a form post its CSRF token and field sizes."""
    failures = FailedSignIns()

    @app.before_request
    def guard() -> Response | None:
        check_request(request, settings, failures)
        g.ui = ui_locale_for(
            request.cookies.get(UI_COOKIE), request.accept_languages.best_match(list(UI_LOCALES))
        )
        g.words = desk_translations(g.ui)
        g.csrf_nonce = request.cookies.get(CSRF_COOKIE) or ""
        if request.method == "POST":
            _check_csrf(signer, g.csrf_nonce, request.form.get("csrf", ""))
            if any(len(value) > MAX_FIELD_CHARS for value in request.form.values()):
                abort(413)
        if not g.csrf_nonce:
            g.csrf_nonce, g.new_csrf_cookie = secrets.token_urlsafe(24), True
        return None


def _give_pages_their_words(app: Flask, signer: URLSafeTimedSerializer) -> None:
    """What every desk template may use: the words, the UI language, the form's token."""

    @app.context_processor
    def page_words() -> dict[str, Any]:
        return {
            "_": gettext,
            "ngettext": ngettext,
            "ui": getattr(g, "ui", "en-CA"),
            "ui_locales": UI_LOCALES,
            "topic": topic,
            "field_label": lambda name: field_label(name, gettext),
            "csrf_token": signer.dumps(getattr(g, "csrf_nonce", "")),
            "basket_count": len(request.cookies.get("desk_basket", "").split("|"))
            if request.cookies.get("desk_basket")
            else 0,
        }


def _protect_responses(app: Flask) -> None:
    """Every response: not cached, the strict policies, and a new CSRF cookie if needed."""

    @app.after_request
    def protect(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        is_page = response.mimetype == "text/html"
        response.headers.setdefault("Content-Security-Policy", CSP if is_page else FILE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Same-origin: form posts then carry this desk's Origin (no-referrer sends "null").
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if getattr(g, "new_csrf_cookie", False):
            response.set_cookie(
                CSRF_COOKIE, g.csrf_nonce, httponly=True, samesite="Strict", path="/"
            )
        return response


def _show_errors_as_pages(app: Flask) -> None:
    """A failure is a page in the nurse's language saying what to do next."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.response is not None:  # a response made on purpose (sign-in)
            return error.response
        return _error_page(error.code or 500), error.code or 500

    @app.errorhandler(Exception)
    def crash(error: Exception) -> tuple[str, int]:
        # Only the kind of failure is logged: its message could quote what was typed.
        log.error("request failed: %s", type(error).__name__)
        return _error_page(500), 500


def _check_csrf(signer: URLSafeTimedSerializer, nonce: str, token: str) -> None:
    try:
        signed_nonce = signer.loads(token, max_age=_CSRF_MAX_AGE)
    except BadSignature:
        abort(403)
    if not nonce or not hmac.compare_digest(str(signed_nonce), nonce):
        abort(403)


_ERRORS = {
    400: (
        N_("Something in the form could not be read"),
        N_("Go back, check the form and send it again."),
    ),
    401: (N_("Please sign in"), N_("The desk needs your hospital sign-in.")),
    403: (
        N_("This form has expired"),
        N_(
            "For safety, forms work only from this desk and for a limited time. "
            "Go back, reload the page and send the form again."
        ),
    ),
    404: (
        N_("This page or file is not here"),
        N_("Go back to the list of handouts and choose again."),
    ),
    405: (N_("This page cannot be used that way"), N_("Go back to the list of handouts.")),
    429: (
        N_("Too many tries"),
        N_("Wait a few minutes, then sign in again with the desk's password."),
    ),
    413: (
        N_("What you sent is too long"),
        N_("A form can hold at most 64 KB. Shorten the notes and send it again."),
    ),
    500: (
        N_("The desk could not make this file"),
        N_(
            "Nothing you typed was kept. Try again; if it fails again, print the "
            "handout from the list and write the details by hand."
        ),
    ),
}


def _error_page(code: int) -> str:
    title, advice = _ERRORS.get(code, _ERRORS[400 if code < 500 else 500])
    return render_template("error.html.j2", code=code, title=gettext(title), advice=gettext(advice))
