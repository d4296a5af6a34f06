"""Variant conditions: attribute names joined by ``and``, ``or``, ``not`` and parentheses.

A tiny recursive-descent parser (after Sphinx's ``util/tags.py``): nothing is ever
``eval``-ed, and every name is checked against the attributes declared in source.
A name is ``attribute.value``; it holds when the variant's profile includes that value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Condition", "parse_condition", "ConditionSyntaxError"]

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([a-z0-9_-]+\.[a-z0-9_-]+)|(\S+))")
Profile = Mapping[str, frozenset[str]]


class ConditionSyntaxError(ValueError):
    """The condition text is not a valid expression; the message says where."""


@dataclass(frozen=True)
class Name:
    attribute: str
    value: str

    def holds(self, profile: Profile) -> bool:
        return self.value in profile.get(self.attribute, frozenset())


@dataclass(frozen=True)
class Not:
    operand: Condition

    def holds(self, profile: Profile) -> bool:
        return not self.operand.holds(profile)


@dataclass(frozen=True)
class BoolOp:
    op: str
    operands: tuple[Condition, ...]

    def holds(self, profile: Profile) -> bool:
        results = (operand.holds(profile) for operand in self.operands)
        return all(results) if self.op == "and" else any(results)


Condition = Name | Not | BoolOp


def names_in(condition: Condition) -> list[Name]:
    """Every attribute name the condition mentions (for validation)."""
    if isinstance(condition, Name):
        return [condition]
    if isinstance(condition, Not):
        return names_in(condition.operand)
    return [name for operand in condition.operands for name in names_in(operand)]


def parse_condition(text: str) -> Condition:
    tokens = _tokenize(text)
    condition, position = _parse_or(tokens, 0, text)
    if position != len(tokens):
        raise ConditionSyntaxError(f"unexpected {tokens[position]!r} in {text!r}")
    return condition


def _tokenize(text: str) -> list[str]:
    tokens = []
    for match in _TOKEN.finditer(text):
        token = next(group for group in match.groups() if group is not None)
        if match.group(4) and token not in ("and", "or", "not"):
            raise ConditionSyntaxError(
                f"{token!r} in {text!r} is not 'and', 'or', 'not', a parenthesis or "
                "an attribute.value name"
            )
        tokens.append(token)
    return tokens


def _parse_or(tokens: list[str], at: int, text: str) -> tuple[Condition, int]:
    return _parse_chain(tokens, at, text, "or", _parse_and)


def _parse_and(tokens: list[str], at: int, text: str) -> tuple[Condition, int]:
    return _parse_chain(tokens, at, text, "and", _parse_unary)


def _parse_chain(tokens, at, text, op, parse_operand) -> tuple[Condition, int]:
    first, at = parse_operand(tokens, at, text)
    operands = [first]
    while at < len(tokens) and tokens[at] == op:
        operand, at = parse_operand(tokens, at + 1, text)
        operands.append(operand)
    return (first if len(operands) == 1 else BoolOp(op, tuple(operands))), at


def _parse_unary(tokens: list[str], at: int, text: str) -> tuple[Condition, int]:
    if at >= len(tokens):
        raise ConditionSyntaxError(f"{text!r} ends where a name was expected")
    token = tokens[at]
    if token == "not":
        operand, at = _parse_unary(tokens, at + 1, text)
        return Not(operand), at
    if token == "(":
        inner, at = _parse_or(tokens, at + 1, text)
        if at >= len(tokens) or tokens[at] != ")":
            raise ConditionSyntaxError(f"missing ')' in {text!r}")
        return inner, at + 1
    if token in ("and", "or", ")"):
        raise ConditionSyntaxError(f"unexpected {token!r} in {text!r}")
    attribute, value = token.split(".", 1)
    return Name(attribute, value), at + 1
