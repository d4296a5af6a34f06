"""Approvals bound to the exact text (issue 20, 1): a signature covers a fingerprint; any
changed word a family reads makes that handout in that locale a visible draft again."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
import yaml
from babel.dates import format_date

from relapse_handouts.approvals import status_for
from relapse_handouts.gather import gather
from tests.base import (
    config_for,
    current_fingerprint,
    edit_yaml,
    pdf_text,
    run_cli,
    sign,
    translated_tiny,
)

TODAY = dt.date.today()
EN_DATE = format_date(TODAY, "long", locale="en_CA")
FR_DATE = format_date(TODAY, "long", locale="fr_CA")


def page_text(project: Path, locale: str) -> str:
    page = (project / "output" / locale / "tiny.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def signed_pair(tmp_path: Path) -> Path:
    """The tiny handout with a French translation, both signed by test reviewers."""
    project = translated_tiny(tmp_path)
    sign(project, locale="en-CA")
    sign(project, locale="fr-CA", reviewer="Traductrice Test", role="traductrice agréée")
    return project


def change_french(project: Path, unit: str, word: str, new: str) -> None:
    def change(data: dict) -> None:
        assert word in data["units"][unit]["text"]
        data["units"][unit]["text"] = data["units"][unit]["text"].replace(word, new)

    edit_yaml(project / "source/translations/fr-CA.yaml", change)


def states(project: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    gathered = gather(config_for(project))
    return {
        locale: (status.state, status.changed)
        for locale in ("en-CA", "fr-CA")
        for status in [status_for(gathered, "tiny", locale)]
    }


def release(project: Path, *args: str):
    return run_cli("--project", project, "build", "--release", "--format", "html", *args)


def test_signed_handout_releases_and_prints_name_role_meaning_and_date(tmp_path):
    project = signed_pair(tmp_path)
    pdf = ("--format", "pdf", "--paper", "letter", "--edition", "standard", "--locale", "en-CA")
    assert release(project).code == 0
    assert run_cli("--project", project, "build", "--release", *pdf).code == 0
    english = page_text(project, "en-CA")
    assert (
        "Approved by Test Reviewer, Clinical nurse educator, for clinical accuracy, "
        f"on {EN_DATE}" in english
    )
    assert "Content version 2.3.4" in english and "Draft" not in english
    french = page_text(project, "fr-CA")
    assert (
        "Approuvé par Traductrice Test, traductrice agréée, pour l'exactitude de la "
        f"traduction, le {FR_DATE}" in french
    )
    assert "Approuvé par Test Reviewer, Clinical nurse educator, pour l'exactitude clinique"
    assert "provisoire" not in french
    text = pdf_text(project / "output/en-CA/tiny.letter.pdf")
    assert "Approved by Test Reviewer, Clinical nurse educator, for clinical accuracy" in text
    assert f"Version 2.3.4 · Last reviewed {EN_DATE}" in text


def test_one_changed_word_of_a_translation_makes_only_it_a_draft(tmp_path):
    project = signed_pair(tmp_path)
    change_french(project, "tiny.about.0", "cells", "cellules")
    assert states(project) == {
        "en-CA": ("approved", ()),
        "fr-CA": ("changed", ("tiny.about.0",)),
    }
    assert run_cli("--project", project, "build", "--format", "html").code == 0
    french = page_text(project, "fr-CA")
    notice = f"Version provisoire : modifiée depuis l'approbation de Traductrice Test le {FR_DATE}"
    assert notice in french and "Approuvé par Traductrice" not in french
    assert "Draft" not in page_text(project, "en-CA")
    refused = release(project)
    assert refused.code == 1
    assert (
        "source/approvals/tiny.fr-CA.yaml: error: fingerprint: handout tiny in fr-CA changed "
        "since it was approved: its text differs in tiny.about.0" in refused.err
    )
    assert "tiny in en-CA" not in refused.err
    assert release(project, "--locale", "en-CA").code == 0


def test_one_changed_layout_word_of_the_catalog_makes_that_locale_a_draft(tmp_path):
    project = signed_pair(tmp_path)
    po = project / "source/locale/fr_CA/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Key points"\nmsgstr "Points clés"' in text
    po.write_text(text.replace('msgstr "Points clés"', 'msgstr "Points importants"'))
    assert states(project) == {
        "en-CA": ("approved", ()),
        "fr-CA": ("changed", ("layout: Key points",)),
    }
    refused = release(project)
    assert refused.code == 1 and "differs in layout: Key points" in refused.err


def test_a_changed_english_unit_lapses_the_signed_translation(tmp_path):
    project = signed_pair(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(handout.read_text().replace("One key point.", "One new key point."))
    assert states(project) == {
        "en-CA": ("changed", ("tiny.key_points.0",)),
        "fr-CA": ("lapsed", ("tiny.key_points.0",)),
    }
    refused = release(project, "--locale", "fr-CA")
    assert refused.code == 1
    assert "handout tiny in en-CA changed since it was approved" in refused.err
    assert (
        "handout tiny in fr-CA changed since it was approved: the English it translates "
        "differs in tiny.key_points.0" in refused.err
    )
    assert run_cli("--project", project, "build", "--format", "html").code == 0
    english = page_text(project, "en-CA")
    assert f"Draft: changed since approved by Test Reviewer on {EN_DATE}" in english


def test_layout_and_style_changes_without_words_keep_the_approval(tmp_path):
    project = signed_pair(tmp_path)
    part = project / "layouts/part.html.j2"
    part.write_text(part.read_text().replace('class="key-points"', 'class="key-points boxed"'))
    css = project / "styles/print.css"
    css.write_text(css.read_text() + "\n.boxed { border: 2pt solid black; }\n")
    handout = project / "source/handouts/tiny.yaml"  # dates are not words a reviewer signs
    handout.write_text(
        handout.read_text().replace("next_review: 2027-01-15", "next_review: 2028-01-15")
    )
    assert states(project) == {"en-CA": ("approved", ()), "fr-CA": ("approved", ())}
    assert release(project).code == 0
    assert 'class="key-points boxed"' in (project / "output/en-CA/tiny.html").read_text()


def test_sign_refuses_a_stale_fingerprint_and_keeps_the_old_approval(tmp_path):
    project = signed_pair(tmp_path)
    packet_fingerprint = current_fingerprint(project)
    approval = project / "source/approvals/tiny.en-CA.yaml"
    before = approval.read_bytes()
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(handout.read_text().replace("What happens next?", "What comes next?"))
    result = run_cli(
        "--project", project, "review", "sign", "--handout", "tiny", "--locale", "en-CA",
        "--fingerprint", packet_fingerprint, "--reviewer", "Test Reviewer", "--role", "Nurse",
    )  # fmt: skip
    assert result.code == 1
    assert "the content of tiny in en-CA changed since the packet was made" in result.err
    assert "nothing was signed" in result.err and approval.read_bytes() == before


@pytest.mark.parametrize(
    "change, complaint",
    [
        (lambda data: data.update(signature="x"), "signature: unknown field"),
        (lambda data: data.update(reviewer="X"), "reviewer: String should have at least 2"),
        (lambda data: data.update(snapshot=[]), "snapshot: unknown field"),
        (lambda data: data.update(meaning="looks fine"), "meaning: Input should be"),
    ],
)
def test_approval_files_are_validated_with_their_line(tmp_path, change, complaint):
    project = translated_tiny(tmp_path)
    sign(project)
    path = project / "source/approvals/tiny.en-CA.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    result = run_cli("--project", project, "check")
    assert result.code == 1 and complaint in result.err
    assert re.search(r"source/approvals/tiny\.en-CA\.yaml:\d+: error: ", result.err)


def test_an_edited_snapshot_no_longer_counts_as_signed(tmp_path):
    project = translated_tiny(tmp_path)
    sign(project)
    path = project / "source/approvals/tiny.en-CA.snapshot.json"
    data = json.loads(path.read_text())
    data["snapshot"][0]["text"] = "edited"
    path.write_text(json.dumps(data))
    result = run_cli("--project", project, "check")
    assert result.code == 1
    assert (
        "source/approvals/tiny.en-CA.snapshot.json: error: snapshot: the signed texts do not "
        "hash to the approval's fingerprint (edited by hand)" in result.err
    )
    assert "Test Reviewer" not in run_cli("--project", project, "review", "status").out
    path.write_text("{ not json")
    result = run_cli("--project", project, "check")
    assert "source/approvals/tiny.en-CA.snapshot.json:1: error: not valid JSON" in result.err


def test_review_status_lists_every_handout_and_locale(tmp_path):
    project = signed_pair(tmp_path)
    change_french(project, "tiny.questions.0.0", "happens", "comes")
    result = run_cli("--project", project, "review", "status")
    assert result.code == 0
    lines = result.out.splitlines()
    assert any(re.match(r"tiny +en-CA +approved \(Test Reviewer, ", line) for line in lines)
    assert any(
        re.match(r"tiny +fr-CA +changed since approval \(1 units; was Traductrice Test", line)
        for line in lines
    )


def test_catalog_shows_each_handouts_review_status(tmp_path):
    project = signed_pair(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(
        handout.read_text().replace("next_review: 2027-01-15", "next_review: 2020-01-15")
    )
    args = ("--format", "html", "--edition", "standard")
    assert run_cli("--project", project, "build", *args).code == 0
    catalog = html.unescape((project / "output/index.html").read_text(encoding="utf-8"))
    assert f"Last reviewed {EN_DATE} · Review overdue since January 15, 2020" in catalog
    assert "Révision en retard depuis le 15 janvier 2020" in catalog
    change_french(project, "tiny.about.0", "cells", "cellules")
    assert run_cli("--project", project, "build", *args).code == 0
    catalog = html.unescape((project / "output/index.html").read_text(encoding="utf-8"))
    assert f"modifiée depuis l'approbation de Traductrice Test le {FR_DATE}" in catalog
