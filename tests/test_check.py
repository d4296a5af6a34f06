"""Content quality gates: each with a fixture that fails it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from relapse_handouts import BuildErrors, check
from tests.base import config_for, make_project, run_cli, sign


def test_shipped_content_passes_every_gate():
    from tests.base import REPO

    result = run_cli("--project", REPO, "check")
    assert result.code == 0, result.err
    assert "source OK" in result.out
    english = [line.split() for line in result.out.splitlines() if " en-CA " in line]
    assert len(english) == 8
    for _variant, _locale, grade, _smog, _ease, per_sentence, verdict in english:
        assert float(grade) <= 6 and float(per_sentence) <= 15 and verdict == "ok"


def test_hard_english_fails_readability(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    hard = (
        "Notwithstanding considerable interindividual heterogeneity, haematopoietic "
        "reconstitution subsequent to myeloablative conditioning necessitates "
        "comprehensive multidisciplinary surveillance, pharmacological prophylaxis "
        "and meticulous documentation of immunological parameters, alongside "
        "longitudinal evaluation of neurocognitive sequelae, endocrinological "
        "complications, cardiovascular toxicities, psychosocial consequences and "
        "educational accommodations throughout the prolonged convalescence period "
        "following intensive antineoplastic chemotherapeutic regimens."
    )
    handout.write_text(
        handout.read_text().replace("This paragraph is only for CNS relapse.", f"{hard} {hard}")
    )
    result = run_cli("--project", project, "check")
    assert result.code == 1
    assert "general/en-CA: grade" in result.err and "is above 6" in result.err
    assert "section 'about' reads at grade" in result.err
    assert "words per sentence (target 15)" in result.err


def test_medical_word_must_be_linked_at_first_use(tmp_path):
    project = make_project(tmp_path)
    site = project / "source/site.yaml"
    data = yaml.safe_load(site.read_text())
    data["medical_terms"] = ["blasts"]
    site.write_text(yaml.safe_dump(data))
    handout = project / "source/handouts/tiny.yaml"
    assert run_cli("--project", project, "check").code == 0
    handout.write_text(
        handout.read_text().replace(
            "      - p: Leukemia cells are called [blasts](glossary:blasts).",
            "      - p: Your doctor may talk about blasts.\n"
            "      - p: Leukemia cells are called [blasts](glossary:blasts).",
        )
    )
    result = run_cli("--project", project, "check")
    assert result.code == 1
    assert "'blasts' is not linked to the glossary where it is first used" in result.err


def test_medical_word_must_be_in_the_glossary(tmp_path):
    project = make_project(tmp_path)
    site = project / "source/site.yaml"
    data = yaml.safe_load(site.read_text())
    data["medical_terms"] = ["remission"]
    site.write_text(yaml.safe_dump(data))
    result = run_cli("--project", project, "check")
    assert result.code == 1 and "medical term 'remission' is not in the glossary" in result.err


def test_overdue_review_warns_and_fails_release(tmp_path):
    project = make_project(tmp_path)
    sign(project)  # signed: only the review date stands in the release's way
    later = dt.date(2027, 6, 1)  # the tiny handout is due 2027-01-15
    _, _, reports = check(config_for(project), today=later)
    assert reports[0].errors == () and "review was due 2027-01-15" in reports[0].warnings[0].message
    with pytest.raises(BuildErrors, match="review was due 2027-01-15"):
        check(config_for(project, release=True), today=later)
    soon = dt.date(2026, 12, 1)  # 45 days before: a warning, so the team has time
    _, _, reports = check(config_for(project), today=soon)
    assert "review is due 2027-01-15, in 45 days" in reports[0].warnings[0].message
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(
        handout.read_text().replace("next_review: 2027-01-15", "next_review: 2020-01-15")
    )
    assert run_cli("--project", project, "check").code == 0
    released = run_cli("--project", project, "check", "--release")
    assert released.code == 1 and "review was due 2020-01-15" in released.err
    built = run_cli("--project", project, "build", "--release", "--format", "html")
    assert built.code == 1 and "handout tiny in en-CA: review was due 2020-01-15" in built.err
    assert not (project / "output/en-CA").exists()


def test_review_report_for_the_editor(tmp_path):
    project = make_project(tmp_path)
    assert (
        run_cli("--project", project, "build", "--format", "pdf", "--edition", "standard").code == 0
    )
    result = run_cli("--project", project, "check", "--report")
    assert result.code == 0, result.err
    html = (project / "output/review.html").read_text()
    assert "Editor's review" in html
    assert re.search(r"<td>ok; outloud [0-9.]+: 0 errors, \d+ warnings</td>", html)
    assert (project / "output/review/en-CA-tiny.png").stat().st_size > 1000
    assert '<p class="fail">tiny: draft (never signed)' in html  # review status per handout
