"""``make_docs.py translations status|update``: the translator's side of the workflow."""

from __future__ import annotations

from typing import TextIO

from .config import BuildConfig
from .files import atomic_write
from .load import load_project
from .translate import load_translation, translation_path, translation_skeleton
from .units import iter_units

__all__ = ["run_translations"]


def run_translations(config: BuildConfig, action: str, out: TextIO) -> int:
    """Report (``status``) or write (``update``) each selected locale's translation file."""
    project = load_project(config)
    locales = [
        locale
        for locale in project.site.locales
        if locale != project.site.source_locale and (not config.locales or locale in config.locales)
    ]
    hashes = {unit.id: unit.hash for unit in iter_units(project.model_dump())}
    incomplete = 0
    for locale in locales:
        path = translation_path(config.source_dir, locale)
        shown = path.relative_to(config.root)
        report = (
            load_translation(project, config.source_dir, locale, shown) if path.is_file() else None
        )
        if action == "update":
            atomic_write(path, translation_skeleton(project, report, locale).encode("utf-8"))
            report = load_translation(project, config.source_dir, locale, shown)
        assert report is not None or action == "status"
        if report is None:
            print(f"{locale}: no file; run 'translations update --locale {locale}'", file=out)
            incomplete += 1
            continue
        # Whether a reviewer signed it is per handout: 'make_docs.py review status'.
        print(
            f"{locale}: {len(hashes) - len(report.missing)}/{len(hashes)} "
            f"translated, {len(report.missing)} missing, {len(report.stale)} stale, "
            f"{len(report.obsolete)} obsolete  [{shown}]",
            file=out,
        )
        for key in report.stale:
            print(f"  stale {key}: set source: {hashes[key]} once updated", file=out)
        incomplete += bool(report.missing or report.stale)
    return 1 if incomplete and action == "status" else 0
