"""``translations import FILE``: a translator's XLIFF back into the locale's YAML file.

The file is parsed first by defusedxml (no DTD, no entity declarations, no external
references: "billion laughs" and XXE are refused before anything else reads it), then by
translate-toolkit (lxml without entity resolution or network). Every unit is checked;
if any is refused nothing is written. Units whose English changed since the export are
reported stale and left out. Imported text is a draft: any sign-off it had is dropped.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree
from translate.storage import xliff, xliff2

from .errors import HandoutError, Location
from .inline import (
    COPYABLE,
    Code,
    Node,
    Span,
    codes,
    parse_markdown,
    plain,
    same_shape,
    to_markdown,
)
from .model import Project
from .translate import TranslatedUnit, TranslationReport
from .units import Unit, iter_units

__all__ = ["ImportResult", "read_xliff", "check_units"]

MAX_XLIFF_BYTES = 32 * 1024 * 1024
_VERSIONS = {
    "urn:oasis:names:tc:xliff:document:1.1": "1.2",
    "urn:oasis:names:tc:xliff:document:1.2": "1.2",
    "urn:oasis:names:tc:xliff:document:2.0": "2.0",
}
# Bidi embeddings, overrides and isolates, and the byte-order mark: invisible characters
# that can reorder or hide what a reader sees. LRM/RLM/ALM and ZWJ/ZWNJ are real
# characters of Arabic and Gurmukhi text and stay allowed.
_FORBIDDEN = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]}


@dataclass
class ImportResult:
    locale: str
    imported: dict[str, TranslatedUnit] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    stale: list[HandoutError] = field(default_factory=list)
    refused: list[HandoutError] = field(default_factory=list)


class _Refused(Exception):
    """One unit cannot be imported; the message says why."""


def read_xliff(data: bytes, shown: Path) -> tuple[Any, str]:
    """The toolkit store of a hardened-parsed XLIFF file, and its version."""
    try:
        root = defusedxml.ElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden):
        raise HandoutError(
            "the file has a DOCTYPE with a DTD or entities (refused: entity expansion and "
            "external entities come in that way; XLIFF needs neither)",
            Location(shown, 1),
            hint="export the file again from the translation tool; nothing was imported",
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise HandoutError(
            "the file refers to an external entity (refused: it could read other files)",
            Location(shown),
            hint="export the file again from the translation tool; nothing was imported",
        ) from None
    except ElementTree.ParseError as error:
        line = error.position[0] if error.position else None
        raise HandoutError(
            f"not well-formed XML ({error}); the file may be cut short",
            Location(shown, line),
            hint="download or export the file again; nothing was imported",
        ) from None
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    version = _VERSIONS.get(namespace)
    if version is None or root.tag.rpartition("}")[2] != "xliff":
        raise HandoutError(
            "not an XLIFF 1.2 or 2.0 file",
            Location(shown, 1),
            hint="import the .xlf file the translation tool wrote",
        )
    store_class: Any = xliff.xlifffile if version == "1.2" else xliff2.Xliff2File
    return store_class.parsestring(data), version


def file_language(store: Any, version: str) -> tuple[str, int | None]:
    """The target language the file declares, and the line that declares it."""
    root = store.document.getroot()
    if version == "2.0":
        return root.get("trgLang", ""), root.sourceline
    files = list(root.iter(f"{{{root.nsmap.get(None, '')}}}file"))
    languages = {element.get("target-language", "") for element in files}
    first = files[0] if files else root
    return (languages.pop() if len(languages) == 1 else ""), first.sourceline


def same_language(first: str, second: str) -> bool:
    return first.replace("_", "-").lower() == second.replace("_", "-").lower()


def check_units(
    store: Any, version: str, project: Project, report: TranslationReport | None, shown: Path
) -> ImportResult:
    """Sort every unit of the file into imported, unchanged, stale and refused."""
    units = {unit.id: unit for unit in iter_units(project.model_dump())}
    result = ImportResult(locale=report.locale if report else "")
    seen: set[str] = set()
    for file_unit in store.units:
        if file_unit.isheader():
            continue
        element = file_unit.xmlelement if version == "1.2" else file_unit.getunitelement()
        key = _our_id(element.get("id") or "", file_unit, version, units)
        where = Location(shown, element.sourceline)
        if key not in units:
            result.refused.append(
                HandoutError(
                    f"unit id {element.get('id')!r} is not one of this project's units",
                    where,
                    field="unit",
                    hint="import only files exported by 'make_docs.py translations export'",
                )
            )
            continue
        try:
            if key in seen:
                raise _Refused(f"unit {key} appears twice in the file")
            seen.add(key)
            _check_unit(file_unit, version, units[key], report, result, where)
        except _Refused as problem:
            result.refused.append(HandoutError(str(problem), where, field=key))
    return result


def _our_id(unit_id: str, file_unit: Any, version: str, units: dict[str, Unit]) -> str:
    if unit_id in units or version != "1.2":
        return unit_id
    # po2xliff numbers its units; our id travels as the PO's '#:' location, which it
    # writes back as a "po-reference" context. Nothing else stands in for an id.
    groups = file_unit.getcontextgroups("po-reference")
    locations = [value for group in groups for kind, value in group if kind == "sourcefile"]
    return locations[0] if len(locations) == 1 and locations[0] in units else unit_id


def _check_unit(
    file_unit: Any,
    version: str,
    unit: Unit,
    report: TranslationReport | None,
    result: ImportResult,
    where: Location,
) -> None:
    source = parse_markdown(unit.text)
    in_file = _nodes(file_unit.get_source_dom(), version)
    if _ids_only(in_file) != _ids_only(source):
        if plain(in_file) == plain(source):
            raise _Refused(
                "the inline codes of the English (bold, links) were lost on the way: a tool "
                "flattened them; translate the XLIFF this project exported"
            )
        result.stale.append(
            HandoutError(
                "stale: the English changed since this file was exported; not imported",
                where,
                field=unit.id,
                hint="export again ('translations export --changed-only') and translate it",
            )
        )
        return
    target = _bound(_nodes(file_unit.get_target_dom(), version), source)
    old = report.units.get(unit.id) if report else None
    if same_shape(target, source) and not (old and same_shape(parse_markdown(old.text), source)):
        raise _Refused("the target is the English copied over: the unit is not translated")
    text = to_markdown(target)
    if not same_shape(parse_markdown(text), target):
        raise _Refused(
            "a bold or italic code cannot be written back where it sits (Markdown needs a "
            "space or letter on its outer side): move it to whole words"
        )
    if old and old.source == unit.hash and same_shape(parse_markdown(old.text), target):
        result.unchanged.append(unit.id)
        return
    result.imported[unit.id] = TranslatedUnit(source=unit.hash, text=text, en=unit.text)


def _nodes(element: Any, version: str) -> tuple[Node, ...]:
    """The text and inline codes of a ``<source>`` or ``<target>``, edges stripped."""
    if element is None:
        raise _Refused("the unit has no <target>")
    nodes = _children(element, version)
    if nodes and isinstance(nodes[0], str):
        nodes = (nodes[0].lstrip(),) + nodes[1:]
    if nodes and isinstance(nodes[-1], str):
        nodes = nodes[:-1] + (nodes[-1].rstrip(),)
    return tuple(node for node in nodes if node != "")


def _ids_only(nodes: tuple[Node, ...]) -> tuple[object, ...]:
    """Text and code numbers (the kind of a code in a file is the English's anyway)."""
    return tuple(
        node
        if isinstance(node, str)
        else ("pair", node.id, _ids_only(node.children))
        if isinstance(node, Span)
        else ("one", node.id)
        for node in nodes
    )


_PAIRED = {"1.2": "g", "2.0": "pc"}


def _children(element: Any, version: str) -> tuple[Node, ...]:
    result: list[Node] = []
    _text(result, element.text)
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            _text(result, child.tail)
            continue
        name = child.tag.rpartition("}")[2]
        if name == "mrk":  # segmentation marks some tools add: their content counts
            for node in _children(child, version):
                if isinstance(node, str):
                    _text(result, node)
                else:
                    result.append(node)
        elif name == _PAIRED[version]:
            result.append(Span(child.get("id", ""), "", None, _children(child, version)))
        elif name == "ph":
            result.append(Code(child.get("id", ""), ""))
        else:
            raise _Refused(
                f"markup <{name}> in the target is not one of this file's inline codes: "
                "remove it (formatting travels only as the codes of the English)"
            )
        _text(result, child.tail)
    return tuple(result)


def _text(nodes: list[Node], text: str | None) -> None:
    if not text:
        return
    for char in text:
        if char in _FORBIDDEN or (unicodedata.category(char) == "Cc" and char != "\n"):
            raise _Refused(
                f"the target holds the invisible character U+{ord(char):04X} (control or "
                "direction override): retype the text without it"
            )
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] += text
    else:
        nodes.append(text)


def _bound(target: tuple[Node, ...], source: tuple[Node, ...]) -> tuple[Node, ...]:
    """The target's codes checked against the English and given their kind and link."""
    if not plain(target).strip():
        raise _Refused("the target is empty")
    wanted = {code.id: code for code in codes(source)}
    found = [code.id for code in codes(target)]
    for code_id in found:
        if code_id not in wanted:
            raise _Refused(f"inline code {code_id!r} is not in the English: remove it")
        original = wanted[code_id]
        copyable = isinstance(original, Span) and original.kind in COPYABLE
        if found.count(code_id) > 1 and not copyable:
            raise _Refused(f"inline code {code_id} ({_kind(wanted[code_id])}) appears twice")
    missing = [f"{key} ({_kind(code)})" for key, code in wanted.items() if key not in found]
    if missing:
        raise _Refused(f"inline code(s) missing from the target: {', '.join(missing)}")
    return _rebuilt(target, wanted)


def _rebuilt(nodes: tuple[Node, ...], wanted: dict[str, Span | Code]) -> tuple[Node, ...]:
    result: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            result.append(node)
            continue
        original = wanted[node.id]
        if type(original) is not type(node):
            raise _Refused(f"inline code {node.id} changed from paired to single or back")
        if isinstance(node, Span) and isinstance(original, Span):
            children = _rebuilt(node.children, wanted)
            if not plain(children).strip():
                raise _Refused(f"inline code {node.id} ({_kind(original)}) holds no words")
            result.append(Span(node.id, original.kind, original.href, children))
        else:
            result.append(original)
    return tuple(result)


def _kind(code: Span | Code) -> str:
    if isinstance(code, Code):
        return f"code '{code.text}'"
    return f"link to {code.href}" if code.href else code.kind
