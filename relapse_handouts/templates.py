"""A Jinja loader that reads layouts through ``files.read_text``: only regular files of
bounded size whose real path is inside ``layouts/`` (a symlinked layout pointing at
``/etc/passwd`` is refused, not rendered into a handout)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from .files import read_text, within

__all__ = ["ProjectLoader", "ProjectEnvironment", "layout_environment"]


class ProjectEnvironment(jinja2.Environment):
    """Jinja, with ``topic.keys`` reading a mapping's ``"keys"`` entry rather than the
    dict method (whose ``<built-in method ...>`` text would reach the page)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class ProjectLoader(jinja2.BaseLoader):
    """Templates from one folder of the project, read through the project's one reader."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = within(self.folder, *template.split("/"), shown=self._shown(self.folder))
        if not path.exists() and not path.is_symlink():
            raise jinja2.TemplateNotFound(template)
        text = read_text(path, self._shown(path), inside=(self.folder,))
        mtime = os.stat(path).st_mtime_ns

        def unchanged() -> bool:
            try:
                return os.stat(path).st_mtime_ns == mtime
            except OSError:
                return False

        return text, str(path), unchanged

    def _shown(self, path: Path) -> Path:
        return path.relative_to(self.root) if path.is_relative_to(self.root) else path


def layout_environment(layouts: Path, root: Path, **options: object) -> jinja2.Environment:
    """The Jinja environment every page uses: project-only loader, autoescape, strict."""
    return ProjectEnvironment(
        loader=ProjectLoader(layouts, root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        **options,  # type: ignore[arg-type]
    )
