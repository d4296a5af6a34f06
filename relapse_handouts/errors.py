"""One exception family for problems a user can fix, each carrying where and how.

Errors are collected while a stage runs and raised together (``BuildErrors``) so an
author sees every problem in one run, printed as ``path:line: error: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Location", "HandoutError", "BuildErrors", "ErrorCollector"]


@dataclass(frozen=True)
class Location:
    """A place in a source file; ``line`` is 1-based and None when unknown."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else f"{self.path}"


class HandoutError(Exception):
    """A problem in the user's input: names where it is, what is wrong, and the fix."""

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.field = field
        self.hint = hint

    def format(self, severity: str = "error") -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"{self.field}: " if self.field else ""
        hint = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{where}{severity}: {what}{self.message}{hint}"

    def __str__(self) -> str:
        return self.format()


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
    ) -> None:
        self.errors.append(HandoutError(message, location, field, hint))

    def extend(self, error: HandoutError) -> None:
        self.errors.extend(error.errors if isinstance(error, BuildErrors) else [error])

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildErrors(self.errors)
