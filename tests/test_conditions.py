"""Variant conditions: names with and/or/not, parsed, never evaluated as code."""

from __future__ import annotations

import pytest

from relapse_handouts.conditions import ConditionSyntaxError, parse_condition

PROFILE = {"relapse_site": frozenset({"cns"}), "treatment": frozenset({"radiation", "car_t"})}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("relapse_site.cns", True),
        ("relapse_site.marrow", False),
        ("not relapse_site.marrow", True),
        ("relapse_site.cns and treatment.car_t", True),
        ("relapse_site.marrow or treatment.radiation", True),
        ("relapse_site.cns and not (treatment.radiation or treatment.car_t)", False),
        ("not not relapse_site.cns", True),
        ("unknown.value", False),
    ],
)
def test_conditions_evaluate_against_profile(text, expected):
    assert parse_condition(text).holds(PROFILE) is expected


@pytest.mark.parametrize(
    "text",
    [
        "relapse_site.cns and",
        "(relapse_site.cns",
        "relapse_site.cns)",
        "cns",
        "1 + 1",
        "__import__('os')",
        "relapse_site.cns && treatment.radiation",
        "",
    ],
)
def test_invalid_conditions_are_refused(text):
    with pytest.raises(ConditionSyntaxError):
        parse_condition(text)
