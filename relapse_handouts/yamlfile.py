"""Read one YAML source file into plain data plus a map of where each value sits.

PyYAML gives line numbers only on its node tree, so the file is composed to nodes and
converted by hand, recording the line of every key and list item; duplicate keys,
which PyYAML would silently overwrite, are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import BuildErrors, HandoutError, Location

__all__ = ["YamlFile", "read_yaml", "dotted"]

PathKey = tuple[Any, ...]


@dataclass(frozen=True)
class YamlFile:
    """Parsed data of one file and the 1-based line of each key path in it."""

    path: Path
    data: Any
    lines: dict[PathKey, int]

    def locate(self, keys: tuple[Any, ...]) -> Location:
        """Location of the deepest known value along ``keys`` (schema error paths)."""
        line, found, node = self.lines.get((), 1), (), self.data
        for key in keys:
            if (
                isinstance(node, dict)
                and key in node
                or (isinstance(node, list) and isinstance(key, int) and key < len(node))
            ):
                found = found + (key,)
                node = node[key]
                line = self.lines.get(found, line)
            # Other entries (union tags, model names) are pydantic's, not the file's.
        return Location(self.path, line)


def read_yaml(path: Path, display: Path | None = None) -> YamlFile:
    """Parse ``path``; raise ``HandoutError``s located at the offending line."""
    shown = display or path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise HandoutError(
            f"cannot read file: {error}", Location(shown), hint="save the file as UTF-8 text"
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise HandoutError(
            f"malformed YAML: {error.problem or error}",
            Location(shown, line),
            hint="check indentation, colons and quotes near this line",
        ) from None
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    problems: list[HandoutError] = []
    data = _convert(loader, root, (), lines, problems, shown) if root is not None else None
    if problems:
        raise BuildErrors(problems)
    return YamlFile(shown, data, lines)


def _convert(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    at: PathKey,
    lines: dict[PathKey, int],
    problems: list[HandoutError],
    shown: Path,
) -> Any:
    lines.setdefault(at, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                problems.append(
                    HandoutError(
                        f"key {key!r} appears twice",
                        Location(shown, key_node.start_mark.line + 1),
                        hint="remove or rename one of them; YAML keeps only the last",
                    )
                )
            lines[at + (key,)] = key_node.start_mark.line + 1
            result[key] = _convert(loader, value_node, at + (key,), lines, problems, shown)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, at + (index,), lines, problems, shown)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def dotted(keys: tuple[Any, ...]) -> str:
    """A key path as authors read it in messages: ``sections[1].blocks[0].p``."""
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text
