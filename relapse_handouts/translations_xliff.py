"""``translations export | tmx | import``: the translator's files for CAT tools."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .config import BuildConfig
from .errors import HandoutError, Location
from .files import atomic_write, read_bytes
from .inline import parse_markdown, renumbered
from .load import load_project
from .model import Project
from .omegat import write_omegat_project
from .translate import TranslationReport, load_translation, translation_path, translation_skeleton
from .xliff import TmxEntry, export_units, write_tmx, write_xliff
from .xliff_import import (
    MAX_XLIFF_BYTES,
    check_units,
    file_language,
    read_xliff,
    same_language,
)

__all__ = ["run_exchange"]


def run_exchange(config: BuildConfig, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    project = load_project(config)
    if args.action == "import":
        if not args.file:
            raise HandoutError("no file to import", hint="give the XLIFF file: import FILE.xlf")
        return _import(config, project, args.file, args.locale, out, err)
    locale = _one_locale(project, args.locale)
    report = _report(config, project, locale)
    if args.action == "export" and args.omegat_project:
        units = export_units(project, report, args.changed_only)
        source = project.site.source_locale
        xliff, memory = write_omegat_project(args.omegat_project, units, locale, source)
        print(f"wrote OmegaT project {args.omegat_project}: {xliff.name}, {memory.name}", file=out)
        return 0
    if not args.output:
        raise HandoutError(f"no output file for {args.action}", hint="give -o FILE")
    if args.action == "export":
        units = export_units(project, report, args.changed_only)
        data = write_xliff(
            units, locale, project.site.source_locale, args.xliff, args.source_in_target
        )
        atomic_write(args.output, data)
        counts = {state: sum(u.state == state for u in units) for state in _STATES}
        summary = ", ".join(f"{count} {state}" for state, count in counts.items())
        print(f"wrote {args.output}: XLIFF {args.xliff}, {len(units)} unit(s): {summary}", file=out)
        return 0
    return _tmx(project, report, locale, args, out)


_STATES = ("new", "needs-review", "translated", "approved")


def _one_locale(project: Project, given: list[str]) -> str:
    choices = [code for code in project.site.locales if code != project.site.source_locale]
    if len(given) != 1 or given[0] not in choices:
        raise HandoutError(
            f"give exactly one --locale to translate into: {', '.join(choices)}",
            field="--locale",
        )
    return given[0]


def _report(config: BuildConfig, project: Project, locale: str) -> TranslationReport | None:
    path = translation_path(config.source_dir, locale)
    if not path.is_file():
        return None
    return load_translation(project, config.source_dir, locale, path.relative_to(config.root))


def _tmx(
    project: Project,
    report: TranslationReport | None,
    locale: str,
    args: argparse.Namespace,
    out: TextIO,
) -> int:
    """Approved translations (and with --drafts the current unreviewed ones); stale and
    missing ones never."""
    entries: list[TmxEntry] = []
    for unit in export_units(project, report, changed_only=False):
        if unit.state == "approved" or (args.drafts and unit.state == "translated"):
            assert unit.translation is not None
            target = renumbered(parse_markdown(unit.translation.text), unit.nodes)
            status = "approved" if unit.state == "approved" else "draft"
            entries.append((unit.nodes, target, {"x-status": status, "x-unit": unit.unit.id}))
    atomic_write(args.output, write_tmx(entries, project.site.source_locale, locale))
    approved = sum(props["x-status"] == "approved" for *_, props in entries)
    print(
        f"wrote {args.output}: {approved} approved translation(s)"
        + (f" and {len(entries) - approved} unreviewed draft(s)" if args.drafts else "")
        + "; stale and untranslated units left out"
        + ("" if args.drafts else " (add --drafts for translations nobody has signed yet)"),
        file=out,
    )
    return 0


def _import(
    config: BuildConfig, project: Project, path: Path, given: list[str], out: TextIO, err: TextIO
) -> int:
    shown = path
    store, version = read_xliff(read_bytes(path, shown, None, MAX_XLIFF_BYTES), shown)
    locale = _file_locale(project, store, version, given, shown)
    report = _report(config, project, locale)
    result = check_units(store, version, project, report, shown)
    for problem in result.stale:
        print(problem.format("warning"), file=err)
    for problem in result.refused:
        print(problem.format(), file=err)
    if result.refused:
        print(
            f"{shown}: {len(result.refused)} unit(s) refused; nothing imported "
            f"({len(result.imported)} would have been)",
            file=out,
        )
        return 1
    target = translation_path(config.source_dir, locale)
    for key in result.imported:
        print(f"  imported {key}", file=out)
    if result.imported:
        units = dict(report.units if report else {}) | result.imported
        updated = _with_units(report, locale, target, units)
        atomic_write(target, translation_skeleton(project, updated, locale).encode("utf-8"))
    print(
        f"{target.relative_to(config.root)}: {len(result.imported)} imported (drafts), "
        f"{len(result.unchanged)} unchanged, {len(result.stale)} stale (not imported), "
        "0 refused",
        file=out,
    )
    return 0


def _file_locale(project: Project, store: Any, version: str, given: list[str], shown: Path) -> str:
    """The project locale the file's target language names (and --locale, if given)."""
    declared, line = file_language(store, version)
    choices = [code for code in project.site.locales if code != project.site.source_locale]
    locale = next((code for code in choices if same_language(code, declared)), None)
    if locale is None or (given and not any(same_language(code, declared) for code in given)):
        raise HandoutError(
            f"the file's target language is {declared or 'not given'!r}; expected "
            f"{' or '.join(given or choices)}",
            Location(shown, line),
            field="target-language",
            hint="import the file made for this locale (or fix the language in the tool)",
        )
    return locale


def _with_units(
    report: TranslationReport | None, locale: str, path: Path, units: dict
) -> TranslationReport:
    return TranslationReport(locale, path, (), (), (), units)
