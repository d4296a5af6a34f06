"""Pictures that carry meaning (issue 25): each is in the variants that describe what it
shows and absent from the others, a PDF /Figure with its text alternative in the
locale's language, words as text (the Arabic timeline reads right to left), an image
with a text alternative in the web page, and read aloud only where it helps."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from relapse_handouts.audio.script import utterances
from relapse_handouts.html import Part
from relapse_handouts.i18n import ui_translations
from tests.base import REPO, make_project, pdf_text, personalize

FLOW = (
    "Picture: for trouble breathing, a seizure, or a child who is very hard to wake, call "
    "911 or go to the emergency department. For any other sign, call the number written "
    "in this box."
)
TIMELINE = (
    "Picture: treatment in three parts, one after the other: reinduction, then "
    "consolidation, then maintenance."
)
SITES = "Picture: the outline of a child's body"
CAR_T = "Picture: CAR T-cell therapy in four steps"


def figure_alts(path: Path) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree, in tree order."""
    reader = PdfReader(path)
    alts: list[str] = []

    def walk(element) -> None:  # type: ignore[no-untyped-def]
        element = element.get_object()
        if element.get("/S") == "/Figure" and "/Alt" in element:
            alts.append(str(element["/Alt"]))
        kids = element.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type", "/StructElem") == "/StructElem":
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def starting(alts: list[str], prefix: str) -> list[str]:
    return [alt for alt in alts if alt.startswith(prefix)]


def test_each_picture_is_where_its_variant_describes_it(real_build):
    output, _ = real_build
    general = figure_alts(output / "en-CA/relapsed-all.letter.pdf")
    assert starting(general, FLOW) and starting(general, TIMELINE)
    sites = starting(general, SITES)
    assert sites and all(w in sites[0] for w in ("Bone marrow", "Brain and spinal", "Testicles"))
    assert starting(general, CAR_T)
    # the CNS handout: its one site, its own treatments, no CAR T
    cns = figure_alts(output / "en-CA/relapsed-all-cns.letter.pdf")
    (cns_sites,) = starting(cns, SITES)
    assert "Brain and spinal cord" in cns_sites and "Bone marrow" not in cns_sites
    assert "Testicles" not in cns_sites
    (cns_timeline,) = starting(cns, TIMELINE)
    assert "Treatment for the brain and spinal cord" in cns_timeline
    assert "Radiation therapy" in cns_timeline and "CAR T" not in cns_timeline
    assert not starting(cns, CAR_T)
    # the refractory handout: no relapse site, no relapse treatment plan, CAR T steps
    refractory = figure_alts(output / "en-CA/refractory-all.letter.pdf")
    assert not starting(refractory, SITES) and not starting(refractory, TIMELINE)
    assert starting(refractory, CAR_T) and starting(refractory, FLOW)
    # the summary has the urgent flow alone; large print leaves the flow out (the box
    # must fit one page at 18 pt, and its first line says the same)
    assert figure_alts(output / "en-CA/relapsed-all.summary.a4.pdf") == [FLOW]
    large = figure_alts(output / "en-CA/relapsed-all.large-print.letter.pdf")
    assert not starting(large, FLOW) and starting(large, TIMELINE)


@pytest.mark.parametrize("locale", ["fr-CA", "es", "zh-Hans", "ar", "pa"])
def test_text_alternatives_are_in_the_locale(real_build, locale):
    output, _ = real_build
    _ = ui_translations(REPO / "source", locale, "en-CA").gettext
    alts = figure_alts(output / f"{locale}/relapsed-all.a4.pdf")
    assert _(FLOW) != FLOW and _(FLOW) in alts
    assert any(alt.startswith(_(TIMELINE)) for alt in alts)
    assert not any(alt.startswith("Picture") for alt in alts)
    # the words drawn in the picture are text of the locale too
    text = " ".join(
        page.extract_text()
        for page in PdfReader(output / f"{locale}/relapsed-all.a4.pdf").pages[:3]
    )
    assert "Any other sign in this box" not in text


def test_the_arabic_timeline_runs_right_to_left(real_build):
    output, _ = real_build
    _ = ui_translations(REPO / "source", "ar", "en-CA").gettext
    parts = [_("Reinduction"), _("Consolidation"), _("Maintenance")]
    with pymupdf.open(output / "ar/relapsed-all.letter.pdf") as document:
        for page in document:
            words = page.get_text("words")
            found = {}
            for part in parts:
                first = part.split()[0]
                hits = [w for w in words if w[4] == first or w[4].startswith(first)]
                if hits:
                    found[part] = max(hit[0] for hit in hits)
            if len(found) == 3:
                xs = [found[part] for part in parts]
                assert xs[0] > xs[1] > xs[2], xs  # first part on the right
                return
    pytest.fail("the three parts of the Arabic timeline were not found on one page")


def test_web_page_pictures_are_images_with_text_alternatives(real_build):
    output, _ = real_build
    page = lxml_html.parse(str(output / "ar/relapsed-all.html")).getroot()
    pictures = page.xpath("//div[@role='img']")
    assert len(pictures) == 4
    _ = ui_translations(REPO / "source", "ar", "en-CA").gettext
    assert _(FLOW) in [p.get("aria-label") for p in pictures]
    for picture in pictures:
        assert picture.get("aria-label") and not picture.get("aria-label").startswith("Picture")


def test_read_aloud_says_a_text_alternative_only_where_it_helps(real_build):
    output, _ = real_build
    page = lxml_html.parse(str(output / "en-CA/relapsed-all.html")).getroot()
    sections = {s.get("id"): s for s in page.iter("section")}
    parts = tuple(
        Part("section", anchor, anchor, lxml_html.tostring(sections[anchor], encoding="unicode"))
        for anchor in ("when-to-call", "treatment-overview", "car-t-cell-therapy")
    )
    spoken = [u.text for u in utterances(parts, "en-CA")]
    assert sum(TIMELINE in text for text in spoken) == 1  # the overview, once
    assert not any(FLOW in text or CAR_T in text for text in spoken)
    assert not any("Any other sign in this box" in text for text in spoken)


def test_medicine_tables_are_checklists(real_build):
    output, _ = real_build
    text = re.sub(
        r"\s+",
        " ",
        " ".join(
            p.extract_text() for p in PdfReader(output / "en-CA/relapsed-all.letter.pdf").pages
        ),
    )
    assert "In my child's plan" in text
    assert "Ask your child's care team which of these medicines your child will get" in text


def test_a_childs_handout_ticks_their_medicines(tmp_path):
    project = make_project(tmp_path, "real")
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text("medicines: [vincristine, cytarabine]\n", encoding="utf-8")
    out = tmp_path / "child.pdf"
    result = personalize(project, out, variant="general", locale="en-CA", sheet=sheet)
    assert result.code == 0, result.err
    text = pdf_text(out)
    assert "In my child's plan" in text and "Yes vincristine" in text
    assert "Yes cytarabine" in text and "which of these medicines" not in text
    # both say "Chemotherapy used in reinduction.": said once, not in every row
    assert text.count("Chemotherapy used in reinduction.") == 1
