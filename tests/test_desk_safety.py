"""The red team's faults, each as a class (issue 24, section 7), with Flask's test client
and the stages it touches: escaping, hosts and origins, access control, problems that
are not the nurse's, redirects, and the smaller leaks (read-aloud data, speech, YAML
escapes, the catalog's search text)."""

from __future__ import annotations

import re
import socket
import threading

import lxml.html
import pytest

from relapse_handouts.desk import DeskSettings, create_app, personal_views, views
from relapse_handouts.desk.guard import MAX_FAILURES, FailedSignIns, host_name
from relapse_handouts.desk.settings import Access
from relapse_handouts.desk.sheetform import sheet_fields
from relapse_handouts.errors import HandoutError
from tests.base import make_client, token

HOSTILE = "\"<>&'</textarea><script>alert(1)</script><b>x"
NAME = "Zephyrine"


def form_names() -> list[str]:
    names = []
    for field in sheet_fields():
        if field.kind == "rows":
            names += [f"{field.name}-0-{sub.name}" for sub in field.subfields]
        elif field.kind == "group":
            names += [f"{field.name}-{sub.name}" for sub in field.subfields]
        elif field.kind != "choices":
            names.append(field.name)
    return names


def assert_shown_as_text(page: str, typed: str) -> None:
    """No raw tag from ``typed`` in the page, and it reads back whole as text."""
    assert "<script>alert(1)</script>" not in page and "</textarea><script>" not in page
    assert "<b>x" not in page
    assert typed in lxml.html.fromstring(page).text_content() or typed in values(page).values()


def values(page: str) -> dict[str, str]:
    """Every form field's value as the browser reads it (the text of a textarea)."""
    document = lxml.html.fromstring(page)
    found = {e.get("name"): e.get("value") or "" for e in document.iter("input")}
    found.update({e.get("name"): e.text or "" for e in document.iter("textarea")})
    return found


# Escaping ---------------------------------------------------------------------------------


def test_every_environment_the_project_renders_with_escapes(state):
    from relapse_handouts.html import HtmlRenderer
    from relapse_handouts.templates import layout_environment

    app = create_app(DeskSettings(state.config, secret=b"s" * 32), state)
    config = state.config
    resolved = state.resolved("cns", "en-CA")
    environments = {
        "desk": app.jinja_env,
        "layouts": layout_environment(config.layouts_dir, config.root),
        "handout": HtmlRenderer(config)._environment(resolved),
    }
    for name, env in environments.items():
        assert env.from_string("{{ x }}").render(x="<i>") == "&lt;i&gt;", name
    with app.test_request_context():
        template = app.jinja_env.get_template("error.html.j2")  # named *.html.j2
        assert "&lt;i&gt;" in template.render(code=1, title="<i>", advice="", ui="en-CA",
                                              ui_locales={}, csrf_token="", basket_count=0,
                                              _=str)  # fmt: skip


def test_every_field_sent_back_with_a_problem_reads_as_typed(client):
    names = form_names()
    assert "notes" in names and "care_team-0-phone" in names and "child_first_name" in names
    form = {name: HOSTILE for name in names}
    form.update(csrf=token(client), variant="cns", locale="en-CA", action="pdf", to=HOSTILE)
    response = client.post("/personalize", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert_shown_as_text(page, HOSTILE)
    typed = values(page)
    assert all(typed[name] == HOSTILE for name in names + ["to"] if name in typed)
    assert set(names) <= set(typed)
    again = client.post("/personalize", data={**form, "child_first_name": 'Robert "Bobby"'})
    assert values(again.get_data(as_text=True))["child_first_name"] == 'Robert "Bobby"'


def test_the_basket_form_sends_back_what_was_typed_as_text(client):
    csrf = token(client)
    page = client.get("/").get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+\.pdf)"', page)[1]
    client.post("/basket/add", data={"csrf": csrf, "key": key})
    form = {name: HOSTILE for name in form_names()}
    response = client.post("/basket/email", data={**form, "csrf": csrf, "action": "draft"})
    assert response.status_code == 422
    assert_shown_as_text(response.get_data(as_text=True), HOSTILE)


def test_the_search_box_reads_back_as_text(client):
    response = client.get("/", query_string={"q": HOSTILE})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_shown_as_text(page, HOSTILE)


def test_a_translated_title_with_markup_is_shown_as_text(client, monkeypatch):
    real = views.plain_text
    monkeypatch.setattr(views, "plain_text", lambda text: HOSTILE + real(text))
    for path in ("/", "/preview/cns/fr-CA"):
        page = client.get(path).get_data(as_text=True)
        assert_shown_as_text(page, HOSTILE)


# Host, origin, redirects ---------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil"])
def test_only_configured_host_names_are_answered(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 400


def test_loopback_names_by_default_and_configured_names(state):
    default = make_client(state)
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert default.get("/", headers={"Host": host}).status_code == 200, host
    named = make_client(state, allowed_hosts=("desk.example.org",))
    assert named.get("/", headers={"Host": "desk.example.org"}).status_code == 200
    assert named.get("/", headers={"Host": "localhost"}).status_code == 400
    assert (
        host_name("[::1]:80") == "::1" and host_name("Desk.Example.org:443") == "desk.example.org"
    )


def test_form_posts_come_from_this_desk_only(client):
    csrf = token(client)
    form = {"csrf": csrf, "ui": "fr-CA", "back": "/"}
    here = "http://localhost"
    assert client.post("/language", data=form, headers={"Origin": here}).status_code == 303
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "null", "Referer": "http://evil.example/page"},
        {"Referer": "http://localhost.evil/"},
    ):
        assert client.post("/language", data=form, headers=headers).status_code == 403, headers
    same = {"Origin": "null", "Referer": "http://localhost/?q=cns"}
    assert client.post("/language", data=form, headers=same).status_code == 303


@pytest.mark.parametrize(
    "back",
    ["//evil.example/", "/\\evil.example", "/\t/evil.example", "https://evil.example/",
     "/\n/evil.example", "evil.example", "javascript:alert(1)", " //evil.example"],
)  # fmt: skip
def test_back_never_leaves_the_desk(client, back):
    response = client.post("/language", data={"csrf": token(client), "ui": "en-CA", "back": back})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_redirects_are_built_from_the_desk_not_the_host_header(state):
    client = make_client(state, allowed_hosts=("desk.example.org",))
    there = "http://desk.example.org"
    page = client.get("/", base_url=there).get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    response = client.post(
        "/language", data={"csrf": csrf, "ui": "en-CA", "back": "/?q=cns"}, base_url=there
    )
    assert response.headers["Location"] == "/?q=cns"  # a path: the browser keeps its host


# Access control ---------------------------------------------------------------------------


def test_the_trusted_header_counts_only_from_the_proxy(state):
    client = make_client(state, access=Access(trusted_header="X-Remote-User"))
    signed = {"X-Remote-User": "nurse1"}
    assert client.get("/", headers=signed).status_code == 200  # 127.0.0.1: the default proxy
    elsewhere = {"REMOTE_ADDR": "10.0.0.9"}
    assert client.get("/", headers=signed, environ_base=elsewhere).status_code == 401
    import ipaddress

    behind = make_client(
        state,
        access=Access(trusted_header="X-Remote-User"),
        trusted_proxies=(ipaddress.ip_network("10.0.0.0/24"),),
    )
    assert behind.get("/", headers=signed, environ_base=elsewhere).status_code == 200
    assert behind.get("/", headers=signed).status_code == 401  # loopback is not the proxy now
    assert behind.get("/", environ_base=elsewhere).status_code == 401


def test_password_and_header_together_refuse_to_start(state, monkeypatch):
    monkeypatch.setenv("DESK_PASSWORD", "long enough secret")
    monkeypatch.setenv("DESK_TRUSTED_HEADER", "X-Remote-User")
    with pytest.raises(HandoutError, match="both DESK_PASSWORD and DESK_TRUSTED_HEADER"):
        DeskSettings.from_environment(state.config.root)
    monkeypatch.delenv("DESK_PASSWORD")
    monkeypatch.setenv("DESK_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/24")
    settings = DeskSettings.from_environment(state.config.root, host="0.0.0.0")
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.5/32", "10.1.0.0/24"]
    monkeypatch.setenv("DESK_TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(HandoutError, match="DESK_TRUSTED_PROXIES"):
        DeskSettings.from_environment(state.config.root)


def test_repeated_wrong_passwords_are_slowed(state):
    client = make_client(state, access=Access("nurse", "right horse battery"))
    wrong = {"Authorization": "Basic " + __import__("base64").b64encode(b"nurse:guess").decode()}
    right = {"Authorization": "Basic " + __import__("base64").b64encode(
        b"nurse:right horse battery").decode()}  # fmt: skip
    assert client.get("/", headers=right).status_code == 200
    for _ in range(MAX_FAILURES):
        assert client.get("/", headers=wrong).status_code == 401
    refused = client.get("/", headers=right)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other = {"REMOTE_ADDR": "127.0.0.2"}  # another address is not slowed
    assert client.get("/", headers=right, environ_base=other).status_code == 200


def test_failures_are_forgotten_after_the_window():
    failures = FailedSignIns()
    for second in range(MAX_FAILURES):
        failures.record("10.0.0.1", now=float(second))
    assert failures.wait_seconds("10.0.0.1", now=10.0) > 0
    assert failures.wait_seconds("10.0.0.1", now=10_000.0) == 0
    assert failures.wait_seconds("10.0.0.2", now=10.0) == 0


# Problems that are not the nurse's ---------------------------------------------------------


def personal_form(csrf, **fields):
    return {"csrf": csrf, "variant": "cns", "locale": "en-CA", "action": "pdf", **fields}


@pytest.mark.renderer_warnings  # WeasyPrint warns of the character it cannot draw
def test_a_character_no_font_draws_is_a_problem_on_its_field(client):
    csrf = token(client)
    response = client.post(
        "/personalize", data=personal_form(csrf, child_first_name="Ana", notes="Bring \u0378 it")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="notes-problem"' in page and "U+0378" in page
    assert 'id="child_first_name-problem"' not in page
    client.post("/language", data={"ui": "fr-CA", "csrf": csrf, "back": "/"})
    french = client.post("/personalize", data=personal_form(csrf, notes="\u0378")).get_data(
        as_text=True
    )
    assert 'id="notes-problem"' in french and "police" in french


@pytest.mark.parametrize("action", ["draft", "files", "pdf"])
def test_a_mistyped_address_is_a_problem_on_the_address_field(client, action):
    response = client.post(
        "/personalize", data=personal_form(token(client), action=action, to="nurse@@example")
    )
    assert response.status_code == 422
    assert 'id="to-problem"' in response.get_data(as_text=True) or "name@example.org" in (
        response.get_data(as_text=True)
    )


@pytest.fixture
def silent_mail_server(monkeypatch):
    """A mail server that accepts the connection and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    accepted = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("HANDOUTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HANDOUTS_SMTP_PORT", str(listener.getsockname()[1]))
    monkeypatch.setenv("HANDOUTS_SMTP_STARTTLS", "0")
    monkeypatch.setenv("HANDOUTS_SMTP_TIMEOUT", "3600")
    monkeypatch.setattr(personal_views, "SEND_DEADLINE", 1.0)
    yield
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_mail_server_that_never_answers_is_a_problem_on_the_form_in_time(
    state, silent_mail_server
):
    import time

    client = make_client(state, smtp_configured=True)
    csrf = token(client)
    client.post("/language", data={"ui": "fr-CA", "csrf": csrf, "back": "/"})
    started = time.monotonic()
    response = client.post(
        "/personalize",
        data=personal_form(csrf, action="send", to="family@example.org", child_first_name=NAME),
    )
    assert time.monotonic() - started < 30  # the desk's deadline, not HANDOUTS_SMTP_TIMEOUT
    page = response.get_data(as_text=True)
    assert response.status_code == 502 and 'id="to-problem"' in page
    assert "serveur de courriel" in page and f'value="{NAME}"' in page  # the form is kept


# Fever temperatures, in the nurse's words -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [("38.3 °C", "38.3 °C"), ("38.3 C", "38.3 °C"), ("38,3 °C", "38,3 °C"),
     ("38.3º C", "38.3 °C"), ("100.4 °F", "100.4 °F"), ("101 F", "101 °F"),
     ("38.5°c", "38.5 °C")],
)  # fmt: skip
def test_fever_temperatures_as_nurses_write_them(typed, printed):
    from relapse_handouts.personal import load_sheet

    assert load_sheet(None, {"fever_temperature": typed}, set()).fever_temperature == printed


@pytest.mark.parametrize("ui", ["en-CA", "fr-CA"])
@pytest.mark.parametrize(
    ("typed", "english", "french"),
    [("38", "Is this °C or °F?", "Est-ce en °C ou en °F"),
     ("38,3", "Is this °C or °F?", "Est-ce en °C ou en °F"),
     ("hot", "Not a temperature", "Ce n’est pas une température"),
     ("200 F", "between 95 and 110", "entre 95 et 110")],
)  # fmt: skip
def test_fever_problems_are_asked_in_the_nurse_language(client, ui, typed, english, french):
    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    response = client.post("/personalize", data=personal_form(csrf, fever_temperature=typed))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="fever_temperature-problem"' in page
    assert (english if ui == "en-CA" else french) in page


@pytest.mark.parametrize("ui", ["en-CA", "fr-CA"])
@pytest.mark.parametrize("typed", ["38.3 °C", "38,3 °C", "38.3º C", "100.4 °F", "101 F"])
def test_fever_temperatures_are_accepted_from_the_desk(state, ui, typed):
    from relapse_handouts.desk.sheetform import read_sheet

    form = {"fever_temperature": typed}
    sheet = read_sheet(form, lambda name: [], set(), str)
    assert sheet.fever_temperature.endswith(("°C", "°F"))


# Smaller leaks ------------------------------------------------------------------------------


def test_read_aloud_data_survives_any_section_title():
    import json

    from relapse_handouts.audio.player import json_in_script

    data = {"sections": [{"title": "Before <!-- after </script> & <b>"}]}
    text = json_in_script(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_double_brackets_are_read_as_words_not_phonemes():
    import shutil
    import subprocess

    from relapse_handouts.audio.speech import plain_for_espeak

    spoken = plain_for_espeak("say [[h@'loU]] and [[[x]]] now")
    assert "[[" not in spoken and "]]" not in spoken
    if shutil.which("espeak-ng"):
        phonemes = subprocess.run(
            ["espeak-ng", "-q", "-x", "-v", "en-us", spoken],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
        raw = subprocess.run(
            ["espeak-ng", "-q", "-x", "-v", "en-us", "say [[h@'loU]] now"],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
        assert "h@l'oU" in raw.replace(" ", "")  # espeak-ng reads [[...]] as phonemes
        assert "h@l'oU" not in phonemes.replace(" ", "")


@pytest.mark.parametrize("escape", ["\\x1b", "\\u0007", "\\x00", "\\e", "\\uFFFE"])
def test_escaped_control_characters_in_yaml_are_refused(tmp_path, escape):
    from relapse_handouts.yamlfile import read_yaml

    path = tmp_path / "a.yaml"
    path.write_text(f'title: "Before{escape}after"\nok: "tab\\tand\\nline"\n', encoding="utf-8")
    with pytest.raises(HandoutError, match="not allowed in YAML"):
        read_yaml(path)
    path.write_text('ok: "tab\\tand\\nline é"\n', encoding="utf-8")
    assert read_yaml(path).data == {"ok": "tab\tand\nline é"}


def test_a_key_named_like_a_dict_method_reads_the_key(state):
    from relapse_handouts.templates import layout_environment

    env = layout_environment(state.config.layouts_dir, state.config.root)
    text = env.from_string("{{ t.keys }} {{ t.items }} {{ t.title }}").render(
        t={"keys": "cns", "items": "two", "title": "T"}
    )
    assert text == "cns two T"


def test_the_catalog_search_text_holds_ids_and_is_the_same_every_build(tiny_build):
    output, _ = tiny_build
    page = (output / "index.html").read_text(encoding="utf-8")
    texts = re.findall(r'data-text="([^"]*)"', page)
    assert texts and not any("built-in" in t or "method" in t for t in texts)
    assert not re.search(r"0x[0-9a-f]{6,}", page)  # no memory address: the same bytes each build
