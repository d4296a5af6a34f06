"""What the read-aloud outputs say (issue 19, 6): no citation numbers, and in a handout in
another language no English reference list, but a sentence in that language saying where
the sources are. Read from the scripts of the real handouts (no speech is synthesized)."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from relapse_handouts.audio import mark_parts, utterances
from relapse_handouts.audio.edition import sources_note
from relapse_handouts.formats import output_format
from relapse_handouts.gather import gather
from relapse_handouts.html import Part
from relapse_handouts.render import RenderContext
from tests.base import config_for, make_project

LOCALES = ("en-CA", "fr-CA", "es", "zh-Hans", "ar", "pa")
NOTE = {
    "fr-CA": "Les sources sont indiquées dans le document imprimé.",
    "es": "Las fuentes aparecen en el folleto impreso.",
    "zh-Hans": "资料来源列在印刷版资料中。",
    "ar": "المصادر مذكورة في النشرة المطبوعة.",
    "pa": "ਸਰੋਤ ਛਪੀ ਹੋਈ ਜਾਣਕਾਰੀ ਵਿੱਚ ਦਿੱਤੇ ਗਏ ਹਨ।",
}
# A citation as the layouts print it: "[5]" or "[5, 13]" after a block.
CITATION = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")


def test_citation_numbers_are_not_read():
    part = Part(
        "section",
        "when",
        "When",
        Markup(
            '<section id="when"><ul><li>is confused or has a seizure<sup class="cites">'
            '[<a class="cite" href="#ref-a">5</a>, <a class="cite" href="#ref-b">13</a>]</sup>'
            "</li></ul></section>"
        ),
    )
    spoken = utterances(mark_parts((part,)), "en-CA")
    assert [u.text for u in spoken] == ["is confused or has a seizure"]


def test_a_sources_note_replaces_the_english_reference_list():
    part = Part(
        "references",
        "handout-references",
        "Références",
        Markup(
            '<section id="handout-references"><h2 id="handout-references-title">Références</h2>'
            '<ol lang="en" dir="ltr"><li id="ref-a">A citation. 2020.</li></ol></section>'
        ),
    )
    (marked,) = mark_parts((part,), "Les sources sont dans le document imprimé.")
    spoken = utterances((marked,), "fr-CA")
    assert [(u.text, u.lang) for u in spoken] == [
        ("Références", "fr-CA"),
        ("Les sources sont dans le document imprimé.", "fr-CA"),
    ]
    assert "A citation. 2020." in marked.html  # the list is still shown
    (english,) = mark_parts((part,))
    assert ("A citation. 2020.", "en") in [(u.text, u.lang) for u in utterances((english,), "en")]


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> dict[str, list]:
    """What is read of the real CNS handout, per locale."""
    project = make_project(tmp_path_factory.mktemp("script"), "real")
    config = config_for(project, variants=("cns",), locales=LOCALES, formats=("html",))
    gathered = gather(config)
    context = RenderContext(config, gathered.documents)
    found = {}
    for spec in gathered.specs:
        resolved = context.documents[spec.document_key]
        if resolved.locale in found:
            continue
        parts = context.html.render(resolved, output_format("epub")).parts
        marked = mark_parts(parts, sources_note(resolved, context.html))
        found[resolved.locale] = list(utterances(marked, resolved.locale))
    assert sorted(found) == sorted(LOCALES)
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_no_script_reads_a_citation_number(scripts, locale):
    read = [u.text for u in scripts[locale] if CITATION.search(u.text)]
    assert not read, read


@pytest.mark.parametrize("locale", sorted(NOTE))
def test_other_languages_say_where_the_sources_are_instead_of_reading_them(scripts, locale):
    spoken = scripts[locale]
    references = [u for u in spoken if u.part == "handout-references"]
    assert [u.text for u in references][1:] == [NOTE[locale]]
    assert all(u.lang == locale for u in references)
    assert not [u.text for u in spoken if u.lang == "en" and u.element_id.startswith("ref-")]


def test_english_still_reads_its_reference_list(scripts):
    references = [u for u in scripts["en-CA"] if u.part == "handout-references"]
    assert len(references) > 3 and all(u.element_id for u in references)
    assert not any("printed handout" in u.text for u in references)
