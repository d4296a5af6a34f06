"""The preview's web page (Flask): the choice of what to show, then Server-Sent Events
carrying each new state to ``styles/preview/preview.js``, which updates the page in place.

Only this computer is served: requests must name 127.0.0.1 or localhost in their Host
header (a web page elsewhere cannot reach the server through DNS rebinding). The page
runs no inline script (strict Content-Security-Policy); the handout web pages shown in
its frames run no script at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from ..errors import HandoutError
from ..files import read_bytes
from ..formats import DEFAULT_EDITION
from ..model import Project
from ..templates import ProjectLoader
from .session import PDF_EDITIONS, PreviewSession, Selection

__all__ = ["create_app"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
# Handout web pages carry their styles inline and images as data: URIs; no script.
HANDOUT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

preview = Blueprint("preview", __name__)


def create_app(session: PreviewSession) -> Flask:
    config = session.config
    app = Flask(__name__, static_folder=None)  # its files go through the project's reader
    app.jinja_loader = ProjectLoader(config.layouts_dir / "preview", config.root)
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.extensions["preview"] = session
    app.before_request(_only_this_computer)
    app.after_request(_protect)
    app.register_blueprint(preview)
    return app


def _session() -> PreviewSession:
    return current_app.extensions["preview"]  # type: ignore[no-any-return]


def _only_this_computer() -> None:
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if host not in LOOPBACK_NAMES:
        abort(403)


def _protect(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _choices(project: Project) -> dict[str, list[tuple[str, str]]]:
    site = project.site
    return {
        "handout": [(h.id, h.id) for h in project.handouts],
        "variant": [(v.id, v.id) for v in project.variants],
        "locale": [(code, f"{info.name} ({code})") for code, info in site.locales.items()],
        "edition": [(edition, edition) for edition in PDF_EDITIONS],
        "paper": [(paper, paper) for paper in site.papers],
    }


def _default_locales(project: Project) -> tuple[str, ...]:
    """The source language, beside the first right-to-left one (both directions at once)."""
    from ..i18n import text_direction

    site = project.site
    rtl = [code for code in site.locales if text_direction(code) == "rtl"]
    return tuple(dict.fromkeys((site.source_locale, *rtl[:1])))


def _selection(project: Project) -> Selection:
    """The selection the query asks for; unknown values fall back to the defaults."""
    choices = {name: [value for value, _ in pairs] for name, pairs in _choices(project).items()}

    def pick(name: str, default: str) -> str:
        value = request.args.get(name, default)
        return value if value in choices[name] else default

    variants = choices["variant"]
    asked = [code for code in request.args.getlist("locale") if code in choices["locale"]]
    return Selection(
        handout=pick("handout", choices["handout"][0]),
        variant=pick("variant", "general" if "general" in variants else variants[0]),
        locales=tuple(dict.fromkeys(asked))[:2] or _default_locales(project),
        edition=pick("edition", DEFAULT_EDITION),
        paper=pick("paper", choices["paper"][0]),
    )


def _project() -> Project:
    project = _session().project
    if project is None:  # the source never loaded since the server started
        page = render_template("unloaded.html.j2", problem=_session().startup_problem)
        abort(Response(page, 503, mimetype="text/html"))
    return project


@preview.route("/")
def index() -> str:
    project = _project()
    selection = _selection(project)
    return render_template(
        "preview.html.j2",
        selection=selection,
        choices=_choices(project),
        names={code: info.name for code, info in project.site.locales.items()},
        query=selection.query(),
    )


# The page's own files, in styles/preview/ (as the desk's are in styles/desk/).
_FILES = {"preview.css": "text/css", "preview.js": "text/javascript"}


@preview.route("/static/<name>")
def static(name: str) -> Response:
    if name not in _FILES:
        abort(404)
    folder = _session().config.styles_dir / "preview"
    try:
        data = read_bytes(folder / name, Path("styles/preview") / name, inside=(folder,))
    except HandoutError as error:
        return Response(error.format(), 403, mimetype="text/plain")
    return Response(data, mimetype=_FILES[name])


@preview.route("/events")
def events() -> Response:
    session, selection = _session(), _selection(_project())

    def stream() -> Iterator[str]:
        yield "retry: 500\n\n"
        for state in session.updates(selection):
            if state is None:
                yield ": still here\n\n"  # finds a closed connection
                continue
            yield f"id: {state['rev']}\ndata: {json.dumps(_with_urls(state, selection))}\n\n"

    return Response(
        stream_with_context(stream()),
        mimetype="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )


def _with_urls(state: dict[str, Any], selection: Selection) -> dict[str, Any]:
    query = selection.query()
    for shown in state["locales"]:
        locale = shown["locale"]
        shown["web_url"] = url_for(".web", which=locale, rev=shown["web_rev"], **query)
        if shown["pdf"]:
            rev = shown["pdf"]["rev"]
            shown["pdf"]["url"] = url_for(".page", which=locale, rev=rev, **query)
    return state


@preview.route("/web")
def web() -> Response:
    selection = _selection(_project())
    html = _session().web_page(selection, request.args.get("which", ""))
    if html is None:
        abort(404)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HANDOUT_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@preview.route("/page.png")
def page() -> Response:
    selection = _selection(_project())
    number = request.args.get("page", "1")
    picture = _session().page_image(
        selection, request.args.get("which", ""), int(number) if number.isdigit() else 0
    )
    if picture is None:
        abort(404)
    return Response(picture, mimetype="image/png")
