"""A child's large print opens on full pages (issue 19, 6 and issue 24, 3): the title and
the care-team box on page 1, the safety box whole on page 2, the key points after it.
With the key points between the care team and the safety box, French Letter printed
them alone on page 2 and opened the safety box on page 3."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from pypdf import PdfReader

from tests.base import REPO, first_by_default, make_project, pdf_text, personalize
from tests.printed import body_bottom, urgent_page

SHEET = REPO / "examples/care-sheet.yaml"


def page_of(pdf: Path, anchor: str) -> int:
    """The page an element's id (a named destination) is on."""
    reader = PdfReader(pdf)
    return reader.get_destination_page_number(reader.named_destinations[anchor]) + 1


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("large"), "real")


# The default run keeps French on A4 and Arabic on Letter (each paper and direction);
# CI every locale on both papers.
@pytest.mark.parametrize(
    ("locale", "paper"),
    first_by_default(
        ("fr-CA", "a4"),
        ("ar", "letter"),
        *(
            (locale, paper)
            for locale in ("en-CA", "fr-CA", "ar", "pa")
            for paper in ("letter", "a4")
            if (locale, paper) not in {("fr-CA", "a4"), ("ar", "letter")}
        ),
        keep=2,
    ),
)
def test_a_childs_large_print_has_no_short_page_before_the_safety_box(
    real, tmp_path, locale, paper
):
    out = tmp_path / "child.pdf"
    args = ("--edition", "large-print", "--paper", paper)
    result = personalize(real, out, *args, variant="general", locale=locale, sheet=SHEET)
    assert result.code == 0, result.err
    safety = urgent_page(out)
    assert safety == 2, safety
    with pymupdf.open(out) as document:
        reach = [body_bottom(document[n], "large-print") for n in range(safety - 1)]
        first = document[0].get_text()
    assert min(reach) >= 0.5, reach
    # The care team is on page 1, the key points after the safety box.
    assert "604-555-0142 ext 12" in first
    assert page_of(out, "handout-key-points") >= safety


def test_a_large_print_without_a_care_sheet_keeps_the_key_points_first(real, tmp_path):
    out = tmp_path / "plain.pdf"
    args = ("--edition", "large-print", "--child-name", "Maya")
    result = personalize(real, out, *args, variant="general")
    assert result.code == 0, result.err
    text = pdf_text(out)
    assert text.index("Key points") < text.index("When to call right away")
