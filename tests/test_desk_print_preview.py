"""Issue 24, 3: "Preview the personalized PDF in the browser and print it from there, with
the form kept": "Open the PDF to print" posts the form into a new tab, which gets the
child's PDF to show (inline, in the browser's viewer with its Print button), while the
tab with the form stays as it was typed."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.base import DeskServer, downloaded, pdf_text, token

NAME = "Quillonette"


def test_the_pdf_opens_inline_unprotected_and_named_for_the_handout(client):
    csrf = token(client)
    fields = {"csrf": csrf, "variant": "cns", "locale": "fr-CA", "action": "view"}
    response = client.post(
        "/personalize", data={**fields, "child_first_name": NAME, "protect": "1"}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'inline; filename="relapsed-all-cns.fr-CA.letter.pdf"'
    assert not PdfReader(BytesIO(response.data)).is_encrypted  # to look at, not to send
    assert NAME in pdf_text(response.data)
    # The CSP of a file lets the browser's own viewer show it, and runs nothing.
    assert "object-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.fixture(scope="module")
def server(desk_project, tmp_path_factory):
    log = tmp_path_factory.mktemp("desk-log") / "server.log"
    with DeskServer(desk_project, log, workers=1) as running:
        yield running


def test_open_the_pdf_to_print_in_a_new_tab_keeps_the_form(server, browser, shots):
    from playwright.sync_api import expect

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server.url + "/personalize?variant=cns&locale=en-CA")
    page.get_by_label("Child's first name").fill(NAME)
    page.locator("#care_team-0-phone").fill("604-555-0100")
    page.locator("#care_team-0-name").fill("Dr. Alex Chen")
    with (
        context.expect_page() as opened,
        context.expect_event(
            "response", lambda r: r.request.method == "POST" and "/personalize" in r.url
        ) as answered,
    ):
        page.get_by_role("button", name="Open the PDF to print").click()
    tab, response = opened.value, answered.value
    assert tab is not page and response.frame.page == tab  # the PDF went to the new tab
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    # What the new tab shows (Chromium's PDF viewer, with its Print button), kept to look at.
    tab.wait_for_timeout(1500)
    tab.screenshot(path=shots / "personal-pdf-tab.png")
    # The form's tab did not move: a typo is one fix away.
    assert page.url.endswith("/personalize?variant=cns&locale=en-CA")
    assert page.get_by_label("Child's first name").input_value() == NAME
    # ... and shows the line for the chart (asked of the desk with nothing personal).
    line = page.get_by_role("textbox", name="Copy for the chart")
    line.wait_for()
    assert "PDF opened to print" in line.input_value() and NAME not in line.input_value()
    downloaded(page, lambda: page.get_by_role("button", name="Download the PDF").click())
    expect(line).to_have_value(re.compile("PDF downloaded"))  # replaced, not added
    assert page.locator("#chart-line").count() == 1
    context.close()
