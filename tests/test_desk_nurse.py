"""What the nurse types is used or refused with a word, never cut (issue 24, section 1),
and the line for the chart (section 5), with Flask's test client."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import lxml.html
import pytest

from tests.base import first_by_default, make_client, only_in_ci, page_download, pdf_text, token

NAME = "Zephyrine"


def form(csrf, **fields):
    return {"csrf": csrf, "variant": "cns", "locale": "en-CA", "action": "files", **fields}


@pytest.mark.parametrize("path", ["/personalize?variant=cns&locale=en-CA", "/basket"])
def test_no_field_is_cut_by_the_browser(client, path):
    page = client.get(path).get_data(as_text=True)
    assert "maxlength" not in page


@pytest.mark.parametrize(("ui", "words"), [("en-CA", "at most 1500"), ("fr-CA", "1500 car")])
def test_a_long_paste_is_refused_with_a_word_and_kept(client, ui, words):
    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    notes = "Bring the list. " * 200  # 3,200 characters
    response = client.post("/personalize", data=form(csrf, notes=notes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="notes-problem"' in page and words in page
    textarea = lxml.html.fromstring(page).get_element_by_id("notes")
    assert textarea.text.strip() == notes.strip()  # kept whole, to shorten


@pytest.mark.parametrize(
    ("ui", "named"),
    [("en-CA", ["Care team, Person 2, Phone: Not a phone number",
                "Fever temperature, as your team teaches it (like 38.3 °C): Is this °C or °F?"]),
     ("fr-CA", ["Équipe soignante, Personne 2, Téléphone : Ce n’est pas un numéro",
                "Température de fièvre, comme votre équipe l’enseigne (comme 38,3 °C) : "
                "Est-ce en °C ou en °F ?"])],
)  # fmt: skip
def test_the_list_of_problems_names_each_field_in_the_nurse_language(client, ui, named):
    """A screen reader reads the list at the top first: each line says which field."""
    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    sent = {**form(csrf), "care_team-1-name": "Sam", "care_team-1-phone": "later",
            "fever_temperature": "38"}  # fmt: skip
    page = lxml.html.fromstring(client.post("/personalize", data=sent).get_data(as_text=True))
    listed = [link.text_content() for link in page.get_element_by_id("problems").iter("a")]
    assert all(any(line.startswith(words) for line in listed) for words in named), listed


@pytest.mark.parametrize(
    ("ui", "words"),
    first_by_default(
     ("fr-CA", ["Enseignement au patient", "version du contenu", "ébauche",
                "mot de passe donné par téléphone"]),
     ("en-CA", ["Patient education:", "content version", "draft, not yet reviewed",
                "password given by phone", "PDF made"])),
)  # fmt: skip
def test_the_chart_line_after_making_the_files(client, state, ui, words):
    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    response = client.post(
        "/personalize", data=form(csrf, locale="ar", child_first_name=NAME, protect="1")
    )
    page = response.get_data(as_text=True)
    line = lxml.html.fromstring(page).get_element_by_id("chart-line").text
    assert all(word in line for word in words), line
    version = state.resolved("cns", "ar").handout.content_version
    assert version in line and NAME not in line
    assert "العربية" in line  # the family's language


@pytest.mark.parametrize(
    ("ui", "given", "words"),
    [("en-CA", "printed", ["PDF opened to print", "PDF to print, Large print, Letter",
                            "draft, not yet reviewed"]),
     ("en-CA", "downloaded", ["PDF downloaded", "Large print, Letter", "content version"]),
     ("fr-CA", "printed", ["PDF ouvert pour l’impression", "Gros caractères, Lettre", "ébauche"]),
     ("fr-CA", "downloaded", ["PDF téléchargé", "version du contenu", "ébauche"])],
)  # fmt: skip
def test_the_chart_line_after_printing_or_downloading(client, state, ui, given, words):
    """ "Open the PDF to print" and "Download the PDF" leave the form's page as it was; its
    script asks for their chart line with nothing personal and shows it (issue 24, 5)."""
    from datetime import date

    from babel.dates import format_date

    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    form_page = client.get("/personalize?variant=cns&locale=ar").get_data(as_text=True)
    place = lxml.html.fromstring(form_page).get_element_by_id("chart-place")
    asked = f"{place.get('data-url')}?variant=cns&locale=ar&paper=letter&edition=large-print"
    response = client.get(f"{asked}&given={given}")
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    line = tree.get_element_by_id("chart-line").text
    assert response.status_code == 200 and all(word in line for word in words), line
    version = state.resolved("cns", "ar").handout.content_version
    today = format_date(date.today(), "long", locale=ui.replace("-", "_"))
    assert f"{version}," in line and "(العربية)" in line and today in line
    assert tree.get_element_by_id("copy-chart") is not None
    assert client.get(f"{asked}&given=emailed").status_code == 400
    assert client.get(asked.replace("cns", "nope") + f"&given={given}").status_code == 400


# Finding a handout in a nurse's words (section 2) -----------------------------------------

SEARCHES = {
    # The desk project has the CNS handout in English, French and Arabic.
    "CNS relapse": 3, "brain": 3, "SNC": 3, "cerveau": 3, "spinal fluid": 3,
    "Arabic": 1, "arabe": 1, "العربية": 1, "French": 1, "français": 1, "francais": 1,
    "anglais": 1, "Español": 0,
}  # fmt: skip


@pytest.mark.parametrize(("typed", "count"), SEARCHES.items())
def test_search_in_nurses_words(client, typed, count):
    page = client.get("/", query_string={"q": typed}).get_data(as_text=True)
    assert page.count('class="document"') == count, typed


@pytest.mark.parametrize(
    ("variant", "typed"),
    [("car-t", "Kymriah"), ("car-t", "CAR-T"), ("car-t", "car t"), ("car-t", "tisagenlecleucel"),
     ("blinatumomab", "Blincyto"), ("blinatumomab", "blinatumomab"), ("testicular", "testicule"),
     ("transplant", "greffe"), ("marrow", "bone marrow relapse"), ("cns", "SNC")],
)  # fmt: skip
def test_topic_words_and_medicine_names_find_their_handout(state, variant, typed):
    from relapse_handouts.desk.search import matches
    from relapse_handouts.desk.views import _search_words

    text = _search_words(state, variant, "en-CA")
    assert matches(typed, text), (variant, typed)


@pytest.mark.parametrize(
    ("locale", "typed"),
    [("zh-Hans", "Mandarin"), ("zh-Hans", "Chinese"), ("zh-Hans", "chinois"), ("pa", "Punjabi"),
     ("pa", "pendjabi"), ("pa", "ਪੰਜਾਬੀ"), ("es", "espagnol")],
)  # fmt: skip
def test_language_names_in_english_french_and_their_own_script(state, locale, typed):
    from relapse_handouts.desk.search import matches
    from relapse_handouts.desk.views import _search_words

    text = _search_words(state, "cns", locale) + " " + state.locales[locale]
    assert matches(typed, text)


def test_only_medicines_the_handout_shows_can_be_ticked(client, state):
    """The CAR T handout shows one drug table: only its medicines are offered (15 were,
    and 14 of them vanished from the PDF); a posted medicine it cannot show is refused."""
    from relapse_handouts.desk.state import shown_drug_groups

    resolved = state.resolved("car-t", "en-CA")
    all_drugs = {d.id for items in resolved.drugs.values() for d in items}
    offered = {d.id for d in state.variant_drugs("car-t", "en-CA")}
    shown = shown_drug_groups(resolved.handout.sections)
    assert offered and offered < all_drugs
    assert offered == {d.id for g, items in resolved.drugs.items() if g in shown for d in items}
    page = client.get("/personalize?variant=car-t&locale=en-CA").get_data(as_text=True)
    assert set(re.findall(r'name="medicines" value="([^"]+)"', page)) == offered
    hidden = sorted(all_drugs - offered)[0]
    csrf = token(client)
    response = client.post(
        "/personalize",
        data={**form(csrf, variant="car-t"), "medicines": [hidden]},
    )
    assert response.status_code == 422 and "not in this handout" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("ui", "words"), [("en-CA", "Draft, not yet reviewed"), ("fr-CA", "Ébauche")]
)
def test_each_handout_shows_its_status_before_printing(client, state, ui, words):
    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    version = state.resolved("cns", "fr-CA").handout.content_version
    for path in ("/", "/preview/cns/fr-CA"):
        page = client.get(path).get_data(as_text=True)
        statuses = lxml.html.fromstring(page).find_class("status")
        assert statuses and all(words in s.text_content() for s in statuses), path
        assert all(version in s.text_content() for s in statuses)


READING = {
    "en-CA": ("Reading level: grade {} (Flesch-Kincaid)",
              "Niveau de lecture : {} années de scolarité (Flesch-Kincaid)"),
    "fr-CA": ("Reading ease: {} out of 100, higher is easier (Kandel-Moles)",
              "Facilité de lecture : {} sur 100, plus c’est élevé, plus c’est facile "
              "(Kandel-Moles)"),
    "ar": ("Reading level: not measured for this language",
           "Niveau de lecture : non mesuré pour cette langue"),
}  # fmt: skip


@pytest.mark.parametrize(("ui", "which"), [("en-CA", 0), ("fr-CA", 1)])
def test_each_handout_shows_the_reading_level_the_build_recorded(
    client, state, desk_project, ui, which
):
    """The build records each text's reading level in the manifest (quality.py's figure);
    the list and the preview show it in the nurse's language, and say so where no formula
    applies (Arabic)."""
    manifest = json.loads((desk_project / "output/manifest.json").read_text(encoding="utf-8"))
    recorded = {entry["locale"]: entry["reading_level"] for entry in manifest["outputs"]}
    assert recorded["en-CA"]["measure"] == "grade" and 0 < recorded["en-CA"]["value"] <= 6
    assert recorded["fr-CA"]["measure"] == "ease" and recorded["ar"] is None
    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    for locale, words in READING.items():
        value = f"{(recorded[locale] or {}).get('value', 0):.1f}"
        expected = words[which].format(value.replace(".", ",") if which else value)
        for path in (f"/?locale={locale}", f"/preview/cns/{locale}"):
            page = lxml.html.fromstring(client.get(path).get_data(as_text=True))
            shown = [s.text_content() for s in page.find_class("reading")]
            assert len(shown) == 1 and shown[0].startswith(expected), (path, shown)


@pytest.mark.parametrize(
    ("ui", "title"),
    [("en-CA", "When childhood ALL comes back in the brain or spinal cord"),
     ("fr-CA", "Quand la LAL de l'enfant revient dans le cerveau ou la moelle épinière")],
)  # fmt: skip
def test_the_topic_menu_names_topics_in_the_desk_language(client, ui, title):
    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    page = lxml.html.fromstring(client.get("/").get_data(as_text=True))
    cns = page.xpath("//select[@id='variant']/option[@value='cns']")[0]
    assert cns.text_content() == title and cns.get("lang") == ui


def test_a_manifest_without_reading_levels_shows_none(client, state, monkeypatch):
    """An output folder built before the manifest recorded reading levels: no line, rather
    than a wrong 'not measured'."""
    from relapse_handouts.desk.state import NOT_RECORDED

    older = tuple(replace(p, reading_level=NOT_RECORDED) for p in state.published())
    monkeypatch.setattr(state, "published", lambda: older)
    page = client.get("/?locale=ar").get_data(as_text=True)
    assert 'class="status"' in page and 'class="reading"' not in page


@pytest.mark.parametrize(
    ("locale", "edition", "action", "name"),
    first_by_default(
     ("ar", "large-print", "pdf", "relapsed-all-cns.ar.large-print.letter.pdf"),
     ("en-CA", "standard", "draft", "relapsed-all-cns.en-CA.letter.eml"),
     ("fr-CA", "standard", "pdf", "relapsed-all-cns.fr-CA.letter.pdf"), keep=2),
)  # fmt: skip
def test_downloads_are_named_for_handout_language_and_edition(
    client, locale, edition, action, name
):
    response = client.post(
        "/personalize",
        data=form(token(client), locale=locale, edition=edition, action=action,
                  child_first_name=NAME),
    )  # fmt: skip
    if action == "draft":  # a page with the draft's link (and the chart line)
        assert page_download(response, name) and NAME not in name
        return
    disposition = response.headers["Content-Disposition"]
    assert f'filename="{name}"' in disposition and NAME not in disposition


def test_the_result_page_keeps_the_form_filled_and_no_address_holds_it(client):
    """After "Make the files" the form comes back filled (a change is one step away, Back
    is never needed); the address the page takes in the history names no child."""
    csrf = token(client)
    typed = form(csrf, child_first_name=NAME, notes="Bring the list", medicines=["vincristine"])
    page = client.post("/personalize", data=typed).get_data(as_text=True)
    tree = lxml.html.fromstring(page)
    assert "Your files are ready" in page and "Change something" in page
    assert tree.get_element_by_id("child_first_name").value == NAME
    assert tree.get_element_by_id("notes").text.strip() == "Bring the list"
    assert tree.xpath("//input[@name='medicines'][@value='vincristine']")[0].checked
    [sheet] = tree.xpath("//form[@data-get-url]")
    assert sheet.get("data-get-url") == "/personalize?variant=cns&locale=en-CA"
    assert tree.xpath("//p[@class='busy'][@role='status']")


def test_the_password_is_words_to_say_by_phone_with_a_slip_to_print(client):
    from relapse_handouts.desk.passwords import WORDS

    csrf = token(client)
    page = client.post("/personalize", data=form(csrf, protect="1")).get_data(as_text=True)
    password = re.search(r"<code>([^<]+)</code>", page)[1]
    words = password.split("-")
    assert len(words) == 5 and set(words) <= set(WORDS) and len(set(WORDS)) == 512
    slip = client.post(
        "/personalize/slip",
        data={"csrf": csrf, "variant": "cns", "locale": "ar", "password": password},
    )
    text = slip.get_data(as_text=True)
    assert slip.status_code == 200 and password in text and text.count("<li>") >= 5
    assert 'lang="ar"' in text  # the handout's title, in the family's language
    forged = {"csrf": csrf, "variant": "cns", "locale": "ar", "password": "<b>x</b>-a-b-c-d"}
    assert client.post("/personalize/slip", data=forged).status_code == 400


@pytest.mark.parametrize(
    ("ui", "family", "words", "desk_words"),
    [("fr-CA", "ar", "كلمة المرور لنشرة طفلكم", "Mot de passe du document de votre enfant"),
     ("en-CA", "fr-CA", "Mot de passe du document de votre enfant", "Password for your child's")],
)  # fmt: skip
def test_the_password_slip_speaks_the_family_language(client, ui, family, words, desk_words):
    """The slip's instructions in the family's language (the handout's), with the desk's
    language under them for the nurse; the words to type stay left to right."""
    from relapse_handouts.desk.passwords import make_password

    csrf = token(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    password = make_password()
    fields = {"csrf": csrf, "variant": "cns", "locale": family, "password": password}
    tree = lxml.html.fromstring(client.post("/personalize/slip", data=fields).get_data())
    [heading] = tree.xpath("//h1")
    assert heading.text_content() == words
    [block] = heading.xpath("ancestor::div[@lang][1]")
    assert block.get("lang") == family and block.get("dir") == ("rtl" if family == "ar" else "ltr")
    assert desk_words in tree.xpath("string(//div[@class='slip-desk-language'])")
    [listed] = tree.xpath("//ol[@class='slip-words']")
    assert listed.get("dir") == "ltr" and [li.text for li in listed] == password.split("-")


def test_the_slip_in_the_family_language_alone_when_the_desk_speaks_it(client):
    csrf = token(client)
    client.post("/language", data={"ui": "fr-CA", "csrf": csrf, "back": "/"})
    from relapse_handouts.desk.passwords import make_password

    fields = {"csrf": csrf, "variant": "cns", "locale": "fr-CA", "password": make_password()}
    page = client.post("/personalize/slip", data=fields).get_data(as_text=True)
    assert page.count("Mot de passe du document de votre enfant") == 1
    assert "slip-desk-language" not in page


def fill_basket(client):
    csrf = token(client)
    keys = ["ar/relapsed-all-cns.letter.pdf", "fr-CA/relapsed-all-cns.epub"]
    assert client.post("/basket/add", data={"csrf": csrf, "key": keys}).status_code == 303
    return csrf, keys


def test_the_basket_shows_sizes_and_total_and_warns_before_the_mail_limit(
    client, state, monkeypatch
):
    _, keys = fill_basket(client)
    page = client.get("/basket").get_data(as_text=True)
    sizes = re.findall(r'<span class="size">([\d.,]+) MB</span>', page)
    listed = {entry.key: entry.size for entry in state.published()}
    assert sizes == [f"{max(listed[key] / 1e6, 0.1):.1f}" for key in keys]
    assert "limit is 10.0 MB" in page and "Too big" not in page
    assert "relapsed-all-cns.letter.pdf<" not in page  # titles and editions, no file paths
    site = state.project.site.model_copy(update={"mail_limit_mb": 0.05})
    monkeypatch.setattr(state, "project", state.project.model_copy(update={"site": site}))
    assert "Too big for one email" in client.get("/basket").get_data(as_text=True)


@pytest.mark.parametrize("value", [0, -1, "ten", 5000])
def test_the_mail_limit_in_site_yaml_is_checked(state, value):
    from pydantic import ValidationError

    data = state.project.site.model_dump()
    with pytest.raises(ValidationError, match="mail_limit_mb"):
        type(state.project.site).model_validate({**data, "mail_limit_mb": value})


@pytest.fixture
def with_audio(state, monkeypatch):
    """MP3s listed as built (the desk project builds no read-aloud editions: they need the
    speech tools); their bytes are a stand-in, the desk only attaches them."""
    from relapse_handouts.desk.state import Published

    listed, read = state.published, state.published_file
    audio = {
        f"{locale}/relapsed-all-cns.mp3": Published(
            f"{locale}/relapsed-all-cns.mp3", "cns", locale, "mp3", "standard", None, None, 9
        )
        for locale in ("en-CA", "es")
    }
    monkeypatch.setattr(state, "published", lambda: (*listed(), *audio.values()))
    monkeypatch.setattr(
        state,
        "published_file",
        lambda key: (audio[key], b"ID3audio!") if key in audio else read(key),
    )


def test_the_basket_email_is_in_the_language_the_nurse_chose_and_lists_every_file(
    client, with_audio
):
    import email
    import email.policy

    csrf = token(client)
    keys = ["ar/relapsed-all-cns.letter.pdf", "en-CA/relapsed-all-cns.mp3"]
    client.post("/basket/add", data={"csrf": csrf, "key": keys})
    page = client.get("/basket").get_data(as_text=True)
    assert '<option value="ar" lang="ar" selected>' in page  # the first file's, to change
    draft = {"csrf": csrf, "action": "draft", "email_locale": "fr-CA"}
    response = client.post("/basket/email", data=draft)
    assert response.status_code == 200, response.get_data(as_text=True)[-3000:]
    message = email.message_from_bytes(
        page_download(response, "handouts.eml"), policy=email.policy.default
    )
    body = message.get_body(("plain",)).get_content()
    assert message.get_body(("plain",))["Content-Language"] == "fr-CA" and body.startswith(
        "Bonjour,"
    )
    assert "Les fichiers joints à ce courriel :" in body
    assert "- PDF, Lettre, العربية: relapsed-all-cns.letter.pdf" in body
    assert "- Écouter (MP3), English (Canada): relapsed-all-cns.mp3" in body
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["relapsed-all-cns.letter.pdf", "relapsed-all-cns.mp3"]


def test_an_audio_only_email_works(client, with_audio):
    import email
    import email.policy

    csrf = token(client)
    client.post("/basket/add", data={"csrf": csrf, "key": ["es/relapsed-all-cns.mp3"]})
    response = client.post("/basket/email", data={"csrf": csrf, "action": "draft"})
    draft = page_download(response, "handouts.eml")
    message = email.message_from_bytes(draft, policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    assert response.status_code == 200 and message.get_body(("plain",))["Content-Language"] == "es"
    assert "PDF" not in body and "relapsed-all-cns.mp3" in body
    [audio] = list(message.iter_attachments())
    assert audio.get_content_type() == "audio/mpeg"


def test_a_protected_basket_email_gives_the_password_once_and_a_chart_line(client):
    """French desk, Arabic family: the basket's PDF made for the child is protected, the
    page shows the password with its slip (in the email's language), the draft to download
    and a chart line per file saying the password was given by phone (issue 24, 5)."""
    import base64
    import email
    import email.policy
    from io import BytesIO

    from pypdf import PdfReader

    csrf, keys = fill_basket(client)
    client.post("/language", data={"ui": "fr-CA", "csrf": csrf, "back": "/"})
    fields = {"csrf": csrf, "action": "draft", "email_locale": "ar", "protect": "1"}
    refused = client.post("/basket/email", data=fields)  # nothing made for the child
    assert refused.status_code == 422 and 'id="protect-problem"' in refused.get_data(as_text=True)
    response = client.post("/basket/email", data={**fields, "child_first_name": NAME})
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    password = tree.xpath("string(//p[@class='secret']/code)")
    assert response.status_code == 200 and len(password.split("-")) == 5
    assert tree.xpath("//form[@target='_blank']//input[@name='locale']/@value") == ["ar"]
    lines = tree.get_element_by_id("chart-line").text.splitlines()
    assert len(lines) == 2 and all("brouillon de courriel préparé" in line for line in lines)
    assert ["mot de passe donné par téléphone" in line for line in lines] == [True, False]
    assert NAME not in tree.get_element_by_id("chart-line").text
    [link] = tree.xpath("//a[@download='handouts.eml']/@href")
    message = email.message_from_bytes(
        base64.b64decode(link.split(",", 1)[1]), policy=email.policy.default
    )
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    reader = PdfReader(BytesIO(pdf.get_content()))
    assert reader.is_encrypted and reader.decrypt(password)
    assert NAME in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("ui", "action", "name", "how", "status"),
    first_by_default(
     ("en-CA", "zip", "handouts.zip", "downloaded", "draft, not yet reviewed"),
     ("fr-CA", "draft", "handouts.eml", "brouillon de courriel préparé", "ébauche"),
     ("en-CA", "draft", "handouts.eml", "email draft made", "draft, not yet reviewed"),
     ("fr-CA", "zip", "handouts.zip", "téléchargé", "ébauche"), keep=2),
)  # fmt: skip
def test_a_basket_zip_or_draft_comes_with_a_chart_line(
    client, state, ui, action, name, how, status
):
    """No download leaves the basket without its line for the chart (issue 24, 5): the page
    comes back with the file to download (the script starts it at once), the line and its
    Copy button; the desk keeps nothing."""
    csrf, keys = fill_basket(client)
    client.post("/language", data={"ui": ui, "csrf": csrf, "back": "/"})
    path = "/basket/zip" if action == "zip" else "/basket/email"
    response = client.post(path, data={"csrf": csrf, "action": action, "child_first_name": NAME})
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert tree.xpath("//a[@data-download-now]/@download") == [name]
    assert page_download(response, name)[:2] in (b"PK", b"MI", b"Co", b"Su", b"X-", b"To")
    assert tree.get_element_by_id("copy-chart") is not None
    lines = tree.get_element_by_id("chart-line").text.strip().splitlines()
    assert len(lines) == len(keys) and all(how in line and status in line for line in lines)
    version = state.resolved("cns", "ar").handout.content_version
    assert f"{version}," in lines[0] and "(العربية)" in lines[0] and "(Français" in lines[1]
    assert NAME not in "".join(lines) and "password" not in "".join(lines)


def _pdfs(data: bytes, name: str | None) -> list[bytes]:
    """The PDFs in a zip or an email."""
    import email
    import email.policy
    import zipfile
    from io import BytesIO

    if name == "handouts.zip":
        archive = zipfile.ZipFile(BytesIO(data))
        return [archive.read(n) for n in archive.namelist() if n.endswith(".pdf")]
    message = email.message_from_bytes(data, policy=email.policy.default)
    return [
        part.get_content()
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


@only_in_ci("test_a_protected_basket_email_gives_the_password_once_and_a_chart_line")
def test_with_protect_no_child_pdf_leaves_the_basket_unencrypted(state, smtp):
    """The basket's privacy sweep: with "Protect" ticked, the zip, the email draft and the
    email sent each carry the PDF made for the child only encrypted (the password on the
    page, once, with its slip and the chart line); general files stay general."""
    from io import BytesIO

    from pypdf import PdfReader

    client = make_client(state, smtp_configured=True)
    csrf = token(client)
    keys = ["ar/relapsed-all-cns.letter.pdf", "en-CA/relapsed-all-cns.large-print.letter.pdf"]
    client.post("/basket/add", data={"csrf": csrf, "key": [*keys, "fr-CA/relapsed-all-cns.epub"]})
    fields = {"csrf": csrf, "protect": "1", "child_first_name": NAME, "to": "family@example.org"}
    # Protect with nothing made for the child: refused on the form, no file given.
    refused = client.post("/basket/zip", data={**fields, "child_first_name": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="protect-problem"' in page and "data:" not in page
    answers = [
        (client.post("/basket/zip", data=fields), "handouts.zip"),
        (client.post("/basket/email", data={**fields, "action": "draft"}), "handouts.eml"),
        (client.post("/basket/email", data={**fields, "action": "send"}), None),
    ]
    passwords = set()
    for response, name in answers:
        tree = lxml.html.fromstring(response.get_data(as_text=True))
        password = tree.xpath("string(//p[@class='secret']/code)")
        assert response.status_code == 200 and len(password.split("-")) == 5, name
        assert tree.xpath("//form[@target='_blank']//input[@name='password']/@value") == [password]
        lines = tree.get_element_by_id("chart-line").text.splitlines()
        assert ["password given by phone" in line for line in lines] == [True, True, False]
        data = page_download(response, name) if name else smtp.messages[-1]
        pdfs = [PdfReader(BytesIO(pdf)) for pdf in _pdfs(data, name or "sent")]
        assert len(pdfs) == 2 and all(reader.is_encrypted for reader in pdfs), name
        for reader in pdfs:
            assert reader.decrypt(password) and NAME in reader.pages[0].extract_text()
        passwords.add(password)
    assert len(passwords) == 3  # a new password each time, never kept


def test_next_family_empties_the_basket(client):
    csrf, _ = fill_basket(client)
    response = client.post("/basket/next", data={"csrf": csrf})
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    page = client.get("/basket").get_data(as_text=True)
    assert "The basket is empty" in page and "(0)" in page


@pytest.mark.parametrize(
    ("locale", "typed", "printed"),
    first_by_default(
     ("fr-CA", "2026-12-10 14:30", "10 décembre 2026, 14 h 30"),
     ("en-CA", "Tuesday morning, clinic 4B", "Tuesday morning, clinic 4B"),
     ("en-CA", "2026-12-10T09:05", "December 10, 2026, 9:05"), keep=2),
)  # fmt: skip
def test_the_appointment_prints_as_a_date_and_time_in_the_family_language(
    client, locale, typed, printed
):
    csrf = token(client)
    fields = form(csrf, locale=locale, action="pdf", next_appointment=typed)
    response = client.post("/personalize", data=fields)
    assert response.status_code == 200 and printed in " ".join(pdf_text(response.data).split())
