"""The nurse desk, route by route, with Flask's test client (no browser, no server)."""

from __future__ import annotations

import email
import email.policy
import logging
import re
import zipfile
from io import BytesIO

import lxml.html
import pytest
from pypdf import PdfReader

from relapse_handouts.desk import DeskSettings, create_app
from relapse_handouts.desk.settings import Access
from relapse_handouts.errors import HandoutError
from tests.base import first_by_default, local_smtp, make_client, page_download, pdf_text, token

NAME = "Zephyrine"  # a child's name that appears nowhere in the shipped content


def personal_form(csrf, **fields):
    form = {"csrf": csrf, "variant": "cns", "locale": "en-CA", "action": "pdf"}
    form.update(fields)
    return form


# Find, preview, download ----------------------------------------------------------------


def test_find_lists_the_built_handouts_and_filters_without_javascript(client):
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="document"') == 3  # CNS in en-CA, fr-CA, ar
    assert 'lang="ar" dir="rtl"' in page and "/files/ar/relapsed-all-cns.letter.pdf" in page
    only_arabic = client.get("/?locale=ar&edition=large-print").get_data(as_text=True)
    assert only_arabic.count('class="document"') == 1
    assert "large-print.letter.pdf" in only_arabic and "cns.letter.pdf" not in only_arabic
    typed = client.get("/?q=fran%C3%A7ais").get_data(as_text=True)
    assert typed.count('class="document"') == 1 and 'lang="fr-CA"' in typed
    nothing = client.get("/?q=nothing-like-this")
    assert nothing.status_code == 200 and "No handout matches" in nothing.get_data(as_text=True)


def test_unknown_filter_values_mean_any(client):
    page = client.get("/?locale=xx&variant=../etc").get_data(as_text=True)
    assert page.count('class="document"') == 3


def test_every_edition_known_to_the_pipeline_is_offered(client, state):
    page = client.get("/").get_data(as_text=True)
    for edition in state.editions:
        assert f'<option value="{edition}"' in page


def test_download_and_open_to_print(client, desk_project):
    built = (desk_project / "output/en-CA/relapsed-all-cns.letter.pdf").read_bytes()
    download = client.get("/files/en-CA/relapsed-all-cns.letter.pdf")
    assert download.status_code == 200 and download.data == built
    assert download.headers["Content-Disposition"].startswith("attachment")
    shown = client.get("/files/en-CA/relapsed-all-cns.letter.pdf?show=1")
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.mimetype == "application/pdf"
    # No script anywhere; the browser's PDF viewer (a plugin) may show the file.
    policy = shown.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "object-src 'self'" in policy


def test_a_general_file_has_its_chart_line(client):
    """A built file downloaded or opened to print from the list or the preview: each of
    its links names the desk's chart line for it, worded as the other lines (topic,
    language, the file, content version, status, date, how), in the nurse's language."""
    page = lxml.html.fromstring(client.get("/preview/cns/fr-CA").data)
    asked = {
        link.get("href"): link.get("data-chart")
        for link in page.xpath("//a[@data-chart]")
    }  # fmt: skip
    pdf = "/files/fr-CA/relapsed-all-cns.letter.pdf"
    assert asked[pdf] == "/chart?key=fr-CA/relapsed-all-cns.letter.pdf&given=downloaded"
    assert asked[pdf + "?show=1"].endswith("&given=printed") and len(asked) >= 6
    listed = lxml.html.fromstring(client.get("/?locale=ar").data)
    assert len(listed.xpath("//a[@data-chart]")) == len(
        listed.xpath("//a[starts-with(@href, '/files/')]")
    )

    def line(query: str) -> str:
        answer = client.get("/chart?" + query)
        assert answer.status_code == 200, query
        return lxml.html.fromstring(answer.data).get_element_by_id("chart-line").text.strip()

    printed = line("key=fr-CA/relapsed-all-cns.letter.pdf&given=printed")
    assert printed.startswith("Patient education: When childhood ALL comes back in the brain")
    assert "(Français (Canada)), PDF to print, Standard, Letter, content version" in printed
    assert printed.endswith("; PDF opened to print.") and "draft, not yet reviewed" in printed
    assert line("key=ar/relapsed-all-cns.epub&given=downloaded").endswith("; downloaded.")
    assert client.get("/chart?key=ar/relapsed-all-cns.epub&given=printed").status_code == 400
    assert client.get("/chart?key=../secret&given=downloaded").status_code == 404
    assert client.get("/chart?key=ar/relapsed-all-cns.epub").status_code == 400
    client.set_cookie("desk_ui", "fr-CA")
    french = line("key=ar/relapsed-all-cns.letter.pdf&given=printed")
    assert french.startswith("Enseignement au patient : Quand la LAL")
    assert "PDF à imprimer, Standard, Lettre" in french and "PDF ouvert pour l’impression" in french


def test_preview_frames_the_web_edition_under_a_script_free_policy(client):
    page = client.get("/preview/cns/ar")
    assert page.status_code == 200
    assert 'src="/files/ar/relapsed-all-cns.html"' in page.get_data(as_text=True)
    framed = client.get("/files/ar/relapsed-all-cns.html")
    assert (
        framed.status_code == 200 and "script-src" not in framed.headers["Content-Security-Policy"]
    )
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert client.get("/preview/cns/xx").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/files/../source/site.yaml",
        "/files/%2e%2e/source/site.yaml",
        "/files/manifest.json",
        "/files/.build-state.json",
        "/files/en-CA/nothing.pdf",
        "/nowhere",
    ],
)
def test_only_files_listed_in_the_manifest_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "This page or file is not here" in response.get_data(as_text=True)


def test_security_headers_on_every_kind_of_response(client):
    csrf = token(client)
    responses = [
        client.get("/"),
        client.get("/basket"),
        client.get("/personalize?variant=cns&locale=ar"),
        client.get("/nowhere"),
        client.post("/personalize", data=personal_form(csrf)),
    ]
    for response in responses:
        headers = response.headers
        assert headers["Cache-Control"] == "no-store"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        policy = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "default-src 'none'" in policy
        if response.mimetype == "text/html":
            assert "script-src 'self'" in policy
        else:  # the personalized PDF: no script at all
            assert "script-src" not in policy
        assert "frame-ancestors 'none'" in policy


def test_pages_carry_no_inline_script_or_style(client):
    for path in ("/", "/basket", "/personalize?variant=cns&locale=en-CA", "/preview/cns/en-CA"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert re.search(r" on[a-z]+=", page) is None


# CSRF, limits, bad requests --------------------------------------------------------------


def test_forms_need_a_token_bound_to_the_browser(client, state):
    assert client.post("/personalize", data=personal_form("")).status_code == 403
    assert client.post("/basket/add", data={"key": "x"}).status_code == 403
    other = make_client(state)
    stolen = token(other)  # valid signature, but for another browser's cookie
    token(client)
    response = client.post("/personalize", data=personal_form(stolen))
    assert response.status_code == 403 and "This form has expired" in response.get_data(
        as_text=True
    )
    forged = make_client(state)
    forged.get("/")
    assert forged.post("/language", data={"ui": "fr-CA", "csrf": "abc.def"}).status_code == 403


def test_an_oversized_request_gets_a_clear_413(client):
    csrf = token(client)
    for oversized in ({"notes": "x" * 70_000}, {"role": "x" * 11_000}):
        response = client.post("/personalize", data=personal_form(csrf, **oversized))
        assert response.status_code == 413
        assert "What you sent is too long" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["variant=nope&locale=en-CA", "variant=cns&locale=xx", "variant=cns&locale=ar&edition=booklet"],
)
def test_unknown_choices_are_bad_requests(client, query):
    response = client.get(f"/personalize?{query}")
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)


# Personalize ------------------------------------------------------------------------------


def test_personalized_pdf_has_the_name_and_only_the_chosen_medicines(client):
    csrf = token(client)
    form = personal_form(
        csrf,
        child_first_name=NAME,
        medicines=["vincristine", "cytarabine"],
        **{"care_team-0-name": "Dr. Alex Chen", "care_team-0-phone": "604-555-0100"},
    )
    response = client.post("/personalize", data=form)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert NAME not in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert f"Prepared for {NAME}" in text and "604-555-0100" in text
    assert "vincristine" in text.lower() and "cytarabine" in text.lower()
    assert "dexamethasone" not in text.lower() and "methotrexate" not in text.lower()


def test_the_medicine_boxes_are_the_variant_drugs(client, state):
    page = client.get("/personalize?variant=cns&locale=en-CA").get_data(as_text=True)
    offered = set(re.findall(r'name="medicines" value="([^"]+)"', page))
    assert offered == {d.id for d in state.variant_drugs("cns", "en-CA")}
    csrf = token(client)
    outside = {d.id for d in state.project.drugs} - offered
    if outside:
        bad = client.post("/personalize", data=personal_form(csrf, medicines=[sorted(outside)[0]]))
        assert bad.status_code == 422 and "not in this handout" in bad.get_data(as_text=True)


def test_problems_show_next_to_the_field_and_keep_what_was_typed(client):
    csrf = token(client)
    form = personal_form(
        csrf,
        child_first_name=NAME,
        notes="x" * 1501,
        **{"care_team-0-name": "Sam", "care_team-0-phone": "call me"},
    )
    response = client.post("/personalize", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="care_team-0-phone-problem"' in page and "Not a phone number" in page
    assert 'aria-describedby="care_team-0-phone-problem"' in page
    assert "at most 1500 characters" in page
    assert f'value="{NAME}"' in page and 'value="call me"' in page


def test_problems_in_french_when_the_nurse_reads_french(client):
    csrf = token(client)
    client.post("/language", data={"ui": "fr-CA", "csrf": csrf, "back": "/"})
    response = client.post(
        "/personalize",
        data=personal_form(csrf, **{"care_team-0-name": "Sam", "care_team-0-phone": "?"}),
    )
    page = response.get_data(as_text=True)
    assert '<html lang="fr-CA"' in page and "numéro de téléphone" in page
    assert "Prénom de l’enfant" in page


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("child_first_name", "Ma\u202eya", "invisible character (U+202E)"),
        ("child_first_name", "Ma\x07ya", "invisible character (U+0007)"),
        ("child_first_name", "M" * 61, "at most 60 characters"),
        ("next_appointment", "x" * 81, "at most 80 characters"),
        ("care_team-0-role", "Oncologist", "Fill this in too"),  # a contact without a name
    ],
)
def test_hostile_input_is_refused_as_on_the_command_line(client, field, value, words):
    response = client.post("/personalize", data=personal_form(token(client), **{field: value}))
    assert response.status_code == 422 and words in response.get_data(as_text=True)


def test_markup_in_a_field_is_shown_as_typed(client):
    typed = "<b>Ana</b>{{7*7}}"
    response = client.post(
        "/personalize", data=personal_form(token(client), child_first_name=typed)
    )
    assert response.status_code == 200
    assert "Prepared for <b>Ana</b>{{7*7}}" in pdf_text(response.data)


def test_password_is_shown_once_and_opens_the_pdf(client):
    csrf = token(client)
    response = client.post(
        "/personalize", data=personal_form(csrf, child_first_name=NAME, protect="1")
    )
    page = response.get_data(as_text=True)
    password = re.search(r"<code>([^<]+)</code>", page)[1]
    assert len(password) >= 12
    data_url = re.search(r'href="data:application/pdf;base64,([^"]+)"', page)[1]
    import base64

    pdf = base64.b64decode(data_url)
    assert PdfReader(BytesIO(pdf)).is_encrypted
    assert f"Prepared for {NAME}" in pdf_text(pdf, password)
    again = client.post("/personalize", data=personal_form(csrf, protect="1"))
    assert re.search(r"<code>([^<]+)</code>", again.get_data(as_text=True))[1] != password


def test_epub_on_request_and_never_with_a_password(client):
    csrf = token(client)
    page = client.post(
        "/personalize",
        data=personal_form(csrf, child_first_name=NAME, with_epub="1", action="files"),
    ).get_data(as_text=True)
    assert 'download="relapsed-all-cns.en-CA.letter.epub"' in page
    refused = client.post("/personalize", data=personal_form(csrf, with_epub="1", protect="1"))
    assert refused.status_code == 422 and "cannot carry a password" in refused.get_data(
        as_text=True
    )


def test_email_draft_in_the_family_language(client):
    csrf = token(client)
    response = client.post(
        "/personalize",
        data=personal_form(csrf, locale="fr-CA", child_first_name=NAME, action="draft"),
    )
    # A page with the draft to download (at once, by the script) and its chart line.
    assert (
        "email draft made"
        in lxml.html.fromstring(response.data).get_element_by_id("chart-line").text
    )
    draft = page_download(response, "relapsed-all-cns.fr-CA.letter.eml")
    message = email.message_from_bytes(draft, policy=email.policy.default)
    assert message["X-Unsent"] == "1" and message["Subject"].startswith("Information de l")
    assert (
        NAME not in message["Subject"] and "Bonjour," in message.get_body(("plain",)).get_content()
    )
    [attachment] = list(message.iter_attachments())
    assert f"pour {NAME}" in pdf_text(attachment.get_content())


def test_a_failing_render_shows_nothing_personal_and_the_desk_keeps_serving(
    client, state, monkeypatch, caplog
):
    def broken(document):
        raise RuntimeError(f"layout exploded near {NAME}")

    monkeypatch.setattr(state.pdf, "render", broken)
    caplog.set_level(logging.DEBUG)
    response = client.post("/personalize", data=personal_form(token(client), child_first_name=NAME))
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert NAME not in page and "could not make this file" in page
    assert NAME not in caplog.text and "RuntimeError" in caplog.text
    monkeypatch.undo()
    assert client.post("/personalize", data=personal_form(token(client))).status_code == 200


# Basket -----------------------------------------------------------------------------------


def fill_basket(client):
    csrf = token(client)
    keys = [
        "ar/relapsed-all-cns.letter.pdf",
        "en-CA/relapsed-all-cns.large-print.letter.pdf",
        "fr-CA/relapsed-all-cns.epub",
    ]
    response = client.post("/basket/add", data={"csrf": csrf, "key": keys})
    assert response.status_code == 303
    return csrf, keys


def test_basket_zip_holds_every_file(client, desk_project):
    csrf, keys = fill_basket(client)
    page = client.get("/basket").get_data(as_text=True)
    assert all(key in page for key in keys) and "(3)" in page
    response = client.post("/basket/zip", data={"csrf": csrf})
    archive = zipfile.ZipFile(BytesIO(page_download(response, "handouts.zip")))
    assert sorted(archive.namelist()) == sorted(keys)
    assert archive.read(keys[0]) == (desk_project / "output" / keys[0]).read_bytes()
    client.post("/basket/remove", data={"csrf": csrf, "key": keys[0]})
    assert keys[0] not in client.get("/basket").get_data(as_text=True)


def test_basket_refuses_files_not_in_the_manifest(client):
    response = client.post("/basket/add", data={"csrf": token(client), "key": "../../etc/passwd"})
    assert response.status_code == 400
    client.set_cookie("desk_basket", "../secret|en-CA/relapsed-all-cns.epub")
    page = client.get("/basket").get_data(as_text=True)
    assert "secret" not in page and "relapsed-all-cns.epub" in page


def test_basket_email_draft_attaches_every_file_in_the_first_pdf_language(client):
    csrf, keys = fill_basket(client)
    response = client.post("/basket/email", data={"csrf": csrf, "action": "draft"})
    draft = page_download(response, "handouts.eml")
    message = email.message_from_bytes(draft, policy=email.policy.default)
    assert "Hello" not in message.get_body(("plain",)).get_content()  # Arabic, not English
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == [key.split("/")[1] for key in keys]


def test_send_a_personal_handout_and_a_basket(state, smtp):
    client = make_client(state, smtp_configured=True)
    csrf = token(client)
    bad = client.post(
        "/personalize", data=personal_form(csrf, action="send", to="a@b.org\nBcc: x@y.org")
    )
    assert bad.status_code == 422 and not smtp.messages
    sent = client.post(
        "/personalize",
        data=personal_form(csrf, action="send", to="family@example.org", child_first_name=NAME),
    )
    assert sent.status_code == 200 and "Email sent" in sent.get_data(as_text=True)
    message = email.message_from_bytes(smtp.messages[0], policy=email.policy.default)
    assert message["To"] == "family@example.org" and NAME not in message["Subject"]
    _, keys = fill_basket(client)
    response = client.post(
        "/basket/email", data={"csrf": csrf, "action": "send", "to": "family@example.org"}
    )
    assert response.status_code == 200 and len(smtp.messages) == 2
    assert len(list(email.message_from_bytes(smtp.messages[1]).walk())) >= 4
    # A line for the chart per file emailed.
    chart = lxml.html.fromstring(response.get_data(as_text=True)).get_element_by_id("chart-line")
    lines = chart.text.strip().splitlines()
    assert len(lines) == len(keys) and all("emailed to the family" in line for line in lines)


# Access -----------------------------------------------------------------------------------


def test_beyond_loopback_the_desk_needs_access_control(state):
    with pytest.raises(HandoutError, match="without access control"):
        DeskSettings(state.config, host="0.0.0.0").check_access()
    DeskSettings(state.config, host="::1").check_access()
    with_password = make_client(state, host="0.0.0.0", access=Access("nurse", "open sesame"))
    assert with_password.get("/").status_code == 401
    assert with_password.get("/", auth=("nurse", "wrong")).status_code == 401
    assert with_password.get("/", auth=("nurse", "open sesame")).status_code == 200
    sso = make_client(state, host="10.0.0.5", access=Access(trusted_header="X-Remote-User"))
    assert sso.get("/").status_code == 401
    assert sso.get("/", headers={"X-Remote-User": "rn123"}).status_code == 200


def test_page_words_in_french_while_the_handout_stays_arabic(client):
    csrf = token(client)
    switched = client.post(
        "/language", data={"ui": "fr-CA", "csrf": csrf, "back": "//evil.example"}
    )
    assert switched.status_code == 303 and switched.headers["Location"] == "/"
    page = client.get("/?locale=ar").get_data(as_text=True)
    assert '<html lang="fr-CA"' in page and "Trouver un document" in page
    assert 'lang="ar" dir="rtl"' in page


def test_a_listed_file_that_is_a_symlink_out_of_output_is_not_served(client, state, monkeypatch):
    from dataclasses import replace

    link = state.config.output_dir / "en-CA" / "outside.pdf"
    link.symlink_to("/etc/hostname")
    try:
        listed = state.published()
        monkeypatch.setattr(
            state, "published", lambda: (*listed, replace(listed[0], path="en-CA/outside.pdf"))
        )
        assert client.get("/files/en-CA/outside.pdf").status_code == 404
        assert client.get(f"/files/{listed[0].path}").status_code == 200
    finally:
        link.unlink()


def test_the_form_follows_the_care_sheet_model(client):
    from typing import Annotated

    from pydantic import BaseModel, Field

    from relapse_handouts.desk.sheetform import sheet_fields
    from relapse_handouts.personal import CareSheet

    class Urgent(BaseModel):
        who: Annotated[str, Field(max_length=60)]
        phone: Annotated[str, Field(max_length=30)]

    class Sheet(BaseModel):
        team: tuple[Urgent, ...] = Field(default=(), max_length=8)
        fever_temperature: Annotated[str, Field(max_length=12)] | None = None
        call_right_away: Urgent | None = None
        notes: Annotated[str, Field(max_length=1500)] | None = None

    fields = {field.name: field for field in sheet_fields(Sheet)}
    assert [(f.kind, f.max_length) for f in fields.values()] == [
        ("rows", None), ("text", 12), ("group", None), ("textarea", 1500)
    ]  # fmt: skip
    assert [sub.name for sub in fields["call_right_away"].subfields] == ["who", "phone"]
    # Every field of the real care sheet is in the form.
    page = client.get("/personalize?variant=cns&locale=en-CA").get_data(as_text=True)
    for name in CareSheet.model_fields:
        assert re.search(rf'name="{name}[-"]', page), name


def test_every_desk_word_is_translated_into_french(tmp_path):
    """Extraction as docs/desk.md runs it (the desk's babel.cfg: its code and layouts, and
    the formats table's names of formats, editions and papers) finds only words the
    French catalog translates."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    from tests.base import REPO

    pot = tmp_path / "desk.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract",
         "-F", "relapse_handouts/desk/babel.cfg", "-k", "_", "-k", "N_", "-k", "gettext",
         "--no-wrap", "-o", str(pot), "."],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        found = {message.id for message in read_po(handle) if message.id}
    assert {"Large print", "Letter", "Find a handout"} <= found  # formats.py, desk layouts
    po = REPO / "relapse_handouts/desk/locale/fr_CA/LC_MESSAGES/desk.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert not found - translated, sorted(found - translated)


def test_basket_personalizes_its_pdfs_and_keeps_other_files_general(client, desk_project):
    csrf, keys = fill_basket(client)
    form = {"csrf": csrf, "child_first_name": NAME, "medicines": ["vincristine"]}
    response = client.post("/basket/zip", data=form)
    archive = zipfile.ZipFile(BytesIO(page_download(response, "handouts.zip")))
    arabic, large_print, epub = (archive.read(key) for key in keys)
    assert NAME in pdf_text(arabic) and NAME in pdf_text(large_print)
    assert "dexamethasone" not in pdf_text(large_print).lower()
    assert epub == (desk_project / "output" / keys[2]).read_bytes()
    bad = client.post("/basket/zip", data={**form, "care_team-0-phone": "later"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Not a phone number" in page and f'value="{NAME}"' in page
    draft = client.post("/basket/email", data={**form, "action": "draft"})
    message = email.message_from_bytes(
        page_download(draft, "handouts.eml"), policy=email.policy.default
    )
    assert NAME not in message["Subject"]
    assert NAME in pdf_text(next(message.iter_attachments()).get_content())


def test_every_output_in_the_formats_table_has_a_label_and_its_media_type(state):
    from relapse_handouts.desk.state import Published
    from relapse_handouts.desk.views import file_label, media_type
    from relapse_handouts.formats import OUTPUTS

    app = create_app(DeskSettings(state.config, secret=b"s" * 32), state)
    with app.test_request_context("/"):
        app.preprocess_request()
        for entry in OUTPUTS:
            paper = "letter" if entry.per_paper else None
            published = Published("x", "cns", "en-CA", entry.format, entry.edition, paper, None, 0)
            assert media_type(published).split(";")[0] == entry.media_type
            label = file_label(published)
            assert label and (entry.edition == "standard" or "," in label), label


def test_site_yaml_can_name_the_mail_server(state, monkeypatch):
    from relapse_handouts.emaildraft import SmtpSettings
    from relapse_handouts.model import SmtpServer

    for name in ("HOST", "PORT", "STARTTLS"):
        monkeypatch.delenv(f"HANDOUTS_SMTP_{name}", raising=False)
    with local_smtp() as (inbox, env):
        port = int(env["HANDOUTS_SMTP_PORT"])
        server = SmtpServer(host="127.0.0.1", port=port, starttls=False)
        site = state.project.site.model_copy(update={"smtp": server})
        monkeypatch.setattr(state, "project", state.project.model_copy(update={"site": site}))
        settings = SmtpSettings.from_environment(server)
        assert (settings.host, settings.port, settings.starttls) == ("127.0.0.1", port, False)
        client = make_client(state)  # no HANDOUTS_SMTP_HOST: the site's server
        page = client.get("/personalize?variant=cns&locale=en-CA").get_data(as_text=True)
        assert 'value="send"' in page
        sent = client.post(
            "/personalize", data=personal_form(token(client), action="send", to="f@example.org")
        )
        assert sent.status_code == 200 and len(inbox.messages) == 1
    with pytest.raises(HandoutError, match="HANDOUTS_SMTP_HOST is not set"):
        SmtpSettings.from_environment(None)


def test_fever_number_and_who_to_call_reach_the_pdf(client):
    form = personal_form(
        token(client),
        fever_temperature="38.3 °C",
        **{"call_right_away-who": "Oncology clinic", "call_right_away-phone": "604-555-0111"},
    )
    response = client.post("/personalize", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[-400:]
    text = pdf_text(response.data)
    assert "38.3" in text and "604-555-0111" in text and "Oncology clinic" in text
    bad = client.post("/personalize", data={**form, "fever_temperature": "hot"})
    assert bad.status_code == 422 and 'id="fever_temperature-problem"' in bad.get_data(as_text=True)


@pytest.mark.parametrize("locale", first_by_default("ar", "pa", "zh-Hans", "en-CA", "fr-CA", "es"))
def test_personalize_in_every_language(client, state, locale):
    csrf = token(client)
    assert locale in state.locales
    response = client.post(
        "/personalize", data=personal_form(csrf, locale=locale, child_first_name=NAME)
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == locale
    assert NAME in pdf_text(response.data)


def test_the_one_page_summary_is_personalized_or_refused_clearly(client, state, monkeypatch):
    """The summary edition from the form: the fever number and contacts filled in, on one
    page; a care team too long for one page is a problem shown on the form (422)."""
    from relapse_handouts.pdf import TooManyPages

    csrf = token(client)
    form = personal_form(
        csrf,
        edition="summary",
        child_first_name=NAME,
        fever_temperature="38.3 °C",
        **{"call_right_away-who": "Oncology clinic", "call_right_away-phone": "604-555-0111"},
        **{"care_team-0-name": "Dr. Alex Chen", "care_team-0-phone": "604-555-0100"},
    )
    response = client.post("/personalize", data=form)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "summary" in response.headers["Content-Disposition"]
    assert len(PdfReader(BytesIO(response.data)).pages) == 1
    text = pdf_text(response.data)
    assert "38.3" in text and "604-555-0111" in text and "604-555-0100" in text

    # The desk's three contact rows always fit today; the refusal is for longer sheets.
    def too_long(*args, **kwargs):
        raise TooManyPages("the summary edition of variant 'cns' in en-CA runs to 2 pages")

    monkeypatch.setattr(state, "render_personal", too_long)
    refused = client.post("/personalize", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "does not fit on the one-page summary" in page and 'href="#edition"' in page
