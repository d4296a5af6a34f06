"""An OmegaT project folder for one locale, ready to open (or to run headless).

OmegaT's own XLIFF filter translates the text of each ``<target>``, so the XLIFF goes in
with the English in every target. The current translations go in ``tm/auto/`` as a TMX
memory in OmegaT's tag notation, each tied to its place in the file (the segments before
and after it), so OmegaT fills every segment with its own translation even where the
same English appears twice with different translations.
"""

from __future__ import annotations

from pathlib import Path

from .files import atomic_write
from .inline import Code, Node, Span, codes, parse_markdown, renumbered
from .xliff import ExportUnit, TmxEntry, write_tmx, write_xliff

__all__ = ["write_omegat_project"]

_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
FOLDERS = ("source", "target", "tm/auto", "glossary", "dictionary", "omegat")


def write_omegat_project(
    folder: Path, units: list[ExportUnit], locale: str, source_locale: str
) -> tuple[Path, Path]:
    """Write the project; return the XLIFF it translates and the memory beside it.
    OmegaT writes the translated XLIFF to ``target/`` under the same name."""
    for name in FOLDERS:
        (folder / name).mkdir(parents=True, exist_ok=True)
    settings = _PROJECT.format(source=source_locale, target=locale)
    atomic_write(folder / "omegat.project", settings.encode("utf-8"))
    name = f"{locale}.xlf"
    xliff = folder / "source" / name
    atomic_write(xliff, write_xliff(units, locale, source_locale, "1.2", source_in_target=True))
    memory = folder / "tm/auto" / f"{locale}-current.tmx"
    atomic_write(memory, write_tmx(_entries(units, name), source_locale, locale, tag_text))
    return xliff, memory


def _entries(units: list[ExportUnit], file_name: str) -> list[TmxEntry]:
    """Current translations (not stale, not missing) keyed by file and neighbours."""
    texts = [tag_text(unit.nodes, unit.nodes) for unit in units]
    entries = []
    for index, unit in enumerate(units):
        if unit.state not in ("translated", "approved") or unit.translation is None:
            continue
        props = {"file": file_name}
        if index > 0:
            props["prev"] = texts[index - 1]
        if index + 1 < len(units):
            props["next"] = texts[index + 1]
        target = renumbered(parse_markdown(unit.translation.text), unit.nodes)
        entries.append((unit.nodes, target, props))
    return entries


def tag_text(nodes: tuple[Node, ...], english: tuple[Node, ...]) -> str:
    """``nodes`` as OmegaT shows a segment: tags numbered from 0 in the order of the
    English (``<g0>…</g0>``), without a code that wraps the whole English (OmegaT leaves
    such codes out of the segment)."""
    while (
        len(english) == 1
        and isinstance(english[0], Span)
        and len(nodes) == 1
        and isinstance(nodes[0], Span)
        and nodes[0].id == english[0].id
    ):
        english, nodes = english[0].children, nodes[0].children
    numbers = {code.id: index for index, code in enumerate(codes(english))}
    return _tags(nodes, numbers)


def _tags(nodes: tuple[Node, ...], numbers: dict[str, int]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Code):
            out.append(f"<ph{numbers.get(node.id, 0)}/>")
        else:
            number = numbers.get(node.id, 0)
            out.append(f"<g{number}>{_tags(node.children, numbers)}</g{number}>")
    return "".join(out)
