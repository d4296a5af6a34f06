"""Stage 1: read every file in ``source/`` and return the validated ``Project``.

All files are parsed and schema-checked before anything renders; every problem found
is collected (file, line, field, what is expected) and raised once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError

from . import crossref
from .config import BuildConfig
from .errors import ErrorCollector, HandoutError, Location
from .formats import handout_sources
from .model import Drug, GlossaryTerm, Handout, Project, Reference, Site, Variant
from .validation import report_invalid
from .yamlfile import YamlFile, YamlReader, read_yaml

__all__ = ["load_project"]

Model = TypeVar("Model", bound=BaseModel)

# File name -> (top-level key holding a list, item type); site.yaml and handouts/ aside.
_LIST_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "variants.yaml": ("variants", Variant),
    "drugs.yaml": ("drugs", Drug),
    "glossary.yaml": ("terms", GlossaryTerm),
    "references.yaml": ("references", Reference),
}


def load_project(config: BuildConfig, read: YamlReader = read_yaml) -> Project:
    """Parse, validate and cross-check ``source/``; raise ``BuildErrors`` listing all problems.
    ``read`` reads each file (the preview passes a ``YamlCache``)."""
    errors = ErrorCollector()
    files = _read_files(config, errors, read)
    site = _validate(files.get("site.yaml"), Site, errors)
    lists = {
        name: _validate_list(files.get(name), key, cls, errors)
        for name, (key, cls) in _LIST_FILES.items()
    }
    handout_files = sorted(name for name in files if name.startswith("handouts/"))
    handouts = [_validate(files[name], Handout, errors) for name in handout_files]
    errors.raise_if_any()
    project = Project(
        site=site,
        handouts=tuple(handouts),
        # Each list holds the item type _LIST_FILES names for it.
        variants=cast(tuple[Variant, ...], lists["variants.yaml"]),
        drugs=cast(tuple[Drug, ...], lists["drugs.yaml"]),
        glossary=cast(tuple[GlossaryTerm, ...], lists["glossary.yaml"]),
        references=cast(tuple[Reference, ...], lists["references.yaml"]),
        source_files={
            h.id: handout_sources(name) for h, name in zip(handouts, handout_files, strict=True)
        },
    )
    crossref.check_project(project, files, errors)
    errors.raise_if_any()
    return project


def _read_files(
    config: BuildConfig, errors: ErrorCollector, read: YamlReader
) -> dict[str, YamlFile]:
    source = config.source_dir
    wanted = ["site.yaml", *_LIST_FILES]
    files: dict[str, YamlFile] = {}
    for name in wanted:
        if not os.path.lexists(source / name):
            errors.add(
                "required file is missing",
                Location(_shown(config, source / name)),
                hint=f"create source/{name} (see docs/authoring.md, 'Source files')",
            )
    handout_paths = sorted((source / "handouts").glob("*.yaml"))
    if not handout_paths:
        errors.add(
            "no handout files found",
            Location(_shown(config, source / "handouts")),
            hint="add at least one source/handouts/<id>.yaml",
        )
    present = [source / name for name in wanted if os.path.lexists(source / name)]
    for path in present + handout_paths:
        try:
            files[path.relative_to(source).as_posix()] = read(path, _shown(config, path), (source,))
        except HandoutError as error:
            errors.extend(error)
    return files


def _shown(config: BuildConfig, path: Path) -> Path:
    """Paths in messages are relative to the project when they can be."""
    try:
        return path.relative_to(config.root)
    except ValueError:
        return path


def _validate(
    file: YamlFile | None,
    cls: type[Model],
    errors: ErrorCollector,
    data: Any = None,
    prefix: tuple[Any, ...] = (),
) -> Model:
    if file is None:
        return None  # type: ignore[return-value]  # already reported as missing
    try:
        return cls.model_validate(file.data if data is None else data)
    except ValidationError as error:
        report_invalid(error, file.locate, errors, prefix)
        return None  # type: ignore[return-value]


def _validate_list(
    file: YamlFile | None, key: str, cls: type[Model], errors: ErrorCollector
) -> tuple[Model, ...]:
    if file is None:
        return ()
    if (
        not isinstance(file.data, dict)
        or set(file.data) != {key}
        or not isinstance(file.data[key], list)
    ):
        errors.add(
            f"expected a mapping with the single key '{key}' holding a list",
            file.locate(()),
            hint=f"start the file with '{key}:' then '- id: ...' items",
        )
        return ()
    items = [
        _validate(file, cls, errors, item, (key, index))
        for index, item in enumerate(file.data[key])
    ]
    return tuple(items)
