"""One code path for one child's handout (issue 24, section 6): one render function for
the command line and the desk, email with a list of attachments, problems worded from
error codes, blueprints and ``url_for`` (the desk works under a proxy's prefix), and no
import cycle between the desk's modules."""

from __future__ import annotations

import ast
import email
import email.policy
import ipaddress
import re
from dataclasses import replace

import lxml.html
import pytest

from relapse_handouts.desk import DeskSettings, create_app
from relapse_handouts.desk.sheetform import _in_words
from relapse_handouts.desk.worker import behind_proxy
from relapse_handouts.errors import HandoutError
from relapse_handouts.personal import CareSheet
from relapse_handouts.personalize import Attachment, render_handout
from tests.base import REPO

DESK = REPO / "relapse_handouts" / "desk"


def links(page: str) -> list[str]:
    document = lxml.html.fromstring(page)
    found = [
        value
        for element in document.iter()
        for name in ("href", "src", "action", "formaction")
        if (value := element.get(name)) and not value.startswith(("#", "data:"))
    ]
    return found + [e.get("value") for e in document.iter("input") if e.get("name") == "back"]


def test_served_under_a_prefix_every_link_and_redirect_keeps_it(state):
    client = create_app(DeskSettings(state.config, secret=b"s" * 32), state).test_client()
    base = "http://localhost/desk/"
    pages = ["/", "/preview/cns/fr-CA", "/personalize?variant=cns&locale=ar", "/basket"]
    for path in pages:
        response = client.get(path, base_url=base)
        assert response.status_code == 200, path
        found = links(response.get_data(as_text=True))
        assert found and all(link.startswith("/desk/") for link in found), (path, found)
    page = client.get("/", base_url=base).get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    key = re.search(r'name="key" value="([^"]+)"', page)[1]
    added = client.post("/basket/add", data={"csrf": csrf, "key": key}, base_url=base)
    assert added.status_code == 303 and added.headers["Location"] == "/desk/basket"
    back = client.post(
        "/language", data={"csrf": csrf, "ui": "fr-CA", "back": "/elsewhere"}, base_url=base
    )
    assert back.headers["Location"] == "/desk/"  # a path outside the desk goes home


def test_the_proxy_prefix_counts_only_from_the_trusted_proxy(state):
    settings = DeskSettings(
        state.config, secret=b"s" * 32, trusted_proxies=(ipaddress.ip_network("10.0.0.0/24"),)
    )
    app = create_app(settings, state)
    app.wsgi_app = behind_proxy(app.wsgi_app, settings.trusted_proxies)
    client = app.test_client()
    prefix = {"X-Forwarded-Prefix": "/desk"}
    proxied = client.get("/", headers=prefix, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert all(link.startswith("/desk/") for link in links(proxied.get_data(as_text=True)))
    direct = client.get("/", headers=prefix, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert not any(link.startswith("/desk") for link in links(direct.get_data(as_text=True)))


def test_no_import_cycle_between_the_desk_modules():
    graph: dict[str, set[str]] = {}
    for path in DESK.glob("*.py"):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    imported.add(node.module.split(".")[0])
                else:
                    imported.update(alias.name for alias in node.names)
        graph[path.stem] = imported & {p.stem for p in DESK.glob("*.py")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
            for nxt in graph.get(start, ())
        )

    cycles = [module for module in graph if module != "__init__" and reaches(module, module, set())]
    assert not cycles, cycles


def test_no_url_is_written_by_hand_in_the_desk_layouts():
    for path in (REPO / "layouts" / "desk").glob("*.j2"):
        text = path.read_text(encoding="utf-8")
        hand_written = re.findall(r'(?:href|src|action|formaction)="/', text)
        assert not hand_written, path.name


class FakeRenderers:
    """Renderers that record what they were given and warn once."""

    def __init__(self, real) -> None:
        self.real, self.rendered = real, []

    @property
    def html(self):
        return self.real.html

    @property
    def pdf(self):
        outer = self

        class Pdf:
            def render(self, document):
                outer.rendered.append(document)
                result = outer.real.pdf.render(document)
                return replace(result, warnings=("a renderer warning",))

        return Pdf()


def test_one_render_function_and_strict_everywhere(state, monkeypatch):
    document = state.resolved("cns", "en-CA")
    sheet = CareSheet(child_first_name="Ana")
    fake = FakeRenderers(state)
    made = render_handout(state.config, document, sheet, fake, "letter")
    assert made.pdf.startswith(b"%PDF") and made.file_stem == "relapsed-all-cns.letter"
    with pytest.raises(HandoutError) as refused:
        render_handout(replace(state.config, strict=True), document, sheet, fake, "letter")
    assert refused.value.code == "strict"
    # The desk renders through the very same function.
    from relapse_handouts.desk import state as desk_state

    calls = []
    monkeypatch.setattr(
        desk_state, "render_handout", lambda *args, **kw: calls.append(args) or made
    )
    from relapse_handouts.desk.state import PersonalChoice

    assert state.render_personal(PersonalChoice("cns", "en-CA", "letter"), sheet) is made
    assert calls and calls[0][1] is document


def test_email_takes_a_list_of_attachments(state):
    from relapse_handouts.emaildraft import compose_email

    files = [
        Attachment("a.letter.pdf", "application/pdf", b"%PDF-1.7 a"),
        Attachment("a.epub", "application/epub+zip", b"PK epub"),
        Attachment("a.mp3", "audio/mpeg", b"ID3 audio"),
    ]
    document = state.resolved("cns", "fr-CA")
    message = compose_email(document, files, state.config.source_dir, None, None, False)
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    attached = [(a.get_filename(), a.get_content_type()) for a in parsed.iter_attachments()]
    assert attached == [(f.name, f.media_type) for f in files]
    assert parsed.get_body(("plain",))["Content-Language"] == "fr-CA"


PDF = Attachment("a.letter.pdf", "application/pdf", b"%PDF-1.7 a")
MP3 = Attachment("a.mp3", "audio/mpeg", b"ID3 audio")
SAID = {
    "en-CA": {
        "pdf only": "It is attached as a PDF file.",
        "several": "It is attached as the files listed below.",
        "pdf": "You can read the PDF file",
        "mp3": "You can listen to the sound file (MP3)",
    },
    "fr-CA": {
        "pdf only": "Il est joint en fichier PDF.",
        "several": "Il est joint dans les fichiers énumérés ci-dessous.",
        "pdf": "Vous pouvez lire le fichier PDF",
        "mp3": "Vous pouvez écouter le fichier audio (MP3)",
    },
}


@pytest.mark.parametrize("locale", ["en-CA", "fr-CA"])
@pytest.mark.parametrize(
    ("files", "said"),
    [([MP3], {"several", "mp3"}), ([PDF, MP3], {"several", "pdf", "mp3"}),
     ([PDF], {"pdf only"})],
)  # fmt: skip
def test_the_email_says_how_to_open_what_is_attached(state, locale, files, said):
    """The email's text words what is attached: a PDF alone keeps "attached as a PDF
    file"; audio alone, or a PDF with an MP3, never says so and tells how to open each."""
    from relapse_handouts.emaildraft import compose_email

    document = state.resolved("cns", locale)
    message = compose_email(document, files, state.config.source_dir, None, None, False)
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    body = parsed.get_body(("plain",)).get_content()
    for key, words in SAID[locale].items():
        assert (words in body) == (key in said), (key, body)


@pytest.mark.parametrize(
    ("code", "params", "words"),
    [("string_too_long", {"max_length": 7}, "at most 7 characters"),
     ("invisible_character", {"code_point": "U+202E"}, "(U+202E)"),
     ("temperature_without_unit", {}, "°C or °F?"),
     ("unknown_medicine", {}, "not in this handout")],
)  # fmt: skip
def test_problems_are_worded_from_their_code_not_their_message(code, params, words):
    error = HandoutError("zzz english words the desk must not read", code=code, params=params)
    assert words in _in_words(error, lambda text: text)
    source = (DESK / "sheetform.py").read_text(encoding="utf-8")
    assert ".message" not in source  # no English message parsed back
