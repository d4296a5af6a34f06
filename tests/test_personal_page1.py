"""The child's details where a parent looks first (issue 24, 3), read back from
personalized PDFs: the care team, the next appointment, the fever temperature and who to
call on page 1; typed numbers never broken and names never hyphenated; notes in mixed
directions keeping their punctuation. Each style rule is proved by a control render of
the same project with the rule taken out, which must show the fault."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pymupdf
import pytest
import yaml

from tests.base import REPO, first_by_default, make_project, personalize

SHEET = REPO / "examples/care-sheet.yaml"
# A filtered matrix: every direction and a non-Latin script, both editions, both papers.
# The default run keeps four of them (each direction, Gurmukhi, each edition and paper);
# CI all eight.
CASES = first_by_default(
    ("en-CA", "standard", "letter"),
    ("fr-CA", "large-print", "letter"),
    ("ar", "large-print", "a4"),
    ("pa", "standard", "a4"),
    ("en-CA", "large-print", "a4"),
    ("fr-CA", "standard", "a4"),
    ("ar", "standard", "letter"),
    ("pa", "large-print", "letter"),
    keep=4,
)
# The example sheet's appointment (2026-12-03 09:30) as each family's language prints it.
APPOINTMENT = {
    "en-CA": "December 3, 2026, 9:30",
    "fr-CA": "3 décembre 2026, 09 h 30",
    "ar": "ديسمبر",
    "pa": "3 ਦਸੰਬਰ 2026, 9:30",
}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("page1"), "real")


@pytest.mark.parametrize("locale, edition, paper", CASES)
def test_the_childs_details_are_on_page_1(real, tmp_path, locale, edition, paper):
    out = tmp_path / "child.pdf"
    args = ("--edition", edition, "--paper", paper)
    result = personalize(real, out, *args, locale=locale, sheet=SHEET)
    assert result.code == 0, result.err
    with pymupdf.open(out) as document:
        first = flat(document[0].get_text())
        notes = [n for n, page in enumerate(document) if "room 3B" in page.get_text()]
        links = [link.get("page") for link in document[0].get_links()]
    for typed in ("604-555-0100", "604-555-0199", "604-555-0142 ext 12", "38.3 °C"):
        assert typed in first, (typed, first)
    for typed in ("Dr. Alex Chen", "Nurse navigator", "Oncology clinic", APPOINTMENT[locale]):
        assert typed in first, (typed, first)
    # The notes stay in the care-team section; page 1 names its page and links to it.
    assert notes and notes[0] > 0 and "room 3B" not in first
    assert notes[0] in links and str(notes[0] + 1) in first


@pytest.mark.parametrize("locale", ["en-CA", "ar"])
def test_the_summary_says_where_the_notes_are(real, tmp_path, locale):
    out = tmp_path / "summary.pdf"
    result = personalize(real, out, "--edition", "summary", locale=locale, sheet=SHEET)
    assert result.code == 0, result.err
    with pymupdf.open(out) as document:
        assert len(document) == 1
        text = flat(document[0].get_text())
    assert "604-555-0142 ext 12" in text and "room 3B" not in text
    if locale == "en-CA":
        assert "Notes from your care team: in the full handout." in text


# Names and numbers never broken -------------------------------------------------------

LONG_SHEET = {
    "care_team": [
        {
            "name": "Dr. Bartholomew Featherstonehaugh",
            "role": "Pediatric hematology nurse practitioner",
            "phone": "+1 604 555 0142 ext 12",
            "after_hours": "+1 (604) 555 0199",
        }
    ],
    "fever_temperature": "38.3 °C",
    "call_right_away": {"who": "Oncology clinic", "phone": "+1 604 555 0199"},
}
# The rules under test (styles/content.css), and what the control render leaves out.
NAME_RULE = re.compile(r"^bdi\.name \{[^}]*\}\n", re.M)
NUMBER_RULE = re.compile(r"^bdi\.phone, bdi\.temperature \{[^}]*\}\n", re.M)
# The page-1 box squeezed into a narrow column, with hyphenation on everywhere (as on a
# phone screen: styles/screen.css), where only the rules keep names and numbers whole.
# A name's word cut at a line end with a hyphen (WeasyPrint draws U+2010).
HYPHENATED = re.compile(r"(Feath|Bartho|Pedi|hem|Oncology clin)\w*[-\u2010\u00ad]$")
NARROW = "\n.team-first { width: 62mm; } td, th, p { hyphens: auto; }\n"


def render_lines(project: Path, tmp_path: Path, sheet: dict, locale: str, name: str) -> list[str]:
    """Every line of text of the PDF personalized with ``sheet``, in reading order."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8")
    out = tmp_path / f"{name}.pdf"
    result = personalize(project, out, variant="general", locale=locale, sheet=path)
    assert result.code == 0, result.err
    with pymupdf.open(out) as document:
        return [
            "".join(span["text"] for span in line["spans"])
            for page in document
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", ())
        ]


def narrow_project(tmp_path: Path, without: list[re.Pattern[str]]) -> Path:
    project = make_project(tmp_path / ("control" if without else "rules"))
    css = project / "styles/content.css"
    text = css.read_text(encoding="utf-8")
    for rule in without:
        text, found = rule.subn("", text)
        assert found == 1, rule.pattern  # the rule is where this test expects it
    css.write_text(text + NARROW, encoding="utf-8")
    return project


def test_phone_numbers_and_names_stay_whole_in_a_narrow_box(tmp_path):
    numbers = ["+1 604 555 0142 ext 12", "+1 (604) 555 0199", "+1 604 555 0199", "38.3 °C"]
    ruled = render_lines(narrow_project(tmp_path, []), tmp_path, LONG_SHEET, "en-CA", "ruled")
    for number in numbers:
        assert any(number in line for line in ruled), (number, ruled)
    assert not [line for line in ruled if re.search(HYPHENATED, line)]
    # Without the rules the same box breaks the numbers and hyphenates the long words.
    control = narrow_project(tmp_path, [NAME_RULE, NUMBER_RULE])
    broken = render_lines(control, tmp_path, LONG_SHEET, "en-CA", "control")
    assert [n for n in numbers[:3] if not any(n in line for line in broken)], broken
    assert [line for line in broken if re.search(HYPHENATED, line)], broken


# Notes in mixed directions -----------------------------------------------------------

NOTE_DIR = 'dir="{{ line | direction }}"'


def glyph_places(pdf: Path, needle: str) -> list[tuple[str, float]]:
    """(character, x) of the line holding ``needle`` (its letters, in any order)."""
    with pymupdf.open(pdf) as document:
        for page in document:
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", ()):
                    chars = [(c["c"], c["bbox"][0]) for s in line["spans"] for c in s["chars"]]
                    if set(needle) <= {c for c, _ in chars}:
                        return chars
    raise AssertionError(f"no line with {needle!r}")


def period_side(pdf: Path, needle: str) -> str:
    """Which end of its line the note's closing period is printed at."""
    chars = glyph_places(pdf, needle)
    letters = [x for c, x in chars if unicodedata.category(c).startswith("L")]
    period = max(x for c, x in chars if c == ".")
    return "right" if period > max(letters) else "left" if period < min(letters) else "middle"


NOTES = {
    # A Latin line in the Arabic handout: it reads left to right, ending in ")." on the right.
    "ar": ("Bring the MRI report (room 3B).", "MRIport", "right"),
    # An Arabic line in the English handout: its period ends it on the left.
    "en-CA": ("أحضروا تقرير الرنين (الغرفة 3B).", "أحضروا", "left"),
}


@pytest.mark.parametrize("locale", first_by_default("ar", "en-CA"))
def test_mixed_direction_notes_keep_their_punctuation(tmp_path, locale):
    note, needle, side = NOTES[locale]
    sheet = {"notes": f"{note}\nOK", "care_team": [{"name": "Dr. Alex Chen"}]}
    project = make_project(tmp_path / "rules", "real" if locale == "ar" else "minimal")
    variant = "cns" if locale == "ar" else "general"
    path = tmp_path / "sheet.yaml"
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "notes.pdf"
    assert personalize(project, out, variant=variant, locale=locale, sheet=path).code == 0
    assert period_side(out, needle) == side
    # Control: the same notes without their own direction put the period on the far side.
    blocks = project / "layouts/partials/blocks.html.j2"
    text = blocks.read_text(encoding="utf-8")
    assert NOTE_DIR in text
    blocks.write_text(text.replace(NOTE_DIR, ""), encoding="utf-8")
    assert personalize(project, out, variant=variant, locale=locale, sheet=path).code == 0
    assert period_side(out, needle) != side
