"""Pydantic's validation errors as located user errors: one adapter for every file read
against a schema (source files, translations, care sheets)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from .errors import ErrorCollector, Location
from .yamlfile import dotted

__all__ = ["report_invalid"]


def report_invalid(
    error: ValidationError,
    locate: Callable[[tuple[Any, ...]], Location],
    errors: ErrorCollector,
    prefix: tuple[Any, ...] = (),
    echo_input: bool = True,
    messages: Mapping[str, str] | None = None,
    hint: str | None = None,
) -> None:
    """Add one error per problem in ``error``, at the line ``locate`` finds for its key
    path (``prefix`` first). ``echo_input=False`` never repeats the value (it may be
    personal or hostile); ``messages`` and ``hint`` replace the wording per error type
    and the hint of every problem."""
    for problem in error.errors(include_url=False):
        keys = prefix + tuple(problem["loc"])
        kind = problem["type"]
        errors.add(
            (messages or {}).get(kind) or _describe(problem, echo_input),
            locate(keys),
            field=dotted(keys),
            hint=hint or _hint(problem),
            code=kind,
            params=_params(problem),
        )


def _params(problem: Mapping[str, Any]) -> dict[str, Any]:
    """The problem's plain parameters (limits, code points), never the input."""
    context = problem.get("ctx") or {}
    return {k: v for k, v in context.items() if isinstance(v, (str, int, float))}


def _describe(problem: Mapping[str, Any], echo_input: bool) -> str:
    kind = problem["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_too_long":
        return f"too long: at most {problem['ctx']['max_length']} characters"
    if not echo_input:
        return str(problem["msg"])
    return f"{problem['msg']} (got {_short(problem.get('input'))})"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _hint(problem: Mapping[str, Any]) -> str | None:
    if problem["type"] == "extra_forbidden":
        return (
            "remove it or check its spelling; "
            "the fields are listed in docs/authoring.md, 'Source files'"
        )
    if problem["type"] == "missing":
        return f"add '{problem['loc'][-1]}:' here"
    if problem["type"] == "string_pattern_mismatch" and "a-z0-9" in problem["msg"]:
        return "ids are lower-case letters, digits and single '-' or '_', like 'cns-therapy'"
    return None
