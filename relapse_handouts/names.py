"""One name per medicine and per glossary term, in every language (issue 19).

Content names a medicine with ``{drug:ID}`` and a glossary term with ``{term:ID}``
(``{Drug:ID}``, ``{Term:ID}``: first letter upper case, at the start of a sentence). The
name is the one translation unit of drugs.yaml (``generic``) or glossary.yaml (``term``),
put in place after translating, so a translator writes each name once. ``name_problems``
is the check: a text that names a medicine or term in words instead of the reference, or
a glossary link whose words differ from the term's name, is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .markup import plain_text
from .model import Project
from .units import Unit, iter_units

__all__ = ["REFERENCE", "expand_names", "name_problems", "NameProblem", "references_in"]

REFERENCE = re.compile(r"\{(drug|Drug|term|Term):([a-z0-9]+(?:[-_][a-z0-9]+)*)\}")
_GLOSSARY_LINK = re.compile(r"\[([^\]]*)\]\(glossary:([a-z0-9-]+)\)")


def references_in(text: str) -> list[str]:
    """Each ``{drug:ID}``/``{term:ID}`` reference of ``text``, lower-cased kind."""
    return [f"{kind.lower()}:{ref_id}" for kind, ref_id in REFERENCE.findall(text)]


def _names(project: Project) -> dict[str, str]:
    names = {f"drug:{drug.id}": drug.generic for drug in project.drugs}
    names.update({f"term:{term.id}": term.term for term in project.glossary})
    return names


def _expand(text: str, names: Mapping[str, str]) -> str:
    def name(match: re.Match[str]) -> str:
        kind, ref_id = match.groups()
        found = names.get(f"{kind.lower()}:{ref_id}", match.group(0))
        return found[:1].upper() + found[1:] if kind[0].isupper() else found

    return REFERENCE.sub(name, text)


def expand_names(project: Project) -> Project:
    """A new ``Project`` whose texts carry the names in place of the references."""
    names = _names(project)
    data = project.model_dump()
    changed = False
    for unit in iter_units(data):
        expanded = _expand(unit.text, names)
        if expanded != unit.text:
            _set(data, unit.path, expanded)
            changed = True
    return Project.model_validate(data) if changed else project


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@dataclass(frozen=True)
class NameProblem:
    unit_id: str
    message: str
    hint: str


def name_problems(source: Project, translated: Project | None = None) -> Iterator[NameProblem]:
    """Texts of ``translated`` (or, without it, of ``source``, the English model) that
    name a medicine other than by its one name, or link a glossary term under other
    words than its name. In English a medicine is named by reference everywhere but in
    variant titles and descriptions (also shown where no reference is expanded); a
    translation of a text that names it in words must use the medicine's translated
    name, word for word."""
    target = translated or source
    english = {unit.id: unit for unit in iter_units(source.model_dump())}
    own = {f"drug.{drug.id}.generic" for drug in source.drugs}
    for unit in iter_units(target.model_dump()):
        if unit.id in own or unit.id.startswith("term."):
            continue
        words = REFERENCE.sub("", english[unit.id].text) if unit.id in english else ""
        for drug, drug_in_target in zip(source.drugs, target.drugs, strict=True):
            if not re.search(rf"(?<![\w-]){re.escape(drug.generic)}(?![\w-])", words, re.I):
                continue
            if translated is None and not unit.id.startswith("variant."):
                yield NameProblem(
                    unit.id,
                    f"names the medicine '{drug.generic}' in words",
                    f"write {{drug:{drug.id}}} ({{Drug:{drug.id}}} to start a sentence): "
                    "the name then comes from drugs.yaml, one translation for every use",
                )
            elif translated is not None and not _names_it(unit.text, drug_in_target.generic):
                yield NameProblem(
                    unit.id,
                    f"does not name {drug.id} as drugs.yaml does: '{drug_in_target.generic}'",
                    f"write the name exactly as in drug.{drug.id}.generic",
                )
        yield from _term_problems(unit, _names(target))


def _term_problems(unit: Unit, names: Mapping[str, str]) -> Iterator[NameProblem]:
    for words, term_id in _GLOSSARY_LINK.findall(unit.text):
        name = names.get(f"term:{term_id}")
        if name is None or REFERENCE.fullmatch(words.strip()):
            continue
        if _same_name(plain_text(words), name):
            continue
        yield NameProblem(
            unit.id,
            f"links the glossary term '{term_id}' as '{plain_text(words)}', not by its "
            f"name '{name}'",
            f"write [{{term:{term_id}}}](glossary:{term_id}), or the term's exact name",
        )


def _same_name(words: str, name: str) -> bool:
    """The link's words are the term's name: whole, or without its bracketed part
    ("outlook" for "outlook (prognosis)"), in any letter case; in Arabic, with or without
    the article al- and short-vowel marks (grammar, not another name)."""
    short = re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", name)
    return _normal(words) in (_normal(name), _normal(short))


def _normal(text: str) -> str:
    text = _ARABIC_MARKS.sub("", text.strip().casefold())
    return " ".join(word.removeprefix("ال") for word in text.split())


_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")


def _names_it(text: str, name: str) -> bool:
    return name.casefold() in text.casefold()
