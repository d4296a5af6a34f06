"""The nurse desk in a real browser (Debian's Chromium, driven by Playwright) against the
real server: find, personalize, download and read the PDF, basket, email draft; the same
with the keyboard alone; the page in French with a handout in Arabic; axe-core on every
page (a screenshot of each is kept); and a privacy sweep after a whole session (the
child's name, phone and notes in no file the desk could have written, nor its log)."""

from __future__ import annotations

import email
import email.policy
import getpass
import os
import re
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.base import (
    REPO,
    DeskServer,
    check_page,
    check_widths,
    choose_ui,
    downloaded,
    local_smtp,
    only_in_ci,
    pdf_text,
    small_controls,
    tab_to,
)

NAME = "Thessalyne"  # a child's name that appears nowhere else (the sweep looks for it)


# The same forms without script, the chart line's other ways and pages at phone width:
# the default run has them through Flask's test client (test_desk.py, test_desk_nurse.py)
# and the finding pages at 390 px (test_desk_finding.py); CI drives them in Chromium too.
ONLY_IN_CI = only_in_ci("test_the_result_page_keeps_the_form_filled_and_no_address_holds_it")


@pytest.fixture(scope="module")
def server(desk_project, tmp_path_factory):
    log = tmp_path_factory.mktemp("desk-log") / "server.log"
    with DeskServer(desk_project, log, workers=1) as running:
        yield running


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    yield context.new_page()
    context.close()


def test_find_personalize_download_basket_and_email(server, page, shots):
    page.goto(server.url + "/")
    check_page(page, shots, "find")
    # Typing filters at once (the script) and the form gives the same list without it.
    page.get_by_label("Type to filter").fill("arabic العربية")
    assert page.locator("li.document:visible").count() == 1
    page.get_by_role("button", name="Show handouts").click()  # the server's list, in place
    # (not wait_for_function: the desk's CSP forbids the eval it polls with)
    expect(page.locator("#results")).to_be_focused()
    assert page.locator("li.document").count() == 1 and "q=arabic" in page.url
    page.goto(server.url + "/?locale=en-CA")
    page.get_by_role("link", name=re.compile("^Preview")).first.click()
    assert page.frame_locator("iframe.preview").locator("h1").count() == 1
    check_page(page, shots, "preview")
    page.get_by_role("link", name="Personalize for a child").click()
    check_page(page, shots, "personalize")
    page.get_by_label("Child's first name").fill(NAME)
    page.locator("#care_team-0-name").fill("Dr. Alex Chen")
    page.locator("#care_team-0-phone").fill("604-555-0100")
    page.get_by_label(re.compile("^Vincristine", re.I)).check()
    page.get_by_label(re.compile("^Cytarabine", re.I)).check()
    pdf = downloaded(page, lambda: page.get_by_role("button", name="Download the PDF").click())
    text = pdf_text(pdf).lower()
    assert f"prepared for {NAME.lower()}" in text and "604-555-0100" in text
    assert "vincristine" in text and "cytarabine" in text
    assert "dexamethasone" not in text and "methotrexate" not in text
    # A mistake is shown next to its field, with what was typed kept.
    page.locator("#care_team-0-phone").fill("call the clinic")
    page.get_by_role("button", name="Download the PDF").click()
    assert page.locator("#care_team-0-phone-problem").is_visible()
    assert page.get_by_label("Child's first name").input_value() == NAME
    check_page(page, shots, "personalize-problems")
    # Password: shown once on the result page.
    page.locator("#care_team-0-phone").fill("604-555-0100")
    page.get_by_label(re.compile("^Protect the PDF")).check()
    page.get_by_role("button", name="Make the files").click()
    assert re.fullmatch(r"[a-z]{3,7}(-[a-z]{3,7}){4}", page.locator("code").inner_text())
    check_page(page, shots, "result-password")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Print a password slip for the family").click()
    slip = opened.value
    slip.wait_for_load_state()
    assert slip.locator("ol.slip-words li").count() == 5
    check_page(slip, shots, "password-slip")
    slip.close()
    protected = downloaded(page, lambda: page.get_by_role("link", name="Download the PDF").click())
    assert PdfReader(BytesIO(protected)).is_encrypted
    # A family's basket: the CNS handout in Arabic (large print) and the English e-book.
    page.goto(server.url + "/?locale=ar&edition=large-print")
    page.get_by_label(re.compile("Large print, Letter")).check()
    page.get_by_role("button", name=re.compile("Add the ticked files")).click()
    page.goto(server.url + "/?locale=en-CA&format=epub")
    page.get_by_label(re.compile("E-book")).check()
    page.get_by_role("button", name=re.compile("Add the ticked files")).click()
    assert page.url.endswith("/basket") and page.locator("ul.basket li").count() == 2
    check_page(page, shots, "basket")
    archive = zipfile.ZipFile(
        BytesIO(
            downloaded(page, lambda: page.get_by_role("button", name=re.compile("zip")).click())
        )
    )
    assert sorted(archive.namelist()) == [
        "ar/relapsed-all-cns.large-print.letter.pdf", "en-CA/relapsed-all-cns.epub"
    ]  # fmt: skip
    # The zip and the draft each land on a page with the chart line; back to the basket.
    page.goto(server.url + "/basket")
    draft = downloaded(
        page, lambda: page.get_by_role("button", name=re.compile("Email draft")).click()
    )
    message = email.message_from_bytes(draft, policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert [p.get_filename() for p in message.iter_attachments()] == [
        "relapsed-all-cns.large-print.letter.pdf", "relapsed-all-cns.epub"
    ]  # fmt: skip
    page.goto(server.url + "/basket")
    # The basket's care sheet: a mistake is shown in place.
    page.get_by_text("Personalize the PDFs for the child").click()
    page.locator("#care_team-0-phone").fill("soon")
    page.get_by_role("button", name=re.compile("zip")).click()
    assert page.locator("#care_team-0-phone-problem").is_visible()
    check_page(page, shots, "basket-problems")
    page.goto(server.url + "/no/such/page")
    check_page(page, shots, "error-404")


def test_keyboard_only(server, page):
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    tab_to(page, "#q")
    page.keyboard.type("français")
    page.keyboard.press("Enter")  # submits the filter form
    page.wait_for_url(re.compile(r"q=fran"))
    tab_to(page, "a[href^='/personalize']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/personalize"))
    tab_to(page, "#child_first_name")
    page.keyboard.type(NAME)
    tab_to(page, "input[name=medicines][value=vincristine]")
    page.keyboard.press("Space")
    tab_to(page, "button[value=pdf]")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    text = pdf_text(Path(info.value.path()).read_bytes())
    assert f"pour {NAME}" in text  # the French handout
    tab_to(page, "button[value=draft]")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    message = email.message_from_bytes(
        Path(info.value.path()).read_bytes(), policy=email.policy.default
    )
    assert message["Subject"].startswith("Information de l")
    # The draft lands on a page with the chart line; its first control shows the focus.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement !== document.body")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


@only_in_ci("test_page_words_in_french_while_the_handout_stays_arabic")
def test_page_in_french_handout_in_arabic(server, page, shots):
    page.goto(server.url + "/")
    choose_ui(page, "Français")
    assert page.locator("html").get_attribute("lang") == "fr-CA"
    page.get_by_label("Langue de la famille").select_option("ar")
    page.get_by_role("button", name="Afficher les documents").click()
    check_page(page, shots, "find-fr-ar")
    # The Arabic title has its topic beside it in the desk's language.
    topic = page.locator("li.document h3 .topic").first
    assert topic.get_attribute("lang") == "fr-CA"
    french_title = "Quand la LAL de l'enfant revient dans le cerveau ou la moelle épinière"
    assert topic.inner_text() == f"({french_title})"
    page.get_by_role("link", name=re.compile("^Personnaliser")).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Personnaliser pour un enfant"
    assert page.locator("p.lead span[lang=ar]").first.get_attribute("dir") == "rtl"
    page.get_by_label("Prénom de l’enfant").fill(NAME)
    page.locator("#care_team-0-name").fill("Sam")
    page.locator("#care_team-0-phone").fill("pas un numéro")
    page.get_by_role("button", name="Télécharger le PDF").click()
    assert "numéro de téléphone" in page.locator("#care_team-0-phone-problem").inner_text()
    check_page(page, shots, "personalize-fr-ar-problems")
    page.locator("#care_team-0-phone").fill("514-555-0101")
    pdf = downloaded(page, lambda: page.get_by_role("button", name="Télécharger le PDF").click())
    reader = PdfReader(BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert NAME in pdf_text(pdf) and "514-555-0101" in pdf_text(pdf)


# What the privacy sweep looks for: a name, a phone number and notes that appear nowhere
# in the shipped content (accents, so their UTF-8, UTF-16 and percent-encoded forms differ).
PHONE = "(236) 555-0147 ext 93"
NOTES = "Zéphyrine keeps her pistachio blanket in room 7B"
SECRETS = (NAME, PHONE, NOTES, "pistachio blanket", "555-0147")


def _fill_sheet(page) -> None:
    page.get_by_label("Child's first name").fill(NAME)
    page.get_by_label("Notes for the family").fill(NOTES)
    page.locator("#care_team-0-name").fill(f"{NAME}'s nurse")
    page.locator("#care_team-0-phone").fill(PHONE)


# The default run keeps the child's details out of metadata, manifest and logs
# (test_personal.py) and the protected basket's files encrypted (test_desk_nurse.py).
@only_in_ci("test_personal_details_stay_out_of_metadata_manifest_and_logs")
def test_privacy_a_whole_session_leaves_the_child_nowhere(desk_project, browser, tmp_path):
    """A whole session with a child's name, phone and notes (personalize, e-book, email
    sent, a basket's zip, draft and protected zip, a refused form), then every file the
    desk's process could have written since it started is searched for them: the
    project (output/, its .cache/, the Flask instance folder), the repository, the
    server's own TMPDIR and HOME (caches), the system's temporary folder, and its log."""
    started = time.time() - 1
    server_tmp, server_home, downloads = (tmp_path / n for n in ("tmp", "home", "downloads"))
    for folder in (server_tmp, server_home, downloads):
        folder.mkdir()
    built = {path: path.stat().st_mtime_ns for path in desk_project.rglob("*") if path.is_file()}
    with local_smtp() as (inbox, smtp_env):
        env = {**smtp_env, "TMPDIR": str(server_tmp), "HOME": str(server_home)}
        with DeskServer(desk_project, tmp_path / "server.log", env=env) as server:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.goto(server.url + f"/?q={NAME}")  # even typed into the filter
            page.goto(server.url + "/personalize?variant=cns&locale=ar")
            _fill_sheet(page)
            wanted = downloaded(
                page, lambda: page.get_by_role("button", name="Download the PDF").click()
            )
            (downloads / "asked-for.pdf").write_bytes(wanted)
            page.get_by_label("Child's first name").fill(NAME + "\u202e")  # refused
            page.get_by_role("button", name="Download the PDF").click()
            page.get_by_label("Child's first name").fill(NAME)
            page.get_by_label("Also make an e-book (EPUB)").check()
            page.get_by_role("button", name="Make the files").click()
            page.get_by_role("heading", name="Your files are ready").wait_for()
            page.goto(server.url + "/personalize?variant=cns&locale=ar")  # no-store: no going back
            _fill_sheet(page)
            page.get_by_label("Family's email address").fill("family@example.org")
            page.get_by_role("button", name="Send", exact=True).click()
            assert "Email sent" in page.content()
            # A basket made for the child: zip, email draft and email sent.
            page.goto(server.url + "/?locale=ar&edition=standard&format=pdf")
            page.get_by_label(re.compile("Standard, Letter")).check()
            page.get_by_role("button", name=re.compile("Add the ticked files")).click()
            page.get_by_text("Personalize the PDFs for the child").click()
            _fill_sheet(page)
            archive = downloaded(
                page, lambda: page.get_by_role("button", name=re.compile("zip")).click()
            )
            (downloads / "basket.zip").write_bytes(archive)
            draft = downloaded(
                page, lambda: page.get_by_role("button", name=re.compile("Email draft")).click()
            )
            (downloads / "basket.eml").write_bytes(draft)
            page.get_by_label("Family's email address").fill("family@example.org")
            page.get_by_role("button", name="Send", exact=True).click()
            assert page.get_by_text(
                "The email with every file in the basket was sent."
            ).is_visible()
            # "Protect": the zip's PDF made for the child is encrypted, its password shown.
            page.get_by_label(re.compile("^Protect the PDFs")).check()
            protected = downloaded(
                page, lambda: page.get_by_role("button", name=re.compile("zip")).click()
            )
            (downloads / "protected.zip").write_bytes(protected)
            password = page.locator("p.secret code").inner_text()
            chart = page.locator("#chart-line").input_value()
            context.close()
            logs = server.logs()
    child_pdf = pdf_text(wanted)
    assert NAME in child_pdf and "555-0147" in child_pdf and len(inbox.messages) == 2
    basket = zipfile.ZipFile(downloads / "basket.zip")
    assert NAME in pdf_text(basket.read("ar/relapsed-all-cns.letter.pdf"))
    locked = zipfile.ZipFile(downloads / "protected.zip").read("ar/relapsed-all-cns.letter.pdf")
    reader = PdfReader(BytesIO(locked))
    assert reader.is_encrypted and "password given by phone" in chart
    assert reader.decrypt(password) and NAME in reader.pages[0].extract_text()
    for sent in (draft, inbox.messages[1]):  # the basket's email: the PDF made for the child
        [attached] = email.message_from_bytes(sent, policy=email.policy.default).iter_attachments()
        assert NAME in pdf_text(attached.get_content())
    assert "GET /" in logs and "?" not in logs.split("GET /", 1)[1][:40]
    assert not [secret for secret in SECRETS if _found_in(logs.encode(), secret)], logs
    # Nothing the desk wrote holds them: its project (output/, .cache/, the instance
    # folder), the repository, its own TMPDIR and HOME, the system's temporary folder.
    # The test runs' own folders (other tests' builds, in parallel) are skipped in the
    # system's temporary folder; this test's and the desk project's are searched above.
    places = [desk_project, REPO, server_tmp, server_home, Path(tempfile.gettempdir())]
    runs = Path(tempfile.gettempdir()) / f"pytest-of-{getpass.getuser()}"
    written = list(_recent_files(places, started, skip=(downloads, REPO / ".venv", runs)))
    leaks = [(path, secret) for path in written for secret in _secrets_in(path)]
    assert not leaks, leaks
    # Made files are compressed (a PDF's text is not its bytes): the desk leaves none
    # where it writes, and nothing at all in its own temporary folder.
    made = [
        path for path in written
        if (tmp_path in path.parents or desk_project in path.parents)
        and downloads not in path.parents
        and built.get(path) != path.stat().st_mtime_ns
        and _is_made_file(path)
    ]  # fmt: skip
    assert not made, made
    assert not list(server_tmp.rglob("*")), list(server_tmp.rglob("*"))


def _recent_files(folders: list[Path], since: float, skip: tuple[Path, ...]):
    seen = set()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            root_path = Path(root)
            dirs[:] = [
                d
                for d in dirs
                if not (root_path / d).is_symlink()
                and root_path / d not in skip
                and not d.startswith(("playwright", ".git", "node_modules"))
            ]  # fmt: skip  (the browser's own profile is the nurse's machine, not the desk)
            for name in files:
                path = root_path / name
                try:
                    stat = path.lstat()
                except OSError:
                    continue
                if path in seen or not path.is_file() or stat.st_mtime < since:
                    continue
                if stat.st_size < 50_000_000:
                    seen.add(path)
                    yield path


def _found_in(data: bytes, secret: str, lowered: bytes | None = None) -> bool:
    """``secret`` in ``data`` as UTF-8, UTF-16 (either order), Latin-1 or percent-encoded
    (as a form posts it, spaces as + or %20), any case for the encoded forms
    (``lowered``: ``data.lower()``, when the caller has it)."""
    forms = {secret.encode(), secret.encode("utf-16-le"), secret.encode("utf-16-be")}
    forms.add(secret.encode("latin-1", "replace"))
    forms |= {quote_plus(secret).encode(), quote(secret).encode()}
    lowered = data.lower() if lowered is None else lowered
    return any(form in data or form.lower() in lowered for form in forms)


def _secrets_in(path: Path) -> list[str]:
    """The ``SECRETS`` the file holds (read and lowered once for all of them)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    lowered = data.lower()
    return [secret for secret in SECRETS if _found_in(data, secret, lowered)]


def _is_made_file(path: Path) -> bool:
    """A PDF, zip (EPUB) or email, by its first bytes."""
    try:
        with path.open("rb") as handle:
            start = handle.read(512)
    except OSError:
        return False
    return start.startswith((b"%PDF", b"PK\x03\x04")) or b"X-Unsent" in start


@ONLY_IN_CI
def test_everything_works_without_javascript(server, browser):
    context = browser.new_context(accept_downloads=True, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.get_by_label("Type to filter").fill("arabic")
        page.get_by_role("button", name="Show handouts").click()
        assert page.locator("li.document").count() == 1
        page.get_by_role("link", name=re.compile("^Personalize")).first.click()
        page.get_by_label("Child's first name").fill(NAME)
        pdf = downloaded(page, lambda: page.get_by_role("button", name="Download the PDF").click())
        assert NAME in pdf_text(pdf)
        page.goto(server.url + "/?locale=ar")
        page.get_by_label(re.compile("E-book")).check()
        page.get_by_label(re.compile("Standard, Letter")).check()
        page.get_by_role("button", name=re.compile("Add the ticked files")).click()
        # Without script the page with the chart line comes back; the draft is a link on it.
        page.get_by_role("button", name=re.compile("Email draft")).click()
        assert "email draft made" in page.locator("#chart-line").input_value()
        draft = downloaded(page, lambda: page.get_by_role("link", name=re.compile("draft")).click())
        message = email.message_from_bytes(draft, policy=email.policy.default)
        assert [p.get_filename() for p in message.iter_attachments()] == [
            "relapsed-all-cns.letter.pdf", "relapsed-all-cns.epub"
        ]  # fmt: skip
    finally:
        context.close()


HOSTILE = "\"<>&'</textarea><script>alert(1)</script><b>x"


@only_in_ci("test_markup_in_a_field_is_shown_as_typed")
def test_what_is_typed_comes_back_as_text_and_the_chart_line(server, page, shots):
    """Markup typed into the form reads back as typed (no script runs, nothing breaks out
    of the notes); after making the files the chart line is shown, with a copy button."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.url + "/personalize?variant=cns&locale=fr-CA")
    page.get_by_label("Child's first name").fill(HOSTILE)
    page.get_by_label("Notes for the family").fill(HOSTILE + "\n" + "n" * 3000)
    page.locator("#care_team-0-name").fill(HOSTILE)
    page.locator("#care_team-0-phone").fill(HOSTILE)
    page.get_by_role("button", name="Make the files").click()
    expect(page.locator("#care_team-0-phone-problem")).to_be_visible()
    assert page.locator("#notes-problem").is_visible()  # too long: said, not cut
    assert page.get_by_label("Child's first name").input_value() == HOSTILE
    assert page.locator("#care_team-0-name").input_value() == HOSTILE
    assert page.get_by_label("Notes for the family").input_value().startswith(HOSTILE + "\n")
    assert page.locator("b", has_text="x").count() == 0 and not dialogs
    page.goto(server.url + "/?q=" + HOSTILE.replace("&", "%26"))
    assert page.get_by_label("Type to filter").input_value() == HOSTILE and not dialogs
    page.goto(server.url + "/personalize?variant=cns&locale=fr-CA")
    page.get_by_label("Child's first name").fill(NAME)
    page.get_by_label(re.compile("^Protect the PDF")).check()
    page.get_by_role("button", name="Make the files").click()
    page.wait_for_load_state()  # the deferred script shows the copy button
    line = page.locator("#chart-line").input_value()
    assert "content version" in line and "password given by phone" in line and NAME not in line
    assert page.get_by_role("button", name="Copy").is_visible()
    check_page(page, shots, "result-chart")


# Every text the busy status shows, as it changes (it may last less than a poll).
WATCH_BUSY = """() => {
  window.busy = [];
  const status = document.querySelector("p.busy");
  new MutationObserver(() => window.busy.push(status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
}"""


@ONLY_IN_CI
def test_make_the_files_then_back_and_reload_keep_the_form(server, page, shots):
    """With script, "Make the files" is the same POST by fetch(): the page does not
    navigate, says it is busy, then shows the files with the nurse's own form still filled
    in and the focus on the result's heading. Back shows the form as typed (no request at
    all), Forward the files again, a second Back leaves the desk page; reloading is a GET
    that asks nothing. A problem comes back on the kept form."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.url + "/?locale=en-CA")
    page.goto(server.url + "/personalize?variant=cns&locale=en-CA")
    page.get_by_label("Child's first name").fill(NAME)
    fever = page.get_by_label(re.compile("^Fever temperature"))
    fever.fill("101 F")
    page.locator("#care_team-0-phone").fill("call the clinic")
    length = page.evaluate("history.length")
    loads: list[str] = []
    page.on("load", lambda _: loads.append(page.url))
    page.evaluate(WATCH_BUSY)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Make the files").click()
    assert answer.value.status == 422
    assert any(said.startswith("Making the files") for said in page.evaluate("window.busy"))
    expect(page.locator("#problems")).to_be_focused()
    assert page.locator("#care_team-0-phone-problem").is_visible()
    assert fever.input_value() == "101 F"
    page.locator("#care_team-0-phone").fill("")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="Make the files").click()
    expect(page.get_by_role("heading", name="Your files are ready")).to_be_focused()
    assert page.locator("p.busy").inner_text() == ""
    # The problem is gone from the kept form, as from the page sent without script.
    assert page.locator("p.problem, [aria-invalid], #problems").count() == 0
    pdf = downloaded(page, lambda: page.get_by_role("link", name="Download the PDF").click())
    assert NAME in pdf_text(pdf)
    assert page.get_by_label("Child's first name").input_value() == NAME
    assert fever.input_value() == "101 F"
    assert loads == [] and page.evaluate("history.length") == length + 1
    assert NAME not in page.url and page.url.endswith("/personalize?variant=cns&locale=en-CA")
    check_page(page, shots, "result-form-kept")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.method))
    page.go_back()  # the form, as typed: the same page, nothing fetched
    expect(page.get_by_role("heading", name="Personalize for a child")).to_be_visible()
    assert page.get_by_label("Child's first name").input_value() == NAME
    assert fever.input_value() == "101 F" and requests == []
    assert page.get_by_role("heading", name="Your files are ready").count() == 0
    assert page.locator("#problems").count() == 0 and page.title().startswith("Personalize")
    page.go_forward()
    expect(page.get_by_role("heading", name="Your files are ready")).to_be_visible()
    assert page.get_by_label("Child's first name").input_value() == NAME and requests == []
    page.reload()  # a GET of the form's address: no "confirm form resubmission"
    assert requests[:1] == ["GET"] and not dialogs
    assert page.get_by_role("heading", name="Personalize for a child").is_visible()
    page.go_back()
    page.go_back()  # the page before the form: the list
    assert "/personalize" not in page.url and not dialogs
    assert set(requests) == {"GET"}


@ONLY_IN_CI
def test_make_the_files_without_javascript(server, browser):
    """Without script "Make the files" is a plain POST: the result page with the files and
    the form filled in."""
    context = browser.new_context(accept_downloads=True, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/personalize?variant=cns&locale=en-CA")
        page.get_by_label("Child's first name").fill(NAME)
        page.get_by_role("button", name="Make the files").click()
        page.get_by_role("heading", name="Your files are ready").wait_for()
        pdf = downloaded(page, lambda: page.get_by_role("link", name="Download the PDF").click())
        assert NAME in pdf_text(pdf)
        assert page.get_by_label("Child's first name").input_value() == NAME
    finally:
        context.close()


@ONLY_IN_CI
def test_a_general_file_gives_its_chart_line(server, page, shots):
    """Downloading a built file, or opening it to print (a new tab), from the list or the
    preview leaves the page as it was and shows the file's line for the chart under its
    links (one at a time), in the nurse's language; without script the files still come."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(server.url + "/?locale=en-CA&format=pdf&edition=standard")
    row = page.locator("li.document .files li").first
    downloaded(page, lambda: row.get_by_role("link", name=re.compile("^Download")).click())
    line = row.locator("#chart-line")
    expect(line).to_have_value(re.compile(r"Standard, Letter, content version .*; downloaded\.$"))
    assert line.input_value().startswith("Patient education: When childhood ALL comes back")
    with page.context.expect_page() as opened:
        row.get_by_role("link", name=re.compile("^Open to print")).click()
    opened.value.close()
    expect(line).to_have_value(re.compile(r"; PDF opened to print\.$"))
    assert page.locator("#chart-line").count() == 1 and "/?locale=en-CA" in page.url
    page.get_by_role("button", name="Copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == line.input_value()
    check_widths(page, shots, "list-chart-line")
    page.goto(server.url + "/")
    choose_ui(page, "Français")
    page.goto(server.url + "/preview/cns/ar")
    epub = page.locator(".files li").filter(has_text="EPUB")
    downloaded(page, lambda: epub.get_by_role("link", name=re.compile("^Télécharger")).click())
    expect(epub.locator("#chart-line")).to_have_value(re.compile(r"; téléchargé\.$"))
    assert "Enseignement au patient : Quand la LAL" in epub.locator("#chart-line").input_value()
    check_widths(page, shots, "preview-chart-line-fr")


@ONLY_IN_CI
def test_changed_pages_at_phone_width(server, browser, shots):
    """The result page with its form, the password slip and the basket with its sizes and
    email language, at 390 px: axe-core finds nothing (screenshots kept)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(server.url + "/personalize?variant=cns&locale=ar")
        page.get_by_label(re.compile("^Protect the PDF")).check()
        page.get_by_role("button", name="Make the files").click()
        page.wait_for_selector("#again-heading")
        page.wait_for_load_state()
        check_page(page, shots, "result-390")
        with context.expect_page() as opened:
            page.get_by_role("button", name="Print a password slip for the family").click()
        opened.value.wait_for_load_state()
        check_page(opened.value, shots, "password-slip-390")
        page.goto(server.url + "/?locale=ar&edition=large-print")
        page.get_by_label(re.compile("Large print, Letter")).check()
        page.get_by_role("button", name=re.compile("Add the ticked files")).click()
        check_page(page, shots, "basket-390")
        page.get_by_role("button", name=re.compile("^Next family")).click()
        assert "(0)" in page.get_by_role("link", name=re.compile("Family's basket")).inner_text()
    finally:
        context.close()


def test_controls_are_at_least_24_px_at_phone_width(server, browser):
    """WCAG 2.2 target size (2.5.8): every tick box, radio button, menu and button of the
    list and the personalize form is 24 x 24 CSS px or larger at 390 px."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for path in ("/", "/personalize?variant=cns&locale=en-CA"):
            page.goto(server.url + path)
            small = small_controls(page)
            assert small == [], (path, small)
    finally:
        context.close()
