"""Read one YAML source file into plain data plus a map of where each value sits.

PyYAML gives line numbers only on its node tree, so the file is composed to nodes and
converted by hand, recording the line of every key and list item; duplicate keys,
which PyYAML would silently overwrite, are reported. Content files are plain data:
aliases, tags, complex keys, control characters and very deep nesting are refused
with the line they are on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .errors import BuildErrors, HandoutError, Location
from .files import read_text

__all__ = ["YamlFile", "YamlReader", "YamlCache", "read_yaml", "dotted"]

PathKey = tuple[Any, ...]
# Source files nest about 8 levels; this leaves room and stays far from Python's recursion limit.
MAX_DEPTH = 40


@dataclass(frozen=True)
class YamlFile:
    """Parsed data of one file and the 1-based line of each key path in it."""

    path: Path
    data: Any
    lines: dict[PathKey, int]

    def locate(self, keys: tuple[Any, ...]) -> Location:
        """Location of the deepest known value along ``keys`` (schema error paths)."""
        found: PathKey = ()
        line, node = self.lines.get((), 1), self.data
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


def read_yaml(
    path: Path, display: Path | None = None, inside: Iterable[Path] | None = None
) -> YamlFile:
    """Parse ``path`` (a regular file, in ``inside`` when given); raise ``HandoutError``s
    located at the offending line."""
    shown = display or path
    text = read_text(path, shown, inside)
    try:
        loader = _ContentLoader(text)
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise HandoutError(
            f"the character U+{error.character:04X} is not allowed in YAML",
            Location(shown, line),
            hint="delete the invisible control character (retype the line)",
        ) from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise HandoutError(
            f"malformed YAML: {error.problem or error}",
            Location(shown, mark.line + 1 if mark else None),
            hint=getattr(error, "hint", "check indentation, colons and quotes near this line"),
        ) from None
    except RecursionError:
        raise HandoutError(
            "malformed YAML: nested too deeply",
            Location(shown),
            hint=f"content is never nested more than {MAX_DEPTH} levels",
        ) from None
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    problems: list[HandoutError] = []
    data = _convert(loader, root, (), lines, problems, shown) if root is not None else None
    if problems:
        raise BuildErrors(problems)
    return YamlFile(shown, data, lines)


# ``read_yaml`` or a ``YamlCache``: what the loading stages call to read a source file.
YamlReader = Callable[[Path, Path | None, Iterable[Path] | None], YamlFile]


class YamlCache:
    """``read_yaml`` that keeps each parsed file while it is unchanged on disk, for a
    process that gathers again on every save (the author preview). A file is read again,
    through ``read_yaml`` and its checks, when its real path (a re-pointed link), size,
    change time or inode differ; errors are never kept."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[object, ...], YamlFile]] = {}

    def __call__(
        self, path: Path, display: Path | None = None, inside: Iterable[Path] | None = None
    ) -> YamlFile:
        folders = tuple(inside) if inside is not None else None
        try:
            real = path.resolve(strict=True)
            info = real.stat()
        except (OSError, RuntimeError):
            return read_yaml(path, display, folders)  # which reports why it cannot
        key = (
            display,
            folders,
            real,
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_size,
            info.st_ino,
        )
        kept = self._files.get(path)
        if kept is not None and kept[0] == key:
            return kept[1]
        self._files.pop(path, None)
        file = read_yaml(path, display, folders)
        self._files[path] = (key, file)
        return file


class _Refused(yaml.MarkedYAMLError):
    def __init__(self, problem: str, mark: yaml.Mark, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


_Base: Any = yaml.SafeLoader  # PyYAML alone: scanner, parser and composer in Python
if yaml.__with_libyaml__:
    from yaml._yaml import CParser as _Events

    class _LibyamlLoader(yaml.composer.Composer, _Events, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml's scanner and parser (ten times faster: most of a one-output build's
        time was PyYAML's pure-Python scanner), PyYAML's composer (the guards below)."""

        def __init__(self, text: str) -> None:
            yaml.reader.Reader(text)  # refuses control characters, located by character
            _Events.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _Base = _LibyamlLoader


class _ContentLoader(_Base):  # type: ignore[misc]
    """Composes nodes without aliases (a 540-byte "billion laughs" file expands to
    gigabytes) and without nesting deeper than ``MAX_DEPTH``."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused(
                "aliases (*name) are not allowed in content files",
                self.peek_event().start_mark,
                "write the value out in full instead of referring to an &anchor",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                    "content is never nested this deep: check the indentation",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _convert(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    at: PathKey,
    lines: dict[PathKey, int],
    problems: list[HandoutError],
    shown: Path,
) -> Any:
    lines.setdefault(at, node.start_mark.line + 1)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _TAGS:
        problems.append(_tag_error(node, shown))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node, problems, shown, is_key=True)
            if key is _INVALID:
                continue
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
    value = _scalar(loader, node, problems, shown)
    return None if value is _INVALID else value


_INVALID = object()
# The plain YAML types; any other tag (``!foo``, ``!!python/...``, ``!!binary``) is refused.
_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


def _tag_error(node: yaml.Node, shown: Path) -> HandoutError:
    return HandoutError(
        f"the YAML tag {node.tag!r} is not allowed",
        Location(shown, node.start_mark.line + 1),
        hint="remove the '!' tag; write the value as plain text",
    )


def _scalar(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    problems: list[HandoutError],
    shown: Path,
    is_key: bool = False,
) -> Any:
    """One scalar's value, or ``_INVALID`` after recording why it cannot be used."""
    where = Location(shown, node.start_mark.line + 1)
    if is_key and not isinstance(node, yaml.ScalarNode):
        problems.append(
            HandoutError(
                "a key must be a single word or value, not a list or mapping",
                where,
                hint="remove the '?' complex key; keys are plain names like 'title'",
            )
        )
        return _INVALID
    if node.tag not in _TAGS:
        problems.append(_tag_error(node, shown))
        return _INVALID
    try:
        return _constructed(loader, node, where)
    except HandoutError as problem:
        problems.append(problem)
        return _INVALID


def _constructed(loader: yaml.SafeLoader, node: yaml.Node, where: Location) -> Any:
    """A plain scalar's value; a located error when it is no valid value or date, or
    holds a character the file may not hold raw."""
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        kind = "date" if node.tag.endswith("timestamp") else "value"
        raise HandoutError(
            f"not a valid {kind}: {error}",
            where,
            hint="dates are written YYYY-MM-DD and must exist (no 30 February); "
            "quote the value to keep it as text",
        ) from None
    # An escape ("\x1b", "\u0007") must not bring in what the file may not hold raw.
    if isinstance(value, str) and (found := yaml.reader.Reader.NON_PRINTABLE.search(value)):
        raise HandoutError(
            f"the invisible character U+{ord(found.group()[0]):04X} is not allowed in "
            "YAML, written raw or as an escape",
            where,
            hint="delete the escape sequence (like \\x1b) from the text",
        )
    return value


def dotted(keys: tuple[Any, ...]) -> str:
    """A key path as authors read it in messages: ``sections[1].blocks[0].p``."""
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text
