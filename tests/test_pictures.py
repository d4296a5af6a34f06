"""Pictures that carry meaning (issue 25): each is in the variants that describe what it
shows and absent from the others, a PDF /Figure with its text alternative in the
locale's language, words as text (the Arabic timeline reads right to left), an image
with a text alternative in the web page, and read aloud only where it helps."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pymupdf
import pytest
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

from relapse_handouts.audio.script import utterances
from relapse_handouts.html import Part
from relapse_handouts.i18n import ui_translations
from tests.base import (
    REPO,
    destinations,
    edit_yaml,
    make_project,
    outloud_problems,
    pdf_text,
    personalize,
    run_cli,
)

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


def figure_alts(pdf: Path | PdfReader) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree, in tree order."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
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


# Each English sign and the icon beside it (source/handouts/relapsed-all.yaml).
SIGN_ICONS = {
    "has a fever": "fever",
    "is bleeding": "bleeding",
    "is confused": "confusion",
    "Cytokine release syndrome": "fever-chills",
    "Nervous system effects": "nervous-system",
}
EMERGENCY_ICONS = ("breathing", "seizure", "hard-to-wake")


def urgent_signs(root) -> list[tuple[str | None, str, str | None]]:  # type: ignore[no-untyped-def]
    """(icon name, words, aria-hidden) of every list entry in the urgent section of an
    HTML or XHTML tree; the icon is the entry's first element."""
    found = []
    for section in root.iter("{*}section"):
        if section.get("id") != "when-to-call":
            continue
        for entry in section.iter("{*}li"):
            first = next(iter(entry), None)
            classes = (first.get("class") or "").split() if first is not None else []
            name = next((c[5:] for c in classes if c.startswith("icon-")), None)
            hidden = first.get("aria-hidden") if name else None
            found.append((name, " ".join(entry.itertext()).strip(), hidden))
    return found


def check_signs(signs: list[tuple[str | None, str, str | None]], english: bool) -> None:
    assert len(signs) >= 3, signs
    for name, words, hidden in signs:
        assert name and hidden == "true", (name, words)  # every sign, hidden from AT
        if english:
            (expected,) = [icon for start, icon in SIGN_ICONS.items() if start in words]
            assert name == expected, words


def test_each_urgent_sign_has_its_icon_in_every_web_page_and_book(real_build):
    output, _ = real_build
    pages = sorted(output.rglob("*.html"))
    books = sorted(output.rglob("*.epub"))
    assert len(pages) >= 8 + 2 * 5 and len(books) >= 8 + 2 * 5
    nervous = 0
    for page in pages:
        if page.parent == output:
            continue  # the catalog
        signs = urgent_signs(lxml_html.parse(str(page)).getroot())
        check_signs(signs, page.parent.name == "en-CA")
        nervous += any(name == "nervous-system" for name, _, _ in signs)
    for book in books:
        with zipfile.ZipFile(book) as archive:
            chapters = [
                etree.fromstring(archive.read(name))
                for name in archive.namelist()
                if name.endswith(".xhtml") and b'id="when-to-call"' in archive.read(name)
            ]
        assert len(chapters) == 1, book
        check_signs(urgent_signs(chapters[0]), book.parent.name == "en-CA")
    assert nervous  # the CAR T and blinatumomab signs have theirs


def layout_artifacts(reader: PdfReader, page: int) -> int:
    """How many ``/Artifact <</Type /Layout>>`` sequences (the icons) page ``page`` draws."""
    data = reader.pages[page].get_contents().get_data()  # type: ignore[union-attr]
    return len(re.findall(rb"/Artifact\s*<<\s*/Type\s*/Layout\s*>>\s*BDC", data))


def test_urgent_sign_icons_are_artifacts_beside_the_signs_in_every_pdf(real_build):
    """On the urgent section's page, one layout artifact per sign (the web page of the same
    handout counts them), and three more beside the 911 line in large print; none of
    them is a /Figure without a text alternative."""
    output, _ = real_build
    pdfs = [p for p in sorted(output.rglob("*.pdf")) if ".booklet." not in p.name]
    # conftest.py, QUICK_BUILDS: English, 8 variants x 3 editions on Letter, the general
    # one's and the CAR-T summary on A4; 5 locales x 2 variants, and the general on A4
    assert len(pdfs) >= 8 * 3 + 3 + 1 + 5 * 2 + 5
    for pdf in pdfs:
        handout = pdf.name.split(".")[0]
        page = lxml_html.parse(str(pdf.parent / f"{handout}.html")).getroot()
        expected = len(urgent_signs(page)) + (3 if ".large-print." in pdf.name else 0)
        reader = PdfReader(pdf)  # one reader: pypdf parses a PDF's object streams per reader
        (place,) = destinations(reader, ("when-to-call-title",)).values()
        assert layout_artifacts(reader, place[0]) == expected, pdf
        assert figure_alts(reader) and not untitled_figures(reader), pdf


def untitled_figures(reader: PdfReader) -> int:
    """/Figure elements of the structure tree with no /Alt."""
    count = 0
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        element = todo.pop().get_object()
        count += element.get("/S") == "/Figure" and "/Alt" not in element
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type", "/StructElem") == "/StructElem":
                todo.append(kid)
    return count


def test_the_flow_shows_the_emergency_icons_inside_its_picture(real_build):
    output, _ = real_build
    page = lxml_html.parse(str(output / "ar/relapsed-all.html")).getroot()
    (flow,) = page.xpath("//div[contains(@class, 'picture-flow')]")
    icons = flow.xpath(".//*[contains(@class, 'sign-icon')]")
    assert [i.get("class").split()[1] for i in icons] == [f"icon-{n}" for n in EMERGENCY_ICONS]
    assert all(icon.get("aria-hidden") == "true" for icon in icons)


def test_icons_pass_outloud_in_each_script_and_edition(real_build):
    output, _ = real_build
    for name in (
        "en-CA/relapsed-all.large-print.letter.pdf",
        "en-CA/car-t-cell-therapy.summary.a4.pdf",
        "ar/relapsed-all.a4.pdf",
        "pa/relapsed-all-cns.letter.pdf",
    ):
        assert outloud_problems(output / name) == [], name


def broken_sign(project: Path, sign: str | dict) -> str:
    """``check``'s errors once the first urgent sign is ``sign``."""

    def change(data: dict) -> None:
        urgent = next(s for s in data["sections"] if s.get("role") == "urgent")
        signs = next(b for b in urgent["blocks"] if b.get("id") == "signs")
        signs["list"][0] = sign

    edit_yaml(project / "source/handouts/relapsed-all.yaml", change)
    result = run_cli("--project", project, "check")
    assert result.code == 1
    return result.err


def test_a_sign_with_an_unknown_icon_or_none_fails_check_located(tmp_path):
    project = make_project(tmp_path, "real")
    err = broken_sign(project, {"text": "has a fever", "icon": "blood"})
    assert "source/handouts/relapsed-all.yaml:" in err
    assert "sections[0].blocks[2].list.list[0].icon" in err
    assert "no icon is drawn for 'blood': use one of fever (a thermometer)" in err
    err = broken_sign(project, "has a fever")
    assert "source/handouts/relapsed-all.yaml:" in err
    assert "sections[0].blocks[2].list[0].icon" in err
    assert "a sign in the urgent section has no icon" in err and "'icon: NAME'" in err


def test_ace_finds_nothing_in_a_book_with_icons_and_pictures(real_build):
    """Ace by DAISY on the Arabic general book (every picture, every icon, right to left);
    axe-core checks the web pages (tests/test_web_accessibility.py)."""
    from relapse_handouts.checkers import ace_check

    result = ace_check(real_build[0] / "ar/relapsed-all.epub")
    assert not result.failed_to_run and result.findings == ()
