"""Translation units as XLIFF (1.2 or 2.0) and TMX, the files CAT tools exchange.

translate-toolkit makes the stores (files, units, ids, notes, languages); this module
only maps the project's units onto them: the stable unit id, the English, the current
translation with its state, a note with context, and inline Markdown as XLIFF inline
codes (``<g>``/``<ph>`` in 1.2, ``<pc>``/``<ph>`` in 2.0) so tools protect them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from translate.storage import tmx, xliff, xliff2

from .conditions import parse_condition
from .inline import COPYABLE, Code, Node, Span, codes, parse_markdown, renumbered
from .markup import plain_text
from .model import Project
from .resolve import variant_profile
from .translate import TranslatedUnit, TranslationReport
from .units import Unit, iter_units

__all__ = [
    "ExportUnit",
    "TmxEntry",
    "export_units",
    "write_xliff",
    "write_tmx",
    "NAMESPACES",
    "STATES",
]

NAMESPACES = {
    "1.2": "urn:oasis:names:tc:xliff:document:1.2",
    "2.0": "urn:oasis:names:tc:xliff:document:2.0",
}
# Our four states in each version: (state attribute, 2.0 subState).
STATES: dict[str, dict[str, tuple[str, str | None]]] = {
    "1.2": {
        "new": ("new", None),
        "needs-review": ("needs-review-translation", None),
        "translated": ("translated", None),
        "approved": ("signed-off", None),
    },
    "2.0": {
        "new": ("initial", None),
        "needs-review": ("initial", "relapse-handouts:needs-review"),
        "translated": ("translated", None),
        "approved": ("final", None),
    },
}
_KIND_12 = {"bold": "bold", "italic": "italic", "link": "link"}
_KIND_20 = {"bold": ("fmt", "xlf:b"), "italic": ("fmt", "xlf:i"), "link": ("link", None)}


class _Unit12(xliff.xliffunit):
    namespace = NAMESPACES["1.2"]


class _Xliff12(xliff.xlifffile):
    UnitClass = _Unit12
    namespace = NAMESPACES["1.2"]
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{NAMESPACES["1.2"]}'>
<file original='relapse-handouts' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


@dataclass(frozen=True)
class ExportUnit:
    unit: Unit
    nodes: tuple[Node, ...]
    translation: TranslatedUnit | None
    state: str  # new | needs-review | translated | approved
    note: str


def unit_state(unit: Unit, translated: TranslatedUnit | None) -> str:
    if translated is None or not translated.text.strip():
        return "new"
    if translated.source != unit.hash:
        return "needs-review"
    # Approved only when a named reviewer signed this unit's text; nothing else counts.
    return "approved" if translated.review and translated.review.signed else "translated"


def export_units(
    project: Project, report: TranslationReport | None, changed_only: bool
) -> list[ExportUnit]:
    """One entry per unit (only new and stale ones with ``changed_only``)."""
    data = project.model_dump()
    done = report.units if report else {}
    result = []
    for unit in iter_units(data):
        translated = done.get(unit.id)
        state = unit_state(unit, translated)
        if changed_only and state not in ("new", "needs-review"):
            continue
        nodes = parse_markdown(unit.text)
        note = _note(project, data, unit, nodes, translated if state == "needs-review" else None)
        result.append(ExportUnit(unit, nodes, translated, state, note))
    return result


def _note(
    project: Project,
    data: dict[str, Any],
    unit: Unit,
    nodes: tuple[Node, ...],
    stale: TranslatedUnit | None,
) -> str:
    lines = [_where(data, unit.path)]
    lines.append("Shown in: " + _variants(project, data, unit.path))
    terms = {term.id: term for term in project.glossary}
    if unit.path[0] == "glossary":
        term = project.glossary[unit.path[1]]
        lines.append(f"Glossary term '{term.term}': {plain_text(term.definition)}")
    for code in codes(nodes):
        if isinstance(code, Span) and code.kind == "link" and code.href:
            scheme, _, target = code.href.partition(":")
            if scheme == "glossary" and target in terms:
                meaning = plain_text(terms[target].definition)
                lines.append(f"Glossary: '{terms[target].term}' means: {meaning}")
    described = [_describe(code) for code in codes(nodes)]
    if described:
        lines.append(
            "Inline codes (keep each; move as needed; bold and italics may repeat): "
            + "; ".join(described)
        )
    if stale is not None:
        was = stale.en_was or stale.en or "?"
        lines.append(f"The English changed. The current translation was made from: {was}")
    return "\n".join(lines)


def _describe(code: Span | Code) -> str:
    if isinstance(code, Code):
        return f"{code.id} = code '{code.text}'"
    return f"{code.id} = {code.kind}" + (f" to {code.href}" if code.href else "")


def _where(data: dict[str, Any], path: tuple[Any, ...]) -> str:
    if path[0] == "handouts":
        handout = data["handouts"][path[1]]
        titles = [plain_text(handout["title"])]
        node: Any = handout
        for key in path[2:]:
            node = node[key]
            if isinstance(node, dict) and "title" in node and "blocks" in node:
                titles.append(plain_text(node["title"]))
        return "Where: " + " > ".join(titles)
    kinds = {"site": "every handout (title page, footer, 'About this handout')",
             "variants": "the variant's title and description (covers, web index)",
             "drugs": "the medicines table", "glossary": "the glossary"}  # fmt: skip
    return "Where: " + kinds.get(path[0], path[0])


def _variants(project: Project, data: dict[str, Any], path: tuple[Any, ...]) -> str:
    conditions = [node["when"] for node in _along(data, path) if node.get("when")]
    if path[0] == "variants":
        return project.variants[path[1]].id
    if not conditions:
        return "all variants"
    shown = [
        variant.id
        for variant in project.variants
        if all(
            parse_condition(text).holds(variant_profile(project.site, variant))
            for text in conditions
        )
    ]
    return ", ".join(shown) or "no variant at present"


def _along(data: Any, path: tuple[Any, ...]) -> Iterator[dict[str, Any]]:
    for key in path:
        data = data[key]
        if isinstance(data, dict):
            yield data


def write_xliff(
    units: list[ExportUnit], locale: str, source_locale: str, version: str, source_in_target: bool
) -> bytes:
    """The XLIFF file; every unit has a ``<target>`` (with ``source_in_target``, the
    English, for tools that translate the target text such as OmegaT's XLIFF filter)."""
    store: Any = _Xliff12() if version == "1.2" else xliff2.Xliff2File()
    store.setsourcelanguage(source_locale)
    store.settargetlanguage(locale)
    for entry in units:
        unit = store.UnitClass("")
        store.addunit(unit)
        unit.setid(entry.unit.id)
        _fill(unit.get_source_dom(), entry.nodes, version)
        unit.target = ""
        target = unit.get_target_dom()
        if source_in_target:
            _fill(target, entry.nodes, version)
        elif entry.translation is not None and entry.state != "new":
            _fill(target, renumbered(parse_markdown(entry.translation.text), entry.nodes), version)
        _mark(unit, target, entry, version)
    return bytes(store)


def _mark(unit: Any, target: Any, entry: ExportUnit, version: str) -> None:
    state, sub_state = STATES[version][entry.state]
    if version == "1.2":
        target.set("state", state)
        unit.xmlelement.set("approved", "yes" if entry.state == "approved" else "no")
        unit.addnote(entry.note, origin="developer")
        unit.addlocation(entry.unit.id)  # survives xliff2po / po2xliff as '#:'
        return
    segment = unit.xmlelement
    segment.set("state", state)
    if sub_state:
        segment.set("subState", sub_state)
    notes = etree.Element(f"{{{NAMESPACES['2.0']}}}notes")
    note = etree.SubElement(notes, f"{{{NAMESPACES['2.0']}}}note", category="context")
    note.text = entry.note
    unit.getunitelement().insert(0, notes)  # XLIFF 2.0: notes come before segments


def _fill(element: Any, nodes: tuple[Node, ...], version: str) -> None:
    """Put ``nodes`` into ``element`` as text and inline codes."""
    namespace = NAMESPACES[version]
    for node in nodes:
        if isinstance(node, str):
            _append_text(element, node)
            continue
        if isinstance(node, Code):
            child = etree.SubElement(element, f"{{{namespace}}}ph", id=node.id)
            if version == "1.2":
                child.set("ctype", "x-code")
                child.text = f"`{node.text}`"
            else:
                child.set("canCopy", "no")
                child.set("canDelete", "no")
                child.set("disp", f"`{node.text}`")
                child.set("equiv", node.text)
            continue
        if version == "1.2":
            child = etree.SubElement(element, f"{{{namespace}}}g", id=node.id)
            child.set("ctype", _KIND_12[node.kind])
        else:
            child = etree.SubElement(element, f"{{{namespace}}}pc", id=node.id)
            kind, sub_type = _KIND_20[node.kind]
            child.set("type", kind)
            if sub_type:
                child.set("subType", sub_type)
            if node.kind not in COPYABLE:
                child.set("canCopy", "no")
            child.set("canDelete", "no")
        _fill(child, node.children, version)


def _append_text(element: Any, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


TmxEntry = tuple[tuple[Node, ...], tuple[Node, ...], dict[str, str]]


def write_tmx(
    entries: list[TmxEntry],
    source_locale: str,
    locale: str,
    as_text: Callable[[tuple[Node, ...], tuple[Node, ...]], str] | None = None,
) -> bytes:
    """A TMX 1.4 memory of (English, translation, properties) entries. Inline codes are
    TMX ``<bpt>``/``<ept>``/``<ph>`` holding the Markdown they stand for, unless
    ``as_text(nodes, english)`` writes them as a tool's own tag text."""
    store = tmx.tmxfile(sourcelanguage=source_locale, targetlanguage=locale)
    store.document.getroot().find("header").set("segtype", "paragraph")
    for source, target, props in entries:
        unit = store.addsourceunit("")
        unit.target = ""
        segs = unit.xmlelement.findall("tuv/seg")
        for seg, nodes in zip(segs, (source, target), strict=True):
            if as_text:
                seg.text = as_text(nodes, source)
            else:
                _tmx_fill(seg, nodes)
        for position, (name, value) in enumerate(props.items()):
            prop = etree.Element("prop", type=name)
            prop.text = value
            unit.xmlelement.insert(position, prop)
    return bytes(store)


def _tmx_fill(seg: Any, nodes: tuple[Node, ...]) -> None:
    for node in nodes:
        if isinstance(node, str):
            _append_text(seg, node)
        elif isinstance(node, Code):
            etree.SubElement(seg, "ph", x=node.id).text = f"`{node.text}`"
        else:
            mark = _MARKS.get(node.kind, "")
            opening, closing = ("[", f"]({node.href})") if node.kind == "link" else (mark, mark)
            etree.SubElement(seg, "bpt", i=node.id, x=node.id, type=node.kind).text = opening
            _tmx_fill(seg, node.children)
            etree.SubElement(seg, "ept", i=node.id).text = closing


_MARKS = {"bold": "**", "italic": "*"}
