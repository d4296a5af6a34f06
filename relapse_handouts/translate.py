"""Stage 1b: the content model in another language.

Translations live in ``source/translations/<locale>.yaml``, one unit per stable source id
(see ``units.py``), each recording the hash of the English it translates. Translating
swaps texts in the model (never in the HTML) and re-validates it. A missing unit is an
error; a stale one (the English changed since) is a warning; English is never used in
place of a missing translation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ErrorCollector, HandoutError, Location
from .files import within
from .markup import link_targets
from .model import LocaleTag, Project, Review
from .names import expand_names, name_problems, references_in
from .units import Unit, iter_units
from .validation import report_invalid
from .yamlfile import YamlReader, read_yaml

__all__ = [
    "TranslationReport",
    "translation_path",
    "load_translation",
    "translate_project",
    "translation_skeleton",
    "translate_all",
]


class TranslatedUnit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(pattern=r"^[0-9a-f]{12}$")
    text: str
    en: str | None = None  # the current English, for the translator's eyes only
    en_was: str | None = None  # the English a stale text was made from
    review: Review | None = None


class TranslationFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    locale: LocaleTag
    units: dict[str, TranslatedUnit] = {}


@dataclass(frozen=True)
class TranslationReport:
    locale: str
    path: Path
    missing: tuple[str, ...]
    stale: tuple[str, ...]
    obsolete: tuple[str, ...]
    units: dict[str, TranslatedUnit]


def translation_path(source_dir: Path, locale: str) -> Path:
    folder = source_dir / "translations"
    return within(folder, f"{locale}.yaml", shown=Path("source/translations"), root=source_dir)


def load_translation(
    project: Project, source_dir: Path, locale: str, shown: Path, read: YamlReader = read_yaml
) -> TranslationReport:
    """Read and check one locale's file against the current source units."""
    path = translation_path(source_dir, locale)
    if not os.path.lexists(path):
        raise HandoutError(
            f"no translation file for {locale}",
            Location(shown),
            hint=f"run 'make_docs.py translations update --locale {locale}'",
        )
    file = read(path, shown, (source_dir,))
    try:
        data = TranslationFile.model_validate(file.data)
    except ValidationError as error:
        errors = ErrorCollector()
        report_invalid(error, file.locate, errors)
        errors.raise_if_any()
        raise
    units = {unit.id: unit for unit in iter_units(project.model_dump())}
    done = {key: unit for key, unit in data.units.items() if unit.text.strip()}
    _check_links(units, done, file)
    return TranslationReport(
        locale=locale,
        path=shown,
        missing=tuple(key for key in units if key not in done),
        stale=tuple(
            key for key, unit in units.items() if key in done and done[key].source != unit.hash
        ),
        obsolete=tuple(key for key in data.units if key not in units),
        units=done,
    )


def _check_links(units: dict[str, Unit], done: dict[str, TranslatedUnit], file: Any) -> None:
    errors = ErrorCollector()
    for key, translated in done.items():
        if key in units and sorted(references_in(units[key].text)) != sorted(
            references_in(translated.text)
        ):
            errors.add(
                "the translation must keep the names of the English as references: "
                f"{', '.join(sorted(references_in(units[key].text))) or 'none'}",
                file.locate(("units", key, "text")),
                field=f"units.{key}.text",
                hint="write each {drug:ID} or {term:ID} as in the English (upper case "
                "{Drug:ID} may start a sentence); the name comes from its own unit",
            )
        if key in units and sorted(link_targets(units[key].text)) != sorted(
            link_targets(translated.text)
        ):
            errors.add(
                "the translation must keep the links of the English: "
                f"{', '.join(sorted(link_targets(units[key].text))) or 'none'}",
                file.locate(("units", key, "text")),
                field=f"units.{key}.text",
                hint="keep each [word](target) with the same target; translate the word",
            )
    errors.raise_if_any()


def translate_project(project: Project, report: TranslationReport) -> Project:
    """A new ``Project`` whose texts are ``report``'s translations; refuses missing units."""
    if report.missing:
        raise HandoutError(
            f"{len(report.missing)} unit(s) not translated into {report.locale}, first: "
            f"{', '.join(report.missing[:3])}",
            Location(report.path),
            field="units",
            hint=f"translate them, or run 'make_docs.py translations update --locale "
            f"{report.locale}' to add them to the file",
        )
    data = _thawed(project.model_dump())
    for unit in iter_units(data):
        _set(data, unit.path, report.units[unit.id].text)
    return Project.model_validate(data)


def _thawed(data: Any) -> Any:
    """The dumped model with tuples as lists, so translated texts can be put in place."""
    if isinstance(data, dict):
        return {key: _thawed(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_thawed(value) for value in data]
    return data


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def translation_skeleton(project: Project, report: TranslationReport | None, locale: str) -> str:
    """The locale's file with every current unit: kept translations, blanks for new ones,
    and the current English beside each so translators see what changed."""
    previous = report.units if report else {}
    units: dict[str, dict[str, Any]] = {}
    for unit in iter_units(project.model_dump()):
        old = previous.get(unit.id)
        entry: dict[str, Any] = {
            "source": old.source if old else unit.hash,
            "en": unit.text,
            "text": old.text if old else "",
        }
        if old and old.source != unit.hash:
            entry["en_was"] = old.en_was or old.en  # stale: the English it was made from
        if old and old.review:
            entry["review"] = old.review.model_dump(mode="json", exclude_none=True)
        units[unit.id] = entry
    header = (
        f"# Content translation into {locale}. Keyed by the stable ids of the English.\n"
        "# 'source' is the hash of the English each text translates; after updating a\n"
        "# stale text, set 'source' to the hash shown by 'make_docs.py translations"
        " status'.\n"
    )
    return header + yaml.safe_dump(
        {"locale": locale, "units": units}, allow_unicode=True, sort_keys=False, width=88
    )


def _refuse_other_names(
    project: Project, translated: Project | None, shown: Path, errors: ErrorCollector
) -> None:
    """One name per medicine and glossary term (names.py): each other name is an error."""
    for problem in name_problems(project, translated):
        where = shown if translated is not None else Path("source")
        errors.add(
            problem.message,
            Location(where),
            field=f"units.{problem.unit_id}" if translated is not None else problem.unit_id,
            hint=problem.hint,
        )


def translate_all(
    project: Project,
    source_dir: Path,
    root: Path,
    locales: tuple[str, ...],
    read: YamlReader = read_yaml,
) -> tuple[dict[str, Project], tuple[HandoutError, ...]]:
    """The content model per locale, plus warnings for stale and obsolete units."""
    errors, warnings = ErrorCollector(), []
    projects: dict[str, Project] = {}
    for locale in locales:
        if locale == project.site.source_locale:
            _refuse_other_names(project, None, Path("source"), errors)
            projects[locale] = expand_names(project)
            continue
        shown = translation_path(source_dir, locale).relative_to(root)
        try:
            report = load_translation(project, source_dir, locale, shown, read)
            translated = translate_project(project, report)
            _refuse_other_names(project, translated, shown, errors)
            projects[locale] = expand_names(translated)
        except HandoutError as error:
            errors.extend(error)
            continue
        warnings += _unit_warnings(report, shown, locale)
    errors.raise_if_any()
    return projects, tuple(warnings)


def _unit_warnings(report: TranslationReport, shown: Path, locale: str) -> list[HandoutError]:
    """Warnings for a translation's units made from an older English text, and for units
    whose English is gone."""
    warnings = []
    if report.stale:
        warnings.append(
            HandoutError(
                f"{len(report.stale)} unit(s) translate an older English text: "
                f"{', '.join(report.stale[:5])}",
                Location(shown),
                field="units",
                hint="update the translations, then set their 'source' to the new hash "
                "('make_docs.py translations status' lists them)",
            )
        )
    if report.obsolete:
        warnings.append(
            HandoutError(
                f"{len(report.obsolete)} unit(s) no longer in the English: "
                f"{', '.join(report.obsolete[:5])}",
                Location(shown),
                field="units",
                hint=f"run 'make_docs.py translations update --locale {locale}'",
            )
        )
    return warnings
