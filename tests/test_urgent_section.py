""" "When to call right away" is one unbreakable block (issue 19, 2): its heading, signs,
lines to write on and 911 line on one page of every PDF, in one column of the summary;
a section that cannot fit fails the build, located.

Read from the built PDFs: the named destinations WeasyPrint writes for the section's
heading (``when-to-call-title``) and its end mark (``when-to-call-end``, after the last
line) give page and column; the text of that page must hold the 911 line (and, in
English, the signs and the fill-in labels). Booklets (imposed, no destinations) are read
by the position of their text on the sheet.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from tests.base import (
    REPO,
    destinations,
    edit_yaml,
    first_by_default,
    make_project,
    personalize,
    run_cli,
)

SECTION = "when-to-call"
# In English: what must be on the section's page (and column): heading, a sign of each
# kind, the lines to write on, and the 911 line.
ENGLISH = ("When to call right away", "has a fever", "Who to call:", "Phone:", "911")


def split_problems(path: Path, locale: str, summary: bool) -> list[str]:
    """Why the urgent section of ``path`` (a tagged PDF in ``locale``; ``summary``: the
    two-column sheet) is not whole on one page (and one column); empty when it is."""
    names = (f"{SECTION}-title", f"{SECTION}-end", "handout-key-points")
    places = destinations(path, names)
    if not {names[0], names[1]} <= set(places):
        return [f"{path.name}: section heading or end mark missing ({sorted(places)})"]
    (page, x_start), (end_page, x_end) = places[names[0]], places[names[1]]
    problems = []
    if page != end_page:
        problems.append(f"{path.name}: heading on page {page + 1}, end on page {end_page + 1}")
    # The summary's urgent column runs from its heading to the other column (the key
    # points), which is beside it on the left in right-to-left text.
    other = places[names[2]][1] if summary else float("inf")
    right = other if other > x_start else float("inf")

    def in_column(x: float) -> bool:
        return x_start - 2 <= x < right

    if not in_column(x_end):
        problems.append(f"{path.name}: heading and end in different columns")
    needles = ENGLISH if locale == "en-CA" else ("911",)
    with pymupdf.open(path) as document:
        for needle in needles:
            hits = document[page].search_for(needle)
            if not any(in_column(hit.x0) for hit in hits):
                problems.append(f"{path.name}: {needle!r} not on page {page + 1} (column)")
    return problems


def booklet_problems(path: Path) -> list[str]:
    """An English booklet: the heading and the 911 line on the same half of one sheet side
    (each half is a page of the standard edition)."""
    # The heading's words also stand in cross-references ("see 'When to call right away',
    # page 2"), so any of their places with the 911 line on its half will do.
    seen = []
    with pymupdf.open(path) as document:
        for number, sheet in enumerate(document):
            half = sheet.rect.width / 2
            for heading in sheet.search_for(ENGLISH[0]):
                side = heading.x0 > half
                seen.append(number + 1)
                if any((hit.x0 > half) == side for hit in sheet.search_for("call 911")):
                    return []
    if seen:
        return [f"{path.name}: 911 line not beside its heading (sheets {seen})"]
    return [f"{path.name}: no heading 'When to call right away'"]


def all_problems(output: Path) -> tuple[int, list[str]]:
    pdfs = sorted(output.rglob("*.pdf"))
    problems: list[str] = []
    for path in pdfs:
        if ".booklet." not in path.name:
            problems += split_problems(path, path.parent.name, ".summary." in path.name)
        elif path.parent.name == "en-CA":
            problems += booklet_problems(path)
    return len(pdfs), problems


def test_urgent_section_is_whole_in_every_pdf_of_the_quick_build(real_build):
    output, _ = real_build
    count, problems = all_problems(output)
    # every English variant in four editions on Letter (the general one's and the CAR-T
    # summary on A4 too), two variants in five other locales (the general one on A4 too)
    assert count >= 8 * 4 + 4 + 1 + 5 * 2 + 5
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_urgent_section_is_whole_in_every_pdf_of_the_whole_matrix(full_build):
    output, _ = full_build
    count, problems = all_problems(output)
    assert count >= 8 * 6 * 4 * 2
    assert not problems, "\n".join(problems)


def test_the_check_finds_a_split_section(tmp_path):
    """The test's own reader sees a split: a PDF whose section runs over two pages (built
    with the build's check switched off) is reported."""
    import relapse_handouts.pdf as pdf_stage

    project = make_project(tmp_path, "real")
    lengthen_signs(project)
    check = pdf_stage._refuse_split_urgent
    pdf_stage._refuse_split_urgent = lambda *args: None
    try:
        result = run_cli(
            "--project", project, "build", "--variant", "cns", "--locale", "en-CA",
            "--format", "pdf", "--edition", "standard", "--paper", "letter", "-j", "1",
        )  # fmt: skip
    finally:
        pdf_stage._refuse_split_urgent = check
    assert result.code == 0, result.err
    problems = split_problems(project / "output/en-CA/relapsed-all-cns.letter.pdf", "en-CA", False)
    assert any("heading on page" in problem for problem in problems), problems


def lengthen_signs(project: Path) -> None:
    """Forty more signs: "when to call right away" no longer fits a page."""

    def change(data: dict) -> None:
        urgent = next(s for s in data["sections"] if s.get("role") == "urgent")
        signs = next(b for b in urgent["blocks"] if b.get("id") == "signs")
        signs["list"] += [
            {"text": f"has sign number {n} of a very long list", "icon": "fever"} for n in range(40)
        ]

    edit_yaml(project / "source/handouts/relapsed-all.yaml", change)


def test_a_section_that_cannot_fit_fails_the_build_located(tmp_path):
    project = make_project(tmp_path, "real")
    lengthen_signs(project)
    result = run_cli(
        "--project", project, "build", "--variant", "cns", "--locale", "en-CA",
        "--format", "pdf", "--edition", "standard", "--paper", "letter", "-j", "1",
    )  # fmt: skip
    assert result.code == 1
    assert "source/handouts/relapsed-all.yaml: error: sections.when-to-call:" in result.err
    assert "variant 'cns' in en-CA, standard edition (letter), runs from page" in result.err
    assert "hint: shorten the section's text in en-CA" in result.err
    assert not (project / "output/en-CA/relapsed-all-cns.letter.pdf").exists()


# The default run keeps Arabic (right to left, the longest lines of the three); CI all three.
@pytest.mark.parametrize(
    "locale",
    first_by_default("ar", "en-CA", "pa"),
)
def test_personalized_handouts_keep_the_section_whole(tmp_path, locale):
    """The care sheet's long "who to call" and number, in the standard, large-print and
    summary editions."""
    project = make_project(tmp_path, "real")
    problems = []
    for edition in ("standard", "large-print", "summary"):
        out = tmp_path / f"general-{locale}.{edition}.pdf"
        sheet = REPO / "examples/care-sheet.yaml"
        result = personalize(
            project, out, "--edition", edition, variant="general", locale=locale, sheet=sheet
        )
        assert result.code == 0, result.err
        problems += split_problems(out, locale, edition == "summary")
    assert not problems, "\n".join(problems)
