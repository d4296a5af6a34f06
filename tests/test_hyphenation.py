"""No word is split at a line end in any PDF, with a hyphen or without one (issue 19, 6):
families reading at grade 6 stumble on "leuk-emia", and more on "laboratori" / "o". The
text of every built PDF is extracted and each line that ends in a hyphen joined to a
letter, with a letter starting the next line, is a split word, unless the source itself
writes that word with a hyphen ("T-cell", "CAR-T"); so is a line ending in letters whose
next line's first letters make a word of the source with them."""

from __future__ import annotations

import pytest

from tests.printed import hyphenated_pdfs, split_words


def test_the_check_finds_a_hyphenated_word(tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "hyphenated.pdf"
    words = "Leukemia is a cancer of the blood cells; reinduction chemotherapy " * 6
    # A family the styles name: builds limit the renderer's fonts to those (fonts.py).
    style = 'width: 9em; hyphens: auto; font-family: "Noto Sans"'
    html = f"<html lang=\"en\"><p style='{style}'>{words}</p></html>"
    HTML(string=html).write_pdf(pdf)
    assert split_words(pdf)


def test_the_check_finds_a_word_cut_without_a_hyphen(tmp_path):
    """A box narrower than "chemotherapy" (the French and Spanish CAR T steps in large
    print cut "laboratori" / "o" so)."""
    from weasyprint import HTML

    pdf = tmp_path / "cut.pdf"
    style = 'width: 5em; overflow-wrap: break-word; font-family: "Noto Sans"'
    html = f"<html lang=\"en\"><p style='{style}'>Reinduction chemotherapy</p></html>"
    HTML(string=html).write_pdf(pdf)
    assert split_words(pdf) == ["page 1: Reinductio|n", "page 1: chemothe|rapy"]


def test_no_pdf_of_the_quick_build_splits_a_word(real_build):
    output, _ = real_build
    count, found = hyphenated_pdfs(output)
    # English: three editions of each variant on Letter, the general one's and the CAR-T
    # summary on A4; every other locale's standard (conftest.py, QUICK_BUILDS)
    assert count >= 8 * 3 + 3 + 1 + 5 * 2 + 5
    assert not found, f"words split at a line end: {found}"


@pytest.mark.slow
def test_no_pdf_of_the_whole_matrix_splits_a_word(full_build):
    output, _ = full_build
    count, found = hyphenated_pdfs(output)
    assert count >= 8 * 6 * 6
    assert not found, f"words split at a line end: {found}"
