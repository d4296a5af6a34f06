"""What the nurse types is used or refused with a word, never cut (issue 24, section 1),
and the line for the chart (section 5), with Flask's test client."""

from __future__ import annotations

import re

import lxml.html
import pytest

from relapse_handouts.config import BuildConfig
from relapse_handouts.desk import DeskSettings, DeskState, create_app

NAME = "Zephyrine"


@pytest.fixture(scope="module")
def state(desk_project):
    return DeskState(BuildConfig.for_project(desk_project))


@pytest.fixture
def client(state):
    return create_app(DeskSettings(state.config, secret=b"s" * 32), state).test_client()


def token(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


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
    ("ui", "words"),
    [("en-CA", ["Patient education:", "content version", "draft, not yet reviewed",
                "password given by phone", "PDF made"]),
     ("fr-CA", ["Enseignement au patient", "version du contenu", "ébauche",
                "mot de passe donné par téléphone"])],
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
