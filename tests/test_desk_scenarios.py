"""The nurse's seven tasks of issue 24, replayed end to end in Debian's Chromium against
the real desk (gunicorn, a local mail server): find and print, personalize in French, a
family's basket with audio, the French desk with an Arabic handout, mistakes, keyboard
only, phone width. Every page met is checked with axe-core at 1280, 390 and 320 px (no
sideways scroll, WCAG 1.4.10 reflow, and no control under 24 px at 390 and 320) and kept as
a screenshot of each width
in tests/artifacts/desk/ (``scenario-*.png``) to look at. Selectors are roles, labels and
visible words, so a new layout of the list or the form keeps them."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from relapse_handouts import build
from tests.base import (
    DeskServer,
    check_phone_fit,
    check_widths,
    config_for,
    downloaded,
    local_smtp,
    pdf_text,
)

NAME = "Quillonette"  # a child's name that appears nowhere in the shipped content
CNS_TITLE = "When childhood ALL comes back in the brain or spinal cord"
CNS_TITRE = "Quand la LAL de l'enfant revient dans le cerveau ou la moelle épinière"


@pytest.fixture(scope="module")
def audio_project(desk_project, tmp_path_factory) -> Path:
    """The desk's project (copied, so other modules see it unchanged) with the CNS
    handout read aloud (MP3) in French and Arabic too."""
    project = tmp_path_factory.mktemp("desk-audio") / "project"
    shutil.copytree(desk_project, project, symlinks=True)
    result = build(
        config_for(
            project, variants=("cns",), locales=("fr-CA", "ar"), formats=("mp3",),
            editions=("audio",),
        )
    )  # fmt: skip
    assert len(result.built) == 2 and result.warnings == ()
    return project


@pytest.fixture(scope="module")
def server(audio_project, tmp_path_factory):
    """The desk with a mail server on 127.0.0.1 (its inbox is ``server.inbox``)."""
    log = tmp_path_factory.mktemp("desk-scenarios") / "server.log"
    with local_smtp() as (inbox, env), DeskServer(audio_project, log, env=env) as running:
        running.inbox = inbox  # type: ignore[attr-defined]
        yield running


@pytest.fixture
def nurse(browser):
    """A new browser window (1280 x 900, English); any dialog (like "Confirm form
    resubmission") fails the test."""
    yield from _window(browser, "en-CA")


@pytest.fixture
def infirmiere(browser):
    """A new browser window whose language is Canadian French."""
    yield from _window(browser, "fr-CA")


def _window(browser, locale: str):
    context = browser.new_context(
        accept_downloads=True, locale=locale, viewport={"width": 1280, "height": 900}
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], dialogs


def submit(page, target) -> None:
    """Click a button or link that loads a new page and wait until that page has loaded
    (a click does not wait for the navigation it starts)."""
    with page.expect_navigation():
        target.click()


def make_files(page, target) -> None:
    """Click "Make the files": with script the same POST goes by fetch() and the answer is
    shown in the page (no navigation); wait until it is there."""
    with page.expect_response(lambda response: response.request.method == "POST"):
        target.click()
    expect(page.locator("form.sheet")).not_to_have_attribute("aria-busy", "true")


def title_headings(page):
    """The headings of the handouts the list shows (a handout's title is marked with its
    language; group and count headings are not), at any level, grouped or paged."""
    return page.get_by_role("main").get_by_role("heading").filter(has=page.locator("[lang]"))


def shown_titles(page) -> list[str]:
    return title_headings(page).all_inner_texts()


def check_chart_line(page, *given: str) -> str:
    """The "copy for the chart" line is shown, names how the file was given, never the
    child; its Copy button puts it on the clipboard."""
    line = page.get_by_role("textbox", name=re.compile("chart|dossier", re.I)).input_value()
    assert all(words in line for words in given), line
    assert NAME not in line
    page.get_by_role("button", name=re.compile("^(Copy|Copier)$")).click()
    page.get_by_role("status").filter(has_text=re.compile("Cop")).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == line
    return line


@pytest.mark.slow
def test_a_find_and_print(server, nurse, shots):
    page = nurse
    page.goto(server.url + "/")
    check_widths(page, shots, "scenario-list")
    page.get_by_label(re.compile("^Type to filter")).fill("CNS relapse")
    submit(page, page.get_by_role("button", name="Show handouts"))
    page.wait_for_url(re.compile(r"q=CNS\+relapse"))
    titles = shown_titles(page)
    assert titles and all(CNS_TITLE in title for title in titles), titles
    assert page.get_by_text(re.compile(r", 1 page\)$")).count() >= 1  # the summary's
    assert page.get_by_text(re.compile(r"\b1 pages")).count() == 0
    page.get_by_label(re.compile("^Type to filter")).fill("zzzz handout")
    submit(page, page.get_by_role("button", name="Show handouts"))
    page.wait_for_url(re.compile(r"q=zzzz"))
    assert page.get_by_text(re.compile("^No handout matches")).is_visible()
    check_widths(page, shots, "scenario-list-none")
    page.goto(server.url + "/?q=CNS+relapse&locale=en-CA")
    submit(page, page.get_by_role("link", name=re.compile("^Preview")).first)
    assert CNS_TITLE in page.get_by_role("heading", level=1).inner_text()
    check_widths(page, shots, "scenario-preview")
    # "Open to print": the PDF itself, shown in the browser (not a download).
    opened = page.get_by_role("link", name=re.compile("^Open to print")).first
    answer = page.request.get(server.url + opened.get_attribute("href"))
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" not in answer.headers.get("content-disposition", "")
    submit(page, page.get_by_role("link", name="Personalize for a child"))
    check_widths(page, shots, "scenario-form")
    page.get_by_label("Child's first name").fill(NAME)
    make_files(page, page.get_by_role("button", name="Make the files"))
    page.get_by_role("heading", name="Your files are ready").wait_for()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    assert info.value.suggested_filename == "relapsed-all-cns.en-CA.letter.pdf"
    assert f"Prepared for {NAME}" in pdf_text(Path(info.value.path()).read_bytes())
    check_chart_line(page, "PDF made", "content version")
    check_widths(page, shots, "scenario-result")


def _offered_medicines(page) -> list[str]:
    return page.locator("input[name=medicines]").evaluate_all("(all) => all.map(e => e.value)")


@pytest.mark.slow
def test_b_personalize_in_french(server, infirmiere, shots):
    page = infirmiere
    page.goto(server.url + "/?locale=fr-CA")
    assert page.locator("html").get_attribute("lang") == "fr-CA"  # the browser's language
    submit(page, page.get_by_role("link", name=re.compile("^Personnaliser")).first)
    check_widths(page, shots, "scenario-form-fr")
    # Only the medicines the handout shows are offered: every one ticked is in the PDF.
    boxes = page.locator("fieldset").filter(has=page.locator("input[name=medicines]"))
    offered = [label.split(" (")[0].lower() for label in boxes.locator("label").all_inner_texts()]
    assert len(offered) >= 5, offered
    page.get_by_label("Prénom de l’enfant").fill(NAME)
    fever = page.get_by_label(re.compile("^Température de fièvre"))
    for typed, printed in (("38,3 °C", "38,3 °C"), ("101 F", "101 °F")):
        fever.fill(typed)
        for box in page.locator("input[name=medicines]").all():
            box.check()
        make_files(page, page.get_by_role("button", name="Créer les fichiers"))
        page.get_by_role("heading", name=re.compile("fichiers sont prêts")).wait_for()
        with page.expect_download() as info:
            page.get_by_role("link", name="Télécharger le PDF").click()
        assert NAME not in info.value.suggested_filename
        text = pdf_text(Path(info.value.path()).read_bytes(), join_hyphens=True)
        assert printed in text, typed
        assert [m for m in offered if m not in text.lower()] == [], typed
        # The result keeps the form, filled in: the next change is one step away.
        assert page.get_by_label("Prénom de l’enfant").input_value() == NAME
        assert fever.input_value() == typed
    check_widths(page, shots, "scenario-result-fr")
    # Back shows the form as typed (the same page: nothing fetched, nothing resent), then
    # reload: no "confirm form resubmission" (the fixture fails on any dialog).
    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method))
    page.go_back()
    expect(page.get_by_role("heading", name=re.compile("^Personnaliser"))).to_be_visible()
    assert page.get_by_label("Prénom de l’enfant").input_value() == NAME
    assert fever.input_value() == "101 F" and methods == []
    page.reload()
    page.go_back()
    assert set(methods) <= {"GET"} and "variant=cns&locale=fr-CA" not in page.url


@pytest.mark.slow
def test_c_a_family_basket_with_audio(server, nurse, shots):
    page = nurse
    page.goto(server.url + "/?locale=fr-CA")
    page.get_by_label(re.compile(r"Standard, Letter")).first.check()
    page.get_by_label(re.compile(r"MP3")).first.check()
    submit(page, page.get_by_role("button", name=re.compile("^Add the ticked files")))
    page.get_by_role("heading", name="Family's basket", level=1).wait_for()
    items = page.get_by_role("listitem").filter(has=page.get_by_role("button", name="Remove"))
    assert items.count() == 2
    for item in items.all_inner_texts():
        assert CNS_TITRE in item and "/" not in item.split("·")[0]  # a title, not a path
        assert re.search(r"\d+(\.\d+)? (KB|MB)", item), item
    assert page.get_by_text(re.compile(r"^Together: .*MB; as an email about")).is_visible()
    check_widths(page, shots, "scenario-basket-audio")
    # The email is in the language the nurse picks, not the first file's.
    page.get_by_label("The email's language (the family's)").select_option("en-CA")
    draft = downloaded(
        page, lambda: page.get_by_role("button", name=re.compile("^Email draft")).click()
    )
    message = email.message_from_bytes(draft, policy=email.policy.default)
    assert message["X-Unsent"] == "1" and message["Subject"].endswith(CNS_TITLE)
    check_widths(page, shots, "scenario-basket-draft")  # the page with the draft and chart line
    attached = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert attached == {
        "relapsed-all-cns.letter.pdf": "application/pdf",
        "relapsed-all-cns.mp3": "audio/mpeg",
    }
    body = message.get_body(("plain",)).get_content()
    assert all(name in body for name in attached), body
    assert "Listen (MP3), Français (Canada)" in body, body  # in English, every file
    # Sent for real: the local mail server gets the same two files.
    page.get_by_label("Family's email address").fill("family@example.org")
    submit(page, page.get_by_role("button", name="Send", exact=True))
    page.get_by_text("The email with every file in the basket was sent.").wait_for()
    sent = email.message_from_bytes(server.inbox.messages[-1], policy=email.policy.default)
    assert sorted(p.get_filename() for p in sent.iter_attachments()) == sorted(attached)
    line = check_chart_line(page, "emailed to the family", "Audio (MP3)", "Standard, Letter")
    assert len(line.splitlines()) == 2  # a line per file
    check_widths(page, shots, "scenario-basket-sent")
    submit(page, page.get_by_role("button", name=re.compile("^Next family")))
    assert "(0)" in page.get_by_role("link", name=re.compile("^Family's basket")).inner_text()
    page.goto(server.url + "/basket")
    assert page.get_by_text(re.compile("^The basket is empty")).is_visible()
    check_widths(page, shots, "scenario-basket-empty")


@pytest.mark.slow
def test_d_french_desk_with_an_arabic_handout(server, infirmiere, shots):
    page = infirmiere
    page.goto(server.url + "/")
    page.get_by_label(re.compile("^Tapez pour filtrer")).fill("SNC")  # a French nurse's word
    submit(page, page.get_by_role("button", name="Afficher les documents"))
    assert len(shown_titles(page)) == 3  # English, French and Arabic
    page.get_by_label(re.compile("^Tapez pour filtrer")).fill("")
    page.get_by_label("Langue de la famille").select_option("ar")
    submit(page, page.get_by_role("button", name="Afficher les documents"))
    page.wait_for_url(re.compile(r"locale=ar"))
    titles = shown_titles(page)
    assert len(titles) == 1, titles
    title = titles[0]
    assert title.endswith(f"({CNS_TITRE})"), title  # the topic in French beside the Arabic
    check_widths(page, shots, "scenario-list-fr-ar")
    submit(page, page.get_by_role("link", name=re.compile("^Aperçu")).first)
    assert page.get_by_role("heading", level=1).inner_text().endswith(f"({CNS_TITRE})")
    check_widths(page, shots, "scenario-preview-fr-ar")
    page.get_by_label(re.compile(r"Gros caractères, Lettre")).first.check()
    page.get_by_label(re.compile(r"MP3")).first.check()
    submit(page, page.get_by_role("button", name=re.compile("^Ajouter les fichiers cochés")))
    items = page.get_by_role("listitem").filter(has=page.get_by_role("button", name="Retirer"))
    assert items.count() == 2
    assert all(f"({CNS_TITRE})" in item for item in items.all_inner_texts())
    check_widths(page, shots, "scenario-basket-fr-ar")
    page.get_by_text(re.compile("^Personnaliser les PDF")).click()
    check_widths(page, shots, "scenario-basket-sheet-fr-ar")
    page.get_by_label("Prénom de l’enfant").fill(NAME)
    phone = page.locator("input[id$='-phone']").first
    phone.fill("plus tard")
    submit(page, page.get_by_role("button", name=re.compile(r"\(zip\)")))
    expect_problem(page, phone, "téléphone", page.get_by_role("alert"))
    assert page.get_by_label("Prénom de l’enfant").input_value() == NAME
    check_widths(page, shots, "scenario-basket-problems-fr-ar")


@pytest.mark.slow
def test_e_mistakes_are_named_in_the_desk_language(server, infirmiere, shots):
    page = infirmiere
    page.goto(server.url + "/personalize?variant=cns&locale=fr-CA")
    notes = "Rendez-vous au 4e étage. " * 120  # 3,000 characters: said, never cut
    page.get_by_label("Prénom de l’enfant").fill(NAME)
    page.get_by_label(re.compile("^Température de fièvre")).fill("38")
    page.get_by_label("Notes pour la famille").fill(notes)
    make_files(page, page.get_by_role("button", name="Créer les fichiers"))
    fever = page.get_by_label(re.compile("^Température de fièvre"))
    problems = page.get_by_role("alert")
    expect_problem(page, fever, "température", problems)
    expect_problem(page, page.get_by_label("Notes pour la famille"), "notes", problems)
    assert page.get_by_label("Notes pour la famille").input_value() == notes
    assert (
        page.get_by_label("Prénom de l’enfant").input_value() == NAME
        and fever.input_value() == "38"
    )
    check_widths(page, shots, "scenario-form-problems-fr")
    fever.fill("38,3 °C")
    page.get_by_label("Notes pour la famille").fill("Rendez-vous au 4e étage.")
    address = page.get_by_label("Adresse courriel de la famille")
    address.fill("famille@@exemple")  # the browser itself stops this one, on the field
    page.get_by_role("button", name="Envoyer", exact=True).click()
    assert address.evaluate("(field) => field.validity.valid") is False
    address.fill("famille@exemple")  # the browser lets it through; the desk does not
    submit(page, page.get_by_role("button", name="Envoyer", exact=True))
    expect_problem(page, page.get_by_label("Adresse courriel de la famille"), "adresse", problems)
    assert page.get_by_label("Prénom de l’enfant").input_value() == NAME
    check_widths(page, shots, "scenario-form-email-problem-fr")
    page.get_by_label("Adresse courriel de la famille").fill("famille@example.org")
    submit(page, page.get_by_role("button", name="Envoyer", exact=True))
    page.get_by_role("heading", name=re.compile("Courriel envoyé")).wait_for()
    check_chart_line(page, "envoy")
    check_widths(page, shots, "scenario-result-sent-fr")
    draft = downloaded(  # the result keeps the form: a draft too, on its own page
        page, lambda: page.get_by_role("button", name=re.compile(r"^Brouillon de courriel")).click()
    )
    assert b"X-Unsent: 1" in draft
    check_chart_line(page, "brouillon")
    check_widths(page, shots, "scenario-result-draft-fr")
    page.goto(server.url + "/pas/de/page")
    check_widths(page, shots, "scenario-error-404-fr")


def expect_problem(page, field, words: str, summary) -> None:
    """The field is marked invalid and described by a problem in French; the list of
    problems at the top names the field (``words``, lower case) and links to it."""
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    text = page.locator(f"#{described[0]}").inner_text()
    assert re.search(r"[àâçéèêëîïôûù]|\b(le|la|de|une?)\b", text), text  # French words
    link = summary.get_by_role("link").filter(has_text=re.compile(words, re.I))
    assert link.count() == 1, summary.inner_text()
    link.click()
    assert page.evaluate("document.activeElement.id") == field.get_attribute("id")


def focus_problems(page) -> list[str]:
    """The focused element shows it (an outline or a ring) and nothing covers it (a
    sticky bar, say: WCAG 2.2 2.4.11); a list of what is wrong, empty when nothing."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return [];
          const style = getComputedStyle(el);
          const name = el.id || el.name || el.textContent.trim().slice(0, 30);
          const wrong = [];
          const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== 'none';
          if (!ring) wrong.push(`${name}: no visible focus`);
          el.scrollIntoView({block: 'nearest'});
          const r = el.getBoundingClientRect();
          const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
          const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
          const top = document.elementFromPoint(x, y);
          const label = el.labels && el.labels[0];
          if (top && !(el.contains(top) || top.contains(el) || (label && label.contains(top))))
            wrong.push(`${name}: covered by ${top.tagName}.${top.className}`);
          return wrong;
        }"""
    )


def tab_until(page, name: re.Pattern[str], seen: list[str], limit: int = 300) -> None:
    """Press Tab until the focused element's accessible text matches ``name``, checking
    at every stop that the focus can be seen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.extend(focus_problems(page))
        text = page.evaluate(
            "(() => { const e = document.activeElement; return (e.labels && e.labels[0]"
            " ? e.labels[0].innerText : e.innerText || e.value || '').trim(); })()"
        )
        if name.search(text):
            return
    raise AssertionError(f"Tab never reached {name.pattern}")


@pytest.mark.slow
def test_f_keyboard_only(server, nurse, shots):
    """Find, personalize and print with Tab, Enter and Space only; at every stop the
    focus is visible and not covered."""
    page = nurse
    seen: list[str] = []
    page.goto(server.url + "/")
    tab_until(page, re.compile("^Skip to the main content"), seen)
    tab_until(page, re.compile("^Type to filter"), seen)
    page.keyboard.type("brain")
    tab_until(page, re.compile("^Family's language"), seen)
    tab_until(page, re.compile("^Show handouts$"), seen)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=brain"))
    tab_until(page, re.compile("^Personalize for a child"), seen)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/personalize"))
    tab_until(page, re.compile("^Child's first name"), seen)
    page.keyboard.type(NAME)
    tab_until(page, re.compile("^vincristine", re.I), seen)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    tab_until(page, re.compile("^Make the files$"), seen)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your files are ready").wait_for()
    tab_until(page, re.compile("^Download the PDF$"), seen)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert NAME in pdf_text(Path(info.value.path()).read_bytes())
    tab_until(page, re.compile("^Copy$"), seen)
    page.keyboard.press("Space")
    assert "PDF made" in page.evaluate("navigator.clipboard.readText()")
    assert seen == [], seen


@pytest.mark.slow
def test_g_phone_width(server, browser, shots):
    """A whole task on a phone (390 x 844): the first screen shows a result, and every page
    fits the width with controls of 24 px or more; a mistake, the result with its
    password and chart line, and the password slip (checked at both widths too)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(server.url + "/?q=arabic")
        check_phone_fit(page, "list")
        first = title_headings(page).first.bounding_box()
        assert first and first["y"] < 844, first  # a result on the first screen
        submit(page, page.get_by_role("link", name=re.compile("^Personalize for a child")).first)
        check_phone_fit(page, "form")
        page.get_by_label("Child's first name").fill(NAME)
        page.locator("input[id$='-phone']").first.fill("call the clinic")
        make_files(page, page.get_by_role("button", name="Make the files"))
        page.get_by_role("alert").wait_for()
        check_phone_fit(page, "form with a problem")
        page.locator("input[id$='-phone']").first.fill("")
        page.get_by_label(re.compile("^Protect the PDF")).check()
        make_files(page, page.get_by_role("button", name="Make the files"))
        page.get_by_role("heading", name="Your files are ready").wait_for()
        check_phone_fit(page, "result")
        assert page.locator("p").filter(has_text=f"({CNS_TITLE})").count() == 1  # the topic
        chart = page.get_by_role("textbox", name=re.compile("chart", re.I)).input_value()
        assert "password given by phone" in chart
        check_widths(page, shots, "scenario-result-password")
        with context.expect_page() as opened:
            page.get_by_role("button", name="Print a password slip for the family").click()
        slip = opened.value
        slip.wait_for_load_state()
        check_widths(slip, shots, "scenario-slip")
    finally:
        context.close()
