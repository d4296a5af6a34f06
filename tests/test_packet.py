"""Review packets (issue 20, 2): what changed since the approval, word by word, first;
everything else folded; the fingerprint that `review sign` takes."""

from __future__ import annotations

import re

from pypdf import PdfReader

from relapse_handouts.packet import word_diff
from tests.base import current_fingerprint, run_cli, sign, translated_tiny


def packet(project, locale="en-CA"):
    return run_cli(
        "--project", project, "review", "packet", "--handout", "tiny", "--locale", locale
    )  # fmt: skip


def test_word_diff_marks_only_the_changed_words():
    marked = str(word_diff("Call the care team today.", "Call your care team now."))
    assert marked.count("<del>") == 2 and marked.count("<ins>") == 2
    assert re.search(r"<del>.*the.*</del><ins>.*your.*</ins> care team ", marked)
    assert "[removed: " in marked and "[added: " in marked  # said in words, not colour only
    assert str(word_diff("Same text.", "Same text.")) == "Same text."
    # Scripts without spaces are compared character by character.
    assert str(word_diff("请询问医生。", "请询问护士。")).count("<ins>") == 1


def test_packet_marks_the_changed_words_and_folds_the_rest(tmp_path):
    project = translated_tiny(tmp_path)
    sign(project)
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(handout.read_text().replace("What happens next?", "What comes next?"))
    result = packet(project)
    assert result.code == 0, result.err
    fingerprint = current_fingerprint(project)
    assert f"fingerprint {fingerprint}" in result.out
    html_path = project / "output/review-packets/tiny.en-CA.packet.html"
    assert f"wrote {html_path}" in result.out
    page = html_path.read_text(encoding="utf-8")
    assert fingerprint in page and f"--fingerprint {fingerprint}" in page
    changes = page.split('id="changes-title"')[1].split('id="readability-title"')[0]
    assert changes.count('<article class="change') == 1
    assert "<code>tiny.questions.0.0</code>" in changes
    assert re.search(r"<del>.*happens.*</del><ins>.*comes.*</ins>", changes)
    assert "1 changed" in page and "0 added" in page and "0 removed" in page
    every = page.split('id="all-title"')[1]
    assert "<details>" in every and "<summary>Show all" in every  # unchanged texts folded
    rows = re.findall(r"<tr(?: class=\"changed\")?><th scope=\"row\">", every)
    assert len(rows) > 20 and every.count('<tr class="changed">') == 1
    reader = PdfReader(project / "output/review-packets/tiny.en-CA.packet.pdf")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = " ".join(page.extract_text() for page in reader.pages)
    assert fingerprint[:32] in text.replace("\n", "")


def test_translation_packet_shows_the_english_beside_it_and_cites_sources(tmp_path):
    project = translated_tiny(tmp_path)
    result = packet(project, "fr-CA")
    assert result.code == 0, result.err
    page = (project / "output/review-packets/tiny.fr-CA.packet.html").read_text()
    assert "Never signed." in page and "<details>" not in page
    assert '<th scope="col">English</th><th scope="col">Français</th>' in page
    assert '<td lang="en">What happens next?</td>' in page
    assert '<td lang="fr-CA" dir="ltr">FR What happens next?</td>' in page
    assert "Readability, per variant" in page


def test_packet_of_a_lapsed_translation_shows_the_english_changes(tmp_path):
    project = translated_tiny(tmp_path)
    sign(project)
    sign(project, locale="fr-CA", reviewer="Traductrice Test", role="traductrice")
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(handout.read_text().replace("What happens next?", "What comes next?"))
    assert packet(project, "fr-CA").code == 0
    page = (project / "output/review-packets/tiny.fr-CA.packet.html").read_text()
    assert "<strong>The English changed</strong>" in page
    english = page.split('id="english-title"')[1].split('id="readability-title"')[0]
    assert english.count('<article class="change') == 1
    assert re.search(r"<del>.*happens.*</del><ins>.*comes.*</ins>", english)
