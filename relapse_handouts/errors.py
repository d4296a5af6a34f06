"""One exception family for problems a user can fix, each carrying where and how.

Errors are collected while a stage runs and raised together (``BuildErrors``) so an
author sees every problem in one run, printed as ``path:line: error: message``. Each
error may also carry a ``code`` and its ``params`` (``"string_too_long"``,
``{"max_length": 60}``) so that another interface (the nurse desk, in French) words it
itself instead of reading the English message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

__all__ = ["Location", "HandoutError", "BuildErrors", "ErrorCollector", "printable"]


def printable(text: object) -> str:
    """``text`` safe for a terminal: control characters (escape sequences included) and
    invisible format characters (bidirectional overrides) are shown as ``\\uXXXX``."""
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf") else char
        for char in str(text)
    )


@dataclass(frozen=True)
class Location:
    """A place in a source file; ``line`` is 1-based and None when unknown."""

    path: PurePath
    line: int | None = None

    def __str__(self) -> str:
        path = printable(self.path)
        return f"{path}:{self.line}" if self.line else path


class HandoutError(Exception):
    """A problem in the user's input: names where it is, what is wrong, and the fix."""

    default_code: str | None = None  # a subclass's code when none is given

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        field: str | None = None,
        hint: str | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.field = field
        self.hint = hint
        self.code = code or self.default_code  # for interfaces that word it themselves
        self.params = dict(params or {})

    def format(self, severity: str = "error") -> str:
        # Messages may quote the input: nothing from it reaches the terminal raw.
        where = f"{self.location}: " if self.location else ""
        what = f"{printable(self.field)}: " if self.field else ""
        hint = f"\n  hint: {printable(self.hint)}" if self.hint else ""
        return f"{where}{severity}: {what}{printable(self.message)}{hint}"

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self) -> tuple:
        # Errors raised in worker processes keep their location and hint on the way back.
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(cls: type[HandoutError], args: tuple, state: dict) -> HandoutError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class BuildErrors(HandoutError):
    """Several user errors found in one pass; raised once at the end of a stage."""

    def __init__(self, errors: list[HandoutError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = list(errors)

    def format(self, severity: str = "error") -> str:
        return "\n".join(error.format(severity) for error in self.errors)


@dataclass
class ErrorCollector:
    """Gathers errors during a stage; ``raise_if_any`` aborts once with all of them."""

    errors: list[HandoutError] = field(default_factory=list)

    def add(
        self,
        message: str,
        location: Location | None = None,
        field: str | None = None,
        hint: str | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.errors.append(HandoutError(message, location, field, hint, code, params))

    def extend(self, error: HandoutError) -> None:
        self.errors.extend(error.errors if isinstance(error, BuildErrors) else [error])

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildErrors(self.errors)
