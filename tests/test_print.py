"""Print editions: type sizes, large print, booklet imposition, size budgets."""

from __future__ import annotations

import re
import statistics

import pytest
import yaml
from pypdf import PdfReader

from relapse_handouts import load_project
from relapse_handouts.i18n import is_latin_script
from relapse_handouts.pdfpost import booklet_order
from tests.base import REPO, config_for, make_project, run_cli, snapshot


def body_font_sizes(path) -> list[float]:
    """Rendered size (pt) of every text run on the pages, from the text matrices."""
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(round(abs(size * tm[3] * cm[3]), 1))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("edition, minimum", [("", 12), (".large-print", 18)])
def test_body_text_size(real_build, edition, minimum):
    output, _ = real_build
    sizes = body_font_sizes(output / f"en-CA/relapsed-all{edition}.letter.pdf")
    assert statistics.median(sizes) >= minimum


def test_large_print_is_tagged_and_has_the_same_content(real_build):
    output, _ = real_build
    large = PdfReader(output / "en-CA/relapsed-all.large-print.a4.pdf")
    standard = PdfReader(output / "en-CA/relapsed-all.a4.pdf")
    assert "/StructTreeRoot" in large.trailer["/Root"]
    assert len(large.pages) > len(standard.pages)
    squeeze = lambda r: re.sub(r"[\s\-]+", "", "".join(p.extract_text() for p in r.pages))  # noqa
    for phrase in ("intrathecalchemotherapy", "Kymriah", "Medicaldisclaimer"):
        assert phrase in squeeze(large) and phrase in squeeze(standard)


def test_booklet_order_matches_the_folding_rule():
    assert booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    # Right-to-left booklets bind on the right: the first page is on the left half.
    assert booklet_order(8, right_to_left=True) == [(0, 7), (6, 1), (2, 5), (4, 3)]


def side_pages(side, page_count: int) -> list[str]:
    """The source pages on an imposed sheet side, left to right: read from the order the
    side draws its halves (left first) and the footers ('Page k of n') in its text."""
    drawing = side.get_contents().get_data().decode()
    offsets = [
        float(x)
        for x in re.findall(r"cm /P\d Do", drawing)
        and re.findall(r" ([\d.]+) [\d.]+ cm /P\d Do", drawing)
    ]
    assert offsets == sorted(offsets)  # left half drawn first
    text = side.extract_text()
    found = re.findall(rf"Page (\d+) of {page_count}", text)
    return found + (["notes"] if "Notes" in text else [])


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_booklet_sheets_fold_into_reading_order(real_build, paper):
    output, _ = real_build
    pages = len(PdfReader(output / f"en-CA/relapsed-all.{paper}.pdf").pages)
    booklet = PdfReader(output / f"en-CA/relapsed-all.booklet.{paper}.pdf")
    padded = pages + (-pages) % 4
    assert len(booklet.pages) == padded // 2
    box = booklet.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape sheets
    for side, (left, right) in zip(booklet.pages, booklet_order(padded), strict=False):
        expected = [str(i + 1) for i in (left, right) if i < pages]
        expected += ["notes"] if pages in (left, right) else []
        assert side_pages(side, pages) == expected
    assert booklet.metadata.title.endswith("(booklet print file)")
    assert booklet.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipShortEdge"


def test_every_pdf_is_within_its_email_budget(real_build):
    output, result = real_build
    budget = load_project(config_for(REPO)).site.pdf_budget_kb
    assert (budget.latin, budget.other) <= (120, 700)  # small enough to email
    for artifact in result.built:
        if artifact.spec.format == "pdf":
            limit = budget.latin if is_latin_script(artifact.spec.locale) else budget.other
            assert len(artifact.data) <= limit * 1024, artifact.spec.path


def test_over_budget_pdf_fails_the_build(tmp_path):
    project = make_project(tmp_path)
    site = project / "source/site.yaml"
    data = yaml.safe_load(site.read_text())
    data["pdf_budget_kb"] = {"latin": 10}
    site.write_text(yaml.safe_dump(data))
    (project / "output").mkdir()
    before = snapshot(project / "output")
    result = run_cli("--project", project, "build", "--format", "pdf")
    assert result.code == 1
    assert re.search(r"en-CA/tiny\.letter\.pdf: error: \d+ KB is over the 10 KB budget", result.err)
    assert snapshot(project / "output") == before
