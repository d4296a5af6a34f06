"""Structure-tree fixes WeasyPrint 70's PDF/UA mode cannot express, made before the file
is written (a WeasyPrint finisher working on its pydyf objects: no second parse, no
rewrite, so the file keeps its object streams and its size).

- Running heads and footers (page margin boxes) become ``/Artifact /Pagination``:
  WeasyPrint tags them as content but leaves them out of the tree (PDF/UA 7.8).
- Table header cells get ``/Scope`` (``/Column`` in ``thead``, ``/Row`` in ``tbody``):
  WeasyPrint never writes it, whatever the ``scope`` attribute says (PDF/UA 7.5).
- A table split across pages is one ``/Table`` again: the header row WeasyPrint repeats
  on each page becomes an artifact, and the rows of each page join the first part.
- Link annotations get the Print flag, so print and screen carry the same links.
- A link annotation WeasyPrint hangs on an inline box inside a link (a kept gloss,
  ``span.gloss``) moves up to the enclosing /Link (PDF/UA 7.18.5).
- Empty /Span elements (blanks to write on) leave the tree.
- A list set in columns is one /L again (WeasyPrint makes one per column).
- A picture drawn in HTML (layouts/partials/figures.html.j2) is one /Figure with the
  text alternative of the empty SVG it starts with, over all of its content.
- An image without a text alternative (the icons beside the urgent signs, hidden from
  assistive technology) becomes a ``/Artifact /Layout``.
- Element ids (table headers) are listed in the ``IDTree`` the ``/Headers`` refer through.

These lean on how WeasyPrint 70 builds the tree (``pdf/tags.py``): tests read the tree of
built files back, so an upgrade that changes it fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["fix_structure"]

_PRINT_FLAG = 4


def fix_structure(document: Any, pdf: Any) -> None:
    """Apply every structure fix to ``pdf`` (a ``pydyf.PDF``) rendered from ``document``."""
    tree = _Tree(pdf)
    _artifact_untreed_content(pdf, tree)
    _pictures_as_figures(tree)
    _hidden_images_as_artifacts(tree)
    _join_split_tables(document, tree)
    _join_list_columns(tree)
    _drop_empty_spans(tree)
    _scope_header_cells(tree)
    _link_annotations_in_links(tree)
    _print_links(pdf)
    _write_id_tree(pdf, tree)


class _Tree:
    """The structure tree of a pydyf PDF, references resolved."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.root = self.get(pdf.catalog["StructTreeRoot"])

    def get(self, reference: Any) -> Any:
        return self.pdf.objects[int(bytes(reference).split()[0])]

    def kids(self, element: Any) -> list[Any]:
        return [self.get(kid) for kid in element.get("K", ()) if isinstance(kid, bytes)]

    def walk(self, element: Any | None = None) -> Iterator[Any]:
        for kid in self.kids(element if element is not None else self.root):
            yield kid
            yield from self.walk(kid)

    def parent(self, element: Any) -> Any:
        return self.get(element["P"])

    def detach(self, element: Any) -> None:
        siblings = self.parent(element)["K"]
        siblings.remove(element.reference)


def _mcids(tree: _Tree, element: Any) -> Iterator[tuple[Any, int]]:
    """(page reference, MCID) of every marked-content sequence under ``element``."""
    for kid in element.get("K", ()):
        if isinstance(kid, int):
            yield element["Pg"], kid
        elif isinstance(kid, bytes) and tree.get(kid).get("Type") == "/StructElem":
            yield from _mcids(tree, tree.get(kid))


def _as_artifacts(tree: _Tree, sequences: set[tuple[Any, int]], kind: str = "/Pagination") -> None:
    """Turn marked-content sequences into artifacts of ``kind``, in the page streams and
    in the parent tree (an artifact has no structure element)."""
    by_page: dict[bytes, set[int]] = {}
    for page, mcid in sequences:
        by_page.setdefault(bytes(page), set()).add(mcid)
    nums = tree.get(tree.root["ParentTree"])["Nums"]
    for index, page_ref in enumerate(tree.pdf.page_references):
        mcids = by_page.get(bytes(page_ref), set())
        if not mcids:
            continue
        stream = tree.get(tree.get(page_ref)["Contents"]).stream
        found = set()
        for position, operand in enumerate(stream[:-1]):
            if isinstance(operand, dict) and operand.get("MCID") in mcids:
                if stream[position + 1] == b"BDC":
                    found.add(operand["MCID"])
                    stream[position - 1] = "/Artifact"
                    stream[position] = type(operand)({"Type": kind})
        if found != mcids:
            raise RuntimeError(f"page {index + 1}: marked content {mcids - found} not found")
        mapping = nums[nums.index(index) + 1]
        for mcid in mcids:
            mapping[mcid] = "null"


def _artifact_untreed_content(pdf: Any, tree: _Tree) -> None:
    """Content marked on a page whose element is not in the tree: margin boxes."""
    reachable = {element.number for element in tree.walk()}
    nums = tree.get(tree.root["ParentTree"])["Nums"]
    orphans: set[tuple[Any, int]] = set()
    for index, page_ref in enumerate(pdf.page_references):
        mapping = nums[nums.index(index) + 1]
        for mcid, reference in enumerate(mapping):
            if isinstance(reference, bytes) and tree.get(reference).number not in reachable:
                orphans.add((page_ref, mcid))
    _as_artifacts(tree, orphans)


def _pictures_as_figures(tree: _Tree) -> None:
    """A picture (``div.picture``) starts with an empty SVG, a /Figure of no size whose
    /Alt is the picture's text alternative: the picture's /Div becomes that /Figure, over
    every marked-content sequence inside it (its words and shapes are the picture, read
    through the /Alt, not one by one)."""
    nums = tree.get(tree.root["ParentTree"])["Nums"]
    for element in list(tree.walk()):
        box = element.get("A", {}).get("BBox") if element.get("S") == "/Figure" else None
        if box is None or "Alt" not in element or (box[0], box[1]) != (box[2], box[3]):
            continue
        picture = tree.parent(element)
        kids = tree.kids(picture)
        if picture.get("S") != "/Div" or not kids or kids[0] is not element:
            continue
        sequences = list(_mcids(tree, picture))
        picture["S"] = "/Figure"
        picture["Alt"] = element["Alt"]
        pages = {bytes(page) for page, _ in sequences}
        if len(pages) == 1:
            picture["Pg"] = sequences[0][0]
            picture["K"] = type(picture["K"])(mcid for _, mcid in sequences)
        else:
            picture["K"] = type(picture["K"])(
                type(picture)({"Type": "/MCR", "Pg": page, "MCID": mcid})
                for page, mcid in sequences
            )
        references = [bytes(page) for page in tree.pdf.page_references]
        for page, mcid in sequences:
            index = references.index(bytes(page))
            nums[nums.index(index) + 1][mcid] = picture.reference


def _hidden_images_as_artifacts(tree: _Tree) -> None:
    """An image with no text alternative left in the tree (an icon beside an urgent sign,
    ``aria-hidden``: its words are beside it) is decoration: a layout artifact, out of
    the tree. Pictures took their own shapes first (``_pictures_as_figures``)."""
    hidden = [e for e in tree.walk() if e.get("S") == "/Figure" and "Alt" not in e]
    sequences = {sequence for element in hidden for sequence in _mcids(tree, element)}
    for element in hidden:
        tree.detach(element)
    if sequences:
        _as_artifacts(tree, sequences, "/Layout")


def _cells(box: Any, table: Any = None) -> Iterator[tuple[Any, Any]]:
    """(HTML table element, cell box) of every tagged table cell under ``box``."""
    if getattr(box, "element_tag", None) == "table":
        table = box.element
    if getattr(box, "mark", None) is not None:
        yield table, box
    for child in getattr(box, "children", ()):
        yield from _cells(child, table)


def _table_of(tree: _Tree, element: Any) -> Any:
    while element.get("S") != "/Table":
        element = tree.parent(element)
    return element


def _join_split_tables(document: Any, tree: _Tree) -> None:
    """One ``/Table`` per HTML table: WeasyPrint makes one per page it spans."""
    first_table: dict[int, Any] = {}  # HTML table -> its first /Table element
    first_cell: dict[int, Any] = {}  # HTML cell -> its first /TH or /TD element
    renamed: dict[str, Any] = {}  # repeated header id -> the original's id
    continued: dict[int, Any] = {}  # later /Table number -> the first /Table
    for page in document.pages:
        for html_table, cell in _cells(page._page_box):
            table = _table_of(tree, cell.mark)
            original = first_table.setdefault(id(html_table), table)
            if original is not table:
                continued[table.number] = original
            seen = first_cell.setdefault(id(cell.element), cell.mark)
            if seen is not cell.mark and "ID" in cell.mark and "ID" in seen:
                renamed[str(cell.mark["ID"].string)] = seen["ID"]
    for number, original in continued.items():
        _join(tree, tree.pdf.objects[number], original)
    _join_lone_captions(tree)
    for element in tree.walk():
        headers = element.get("A", {}).get("Headers") if element.get("S") == "/TD" else None
        if headers:
            element["A"]["Headers"] = type(headers)(renamed.get(str(h.string), h) for h in headers)


def _join(tree: _Tree, part: Any, original: Any) -> None:
    """Move the rows of ``part`` into ``original``; a repeated header row becomes an
    artifact (it is read once, where the table starts)."""
    groups = {kid["S"]: kid for kid in tree.kids(original)}
    body = groups.get("/TBody")
    for kid in tree.kids(part):
        if kid["S"] == "/THead" and "/THead" in groups:
            _as_artifacts(tree, set(_mcids(tree, kid)))
            continue
        moved = tree.kids(kid) if kid["S"] == "/TBody" and body is not None else [kid]
        target = body if kid["S"] == "/TBody" and body is not None else original
        for element in moved:
            element["P"] = target.reference
            target["K"].append(element.reference)
    tree.detach(part)


def _join_lone_captions(tree: _Tree) -> None:
    """A caption left alone at the foot of a page goes back to the rest of its table,
    which is the next table of the document."""
    tables = [element for element in tree.walk() if element.get("S") == "/Table"]
    for table, following in zip(tables, tables[1:], strict=False):
        kids = tree.kids(table)
        if kids and all(kid["S"] == "/Caption" for kid in kids):
            for caption in reversed(kids):
                caption["P"] = following.reference
                following["K"].insert(0, caption.reference)
            tree.detach(table)


def _join_list_columns(tree: _Tree) -> None:
    """A list set in columns (the glossary) is tagged as one /L per column inside an /L:
    its items go back into the one list. (A nested list sits beside list items.)"""
    for element in list(tree.walk()):
        kids = tree.kids(element)
        if element.get("S") == "/L" and kids and all(kid["S"] == "/L" for kid in kids):
            element["K"] = type(element["K"])()
            for column in kids:
                for item in tree.kids(column):
                    item["P"] = element.reference
                    element["K"].append(item.reference)


def _drop_empty_spans(tree: _Tree) -> None:
    """An empty inline box (a blank to write on) is tagged as a /Span with nothing in it:
    it says nothing to a reader, so it leaves the tree."""
    for element in list(tree.walk()):
        if element.get("S") == "/Span" and not element.get("K"):
            tree.detach(element)


def _scope_header_cells(tree: _Tree) -> None:
    for element in tree.walk():
        if element.get("S") == "/TH":
            group = tree.parent(tree.parent(element))["S"]
            element["A"]["Scope"] = "/Column" if group == "/THead" else "/Row"


def _link_annotations_in_links(tree: _Tree) -> None:
    """WeasyPrint gives an inline box inside a link its own annotation, referenced from
    the box's element (a /Span): each such reference moves to the nearest /Link above,
    in the element's kids and in the parent tree."""
    nums = tree.get(tree.root["ParentTree"])["Nums"]
    for element in list(tree.walk()):
        if element.get("S") in (None, "/Link"):
            continue
        for kid in [k for k in element.get("K", ()) if isinstance(k, bytes)]:
            annotation = tree.get(tree.get(kid).get("Obj", kid))
            if annotation.get("Subtype") != "/Link":
                continue  # a structure element, or a form's widget
            link = _nearest_link(tree, element)
            if link is None:
                continue
            element["K"].remove(kid)
            link["K"].append(kid)
            nums[nums.index(annotation["StructParent"]) + 1] = link.reference


def _nearest_link(tree: _Tree, element: Any) -> Any | None:
    while "P" in element and element.get("S") is not None:
        element = tree.parent(element)
        if element.get("S") == "/Link":
            return element
    return None


def _print_links(pdf: Any) -> None:
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Annot" and obj.get("Subtype") == "/Link":
            obj["F"] = _PRINT_FLAG


def _write_id_tree(pdf: Any, tree: _Tree) -> None:
    named = sorted(
        (str(element["ID"].string), element) for element in tree.walk() if "ID" in element
    )
    if named:
        names = type(tree.root["K"])()
        for _, element in named:
            names.extend([element["ID"], element.reference])
        tree.root["IDTree"] = type(tree.root)({"Names": names})
