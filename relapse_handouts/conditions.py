"""Variant conditions: attribute names joined by ``and``, ``or``, ``not`` and parentheses.

A tiny recursive-descent parser (after Sphinx's ``util/tags.py``): nothing is ever
``eval``-ed, and every name is checked against the attributes declared in source.

A name is ``attribute.value``. Its truth has three values (issue 19): true when the
variant sets the attribute and includes the value, false when it sets it without the
value, and *unknown* when the variant does not set the attribute at all. ``and``,
``or`` and ``not`` follow Kleene's logic (``not unknown`` is unknown), and content is
kept only when its condition is true. So text about a relapse site never reaches a
handout that names no site, unless the condition says so with the pseudo-value
``attribute.unset`` (true exactly when the variant does not set the attribute).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Condition", "parse_condition", "ConditionSyntaxError", "UNSET", "truth"]

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([a-z0-9_-]+\.[a-z0-9_-]+)|(\S+))")
# The attributes a variant sets, with their values; an attribute it does not set is absent.
Profile = Mapping[str, frozenset[str]]
Truth = bool | None  # None: unknown (the condition names an attribute the variant leaves unset)
UNSET = "unset"  # the pseudo-value: ``relapse_site.unset``


class ConditionSyntaxError(ValueError):
    """The condition text is not a valid expression; the message says where."""


@dataclass(frozen=True)
class Name:
    attribute: str
    value: str

    def truth(self, profile: Profile) -> Truth:
        if self.value == UNSET:
            return self.attribute not in profile
        if self.attribute not in profile:
            return None
        return self.value in profile[self.attribute]

    def holds(self, profile: Profile) -> bool:
        return self.truth(profile) is True


@dataclass(frozen=True)
class Not:
    operand: Condition

    def truth(self, profile: Profile) -> Truth:
        operand = self.operand.truth(profile)
        return None if operand is None else not operand

    def holds(self, profile: Profile) -> bool:
        return self.truth(profile) is True


@dataclass(frozen=True)
class BoolOp:
    op: str
    operands: tuple[Condition, ...]

    def truth(self, profile: Profile) -> Truth:
        results = [operand.truth(profile) for operand in self.operands]
        decisive = self.op == "or"  # the value that settles the chain: true for 'or'
        if decisive in results:
            return decisive
        return None if None in results else not decisive

    def holds(self, profile: Profile) -> bool:
        return self.truth(profile) is True


Condition = Name | Not | BoolOp


def truth(text: str | None, profile: Profile) -> Truth:
    """The truth of a condition text (no condition: true)."""
    return True if text is None else parse_condition(text).truth(profile)


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


def leaks(
    condition: Condition, profile: Profile, attributes: Mapping[str, Iterable[str]]
) -> tuple[str, ...]:
    """The attributes a variant leaves unset that a condition it keeps depends on.

    Kept text must be true for the variant whatever value an unset attribute would take;
    this re-checks that by trying each value (plain two-valued logic, ``.unset`` read from
    the variant). Empty when nothing leaks: ``check`` reports anything else."""
    if not condition.holds(profile):
        return ()
    unset = {name.attribute for name in names_in(condition)} - set(profile)
    found = []
    for attribute in sorted(unset):
        for value in attributes.get(attribute, ()):
            completed = {**profile, attribute: frozenset({value})}
            if not _two_valued(condition, completed, frozenset(unset)):
                found.append(attribute)
                break
    return tuple(found)


def _two_valued(condition: Condition, profile: Profile, unset: frozenset[str]) -> bool:
    if isinstance(condition, Name):
        if condition.value == UNSET:
            return condition.attribute in unset
        return condition.value in profile.get(condition.attribute, frozenset())
    if isinstance(condition, Not):
        return not _two_valued(condition.operand, profile, unset)
    results = [_two_valued(operand, profile, unset) for operand in condition.operands]
    return all(results) if condition.op == "and" else any(results)
