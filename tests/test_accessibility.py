"""Accessibility of the built files, proven by reading them back and by outloud.

The PDF structure tree is read back with pypdf (table header scopes, lists, artifacts,
one /Table per table), and outloud must find no error and no unexplained warning."""

from __future__ import annotations

import re

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from relapse_handouts import build
from relapse_handouts.checkers import EXPLAINED_PDF_WARNINGS
from tests.base import REPO, config_for, font_sizes, make_project, outloud_problems, pdf_text

# A long drug table over pages (large print), a one-medicine table that once lost its
# header (fr-CA CAR T, large print), right to left (ar), and a standard English handout.
REFERENCE_URLS = {
    ref["url"]
    for ref in yaml.safe_load((REPO / "source/references.yaml").read_text(encoding="utf-8"))[
        "references"
    ]
    if "url" in ref
}
NARROW = [
    ("en-CA", "general", "standard", "relapsed-all.a4.pdf"),
    ("en-CA", "general", "large-print", "relapsed-all.large-print.a4.pdf"),
    ("fr-CA", "car-t", "large-print", "car-t-cell-therapy.large-print.a4.pdf"),
    ("ar", "general", "standard", "relapsed-all.a4.pdf"),
    ("pa", "cns", "large-print", "relapsed-all-cns.large-print.a4.pdf"),
]


@pytest.fixture(scope="module")
def narrow_pdfs(real_build, tmp_path_factory):
    """The ``NARROW`` PDFs: those of the session build (conftest.py, QUICK_BUILDS) read
    there, the others built."""
    output, _ = real_build
    project = make_project(tmp_path_factory.mktemp("a11y"), "real")
    paths = []
    for locale, variant, edition, name in NARROW:
        made = output / locale / name
        if not made.is_file():
            config = config_for(
                project,
                locales=(locale,),
                variants=(variant,),
                formats=("pdf",),
                papers=("a4",),
                editions=(edition,),
                jobs=1,
            )
            assert build(config).warnings == ()
            made = project / "output" / locale / name
        paths.append(made)
    return paths


def elements(reader: PdfReader):
    """Every structure element in tree order, with the /S of its ancestors (nearest last)."""

    def walk(node, ancestors):
        kids = node.get("/K")
        kids = kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []
        for kid in kids:
            if not isinstance(kid, IndirectObject | DictionaryObject):
                continue
            element = kid.get_object()
            if element.get("/Type") in ("/OBJR", "/MCR") or "/S" not in element:
                continue
            yield element, ancestors
            yield from walk(element, (*ancestors, element["/S"]))

    yield from walk(reader.trailer["/Root"]["/StructTreeRoot"], ())


def test_table_header_cells_have_a_scope(narrow_pdfs):
    for path in narrow_pdfs:
        cells = [(e, up) for e, up in elements(PdfReader(path)) if e["/S"] == "/TH"]
        assert cells, path
        for cell, ancestors in cells:
            group = ancestors[-2]  # TH < TR < THead or TBody
            assert group in ("/THead", "/TBody"), (path, ancestors)
            assert cell["/A"]["/Scope"] == ("/Column" if group == "/THead" else "/Row"), path


def test_each_table_is_one_table_with_one_header_row(narrow_pdfs):
    split_tables = 0
    for path in narrow_pdfs:
        reader = PdfReader(path)
        for element, _ in elements(reader):
            if element["/S"] != "/Table":
                continue
            kinds = [kid.get_object()["/S"] for kid in element["/K"]]
            assert kinds[0] == "/Caption", path
            assert kinds.count("/THead") == 1 and kinds.count("/TBody") == 1, (path, kinds)
            body = next(k.get_object() for k in element["/K"] if k.get_object()["/S"] == "/TBody")
            pages = {row.get_object().raw_get("/Pg").idnum for row in body["/K"]}
            split_tables += len(pages) > 1
    assert split_tables >= 1  # the large-print drug table runs over pages, as one /Table


def test_glossary_and_facts_are_real_lists(narrow_pdfs):
    for path in narrow_pdfs:
        items = [up for e, up in elements(PdfReader(path)) if e["/S"] == "/LI"]
        assert items
        assert {up[-1] for up in items} == {"/L"}, path
        lists = [e for e, _ in elements(PdfReader(path)) if e["/S"] == "/L"]
        for element in lists:
            assert {kid.get_object()["/S"] for kid in element["/K"]} == {"/LI"}, path


def test_running_heads_and_footers_are_pagination_artifacts(narrow_pdfs):
    for path in narrow_pdfs:
        reader = PdfReader(path)
        tree = reader.trailer["/Root"]["/StructTreeRoot"]
        reachable = {e.indirect_reference.idnum for e, _ in elements(reader)}
        nums = tree["/ParentTree"]["/Nums"]
        for index in range(0, len(nums), 2):
            mapping = nums[index + 1].get_object()
            if isinstance(mapping, ArrayObject):  # a page: one entry per MCID
                for entry in mapping:
                    if isinstance(entry, IndirectObject):
                        assert entry.idnum in reachable, (path, nums[index])
        for number, page in enumerate(reader.pages):
            content = page.get_contents().get_data()
            # Every page but the first (no running head) has head, footer and page number.
            artifacts = len(re.findall(rb"/Artifact\s*<</Type /Pagination>>\s*BDC", content))
            assert artifacts >= (2 if number else 1), (path, number)
            assert re.search(rb"/Span\s*<</MCID \d+>>\s*BDC", content), (path, number)


def test_links_are_printed_and_reference_addresses_are_links(narrow_pdfs):
    linked = 0
    for path in narrow_pdfs:
        reader = PdfReader(path)
        uris = set()
        for page in reader.pages:
            for annotation in page.get("/Annots", []):
                annotation = annotation.get_object()
                assert annotation["/F"] & 4, path  # the Print flag
                if "/A" in annotation:
                    uris.add(annotation["/A"]["/URI"])
        # Every address in the handout's own reference list is a link.
        text = re.sub(r"\s+", "", pdf_text(path))
        listed = {url for url in REFERENCE_URLS if url in text}
        assert listed <= uris, (path, listed - uris)
        linked += len(listed)
    assert linked  # some of these handouts cite a source with an address


def parent_tree(reader: PdfReader) -> dict[int, object]:
    """The structure tree's /ParentTree: StructParent key -> what it maps to."""
    found: dict[int, object] = {}
    nodes = [reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()]
    while nodes:
        node = nodes.pop()
        nums = node.get("/Nums", [])
        found.update({int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)})
        nodes.extend(kid.get_object() for kid in node.get("/Kids", []))
    return found


def test_every_link_annotation_belongs_to_a_link_element(narrow_pdfs):
    # PDF/UA 7.18.5. A gloss kept on one line inside a link ("(T cells)", span.gloss)
    # got its own annotation from WeasyPrint, owned by the /Span (pdftags moves it up).
    for path in narrow_pdfs:
        reader = PdfReader(path)
        owners = parent_tree(reader)
        for number, page in enumerate(reader.pages, start=1):
            for annotation in page.get("/Annots", []):
                annotation = annotation.get_object()
                if annotation["/Subtype"] == "/Link":
                    owner = owners[annotation["/StructParent"]].get_object()
                    assert owner["/S"] == "/Link", (path.name, number, owner["/S"])


def test_outloud_finds_no_error_and_only_explained_warnings(narrow_pdfs):
    for path in narrow_pdfs:
        assert outloud_problems(path) == [], path


def test_every_character_of_large_print_is_at_least_18_pt(narrow_pdfs):
    """Running heads, footers, references and the QR caption included (APH: 18 pt)."""
    large = [path for path in narrow_pdfs if ".large-print." in path.name]
    assert len(large) == 3
    for path in large:
        sizes = font_sizes(path, digits=1)
        assert min(sizes) >= 18, (path.name, {s: t for s, t in sizes.items() if s < 18})


def test_docs_explain_every_accepted_outloud_warning():
    section = (REPO / "docs/accessibility.md").read_text(encoding="utf-8")
    for rule in EXPLAINED_PDF_WARNINGS:
        assert f"`{rule}`" in section, rule
