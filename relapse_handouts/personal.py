"""One child's handout: a nurse's care sheet applied to a resolved handout.

Personal details are health information. They are validated strictly (lengths, no
control or bidirectional-override characters), always escaped by the layouts, and never
written to the manifest, a cache, logs, file names or PDF metadata.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from .errors import ErrorCollector, HandoutError, Location
from .resolve import ResolvedHandout
from .validation import report_invalid
from .yamlfile import read_yaml

__all__ = ["CareSheet", "Contact", "UrgentContact", "load_sheet", "personalize", "LIMITS"]

# Documented in docs/desk.md, "One child's handout".
LIMITS = {
    "name": 60,
    "role": 60,
    "phone": 30,
    "appointment": 80,
    "notes": 1500,
    "contacts": 8,
    "medicines": 20,
}
# Joiners are part of emoji and of some scripts' words; everything else invisible is refused.
_ALLOWED_FORMAT_CHARS = {"\u200c", "\u200d", "\u200e", "\u200f"}


def _visible_text(value: str, allow_newlines: bool = False) -> str:
    for char in value:
        if char == "\n" and allow_newlines:
            continue
        if (
            unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co")
            and char not in _ALLOWED_FORMAT_CHARS
        ):
            raise PydanticCustomError(
                "invisible_character",
                "contains the invisible character {code_point} ({name}); "
                "type the text again without it",
                {
                    "code_point": f"U+{ord(char):04X}",
                    "name": unicodedata.name(char, "control character"),
                },
            )
    return value.strip()


def _text(limit: int, newlines: bool = False) -> Any:
    return Annotated[
        str,
        Field(min_length=1, max_length=limit),
        AfterValidator(lambda v: _visible_text(v, newlines)),
    ]


# A phone number: digits, spaces, + ( ) - . and an optional extension (docs/desk.md limits).
Phone = Annotated[
    str,
    Field(max_length=LIMITS["phone"], pattern=r"^\+?[0-9 ().\-]{3,24}( ?(ext\.?|x) ?[0-9]{1,6})?$"),
]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: _text(LIMITS["name"])  # type: ignore[valid-type]
    role: _text(LIMITS["role"]) | None = None  # type: ignore[valid-type]
    phone: Phone | None = None
    after_hours: Phone | None = None


# A number, an optional degree sign (° or the look-alikes nurses' keyboards give: º ˚),
# then C or F: "38.3 °C", "38,3 C", "38.3º C", "100.4 °F", "101 F".
_TEMPERATURE = re.compile(r"(\d{2,3})(?:([.,])(\d))? ?[°º˚]? ?([CcFf])")
_PLAUSIBLE = {"C": (35, 43), "F": (95, 110)}


def _temperature(value: str) -> str:
    """The fever threshold as the team wrote it, tidied ("38,3 C" -> "38,3 °C"); a number
    without its unit is asked about, never guessed."""
    text = value.strip()
    found = _TEMPERATURE.fullmatch(text)
    if found is None:
        if re.fullmatch(r"\d{2,3}(?:[.,]\d)?", text):
            raise PydanticCustomError(
                "temperature_without_unit",
                "a number without its unit: add °C or °F, as your team teaches it",
            )
        raise PydanticCustomError(
            "not_a_temperature",
            "not a temperature: write a number with °C or °F, as your team teaches it",
        )
    whole, separator, tenth, unit = found.groups()
    unit = unit.upper()
    low, high = _PLAUSIBLE[unit]
    if not low <= float(f"{whole}.{tenth or 0}") <= high:
        raise PydanticCustomError(
            "implausible_temperature",
            "not a fever temperature in °{unit}: between {low} and {high}",
            {"unit": unit, "low": low, "high": high},
        )
    number = f"{whole}{separator}{tenth}" if tenth else whole
    return f"{number} °{unit}"


class UrgentContact(BaseModel):
    """Who the family calls right away (fever, bleeding...), and the number."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    who: _text(LIMITS["name"])  # type: ignore[valid-type]
    phone: Phone


class CareSheet(BaseModel):
    """What a nurse fills in for one child (see ``examples/care-sheet.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    child_first_name: _text(LIMITS["name"]) | None = None  # type: ignore[valid-type]
    care_team: tuple[Contact, ...] = Field(default=(), max_length=LIMITS["contacts"])
    next_appointment: dt.datetime | dt.date | _text(LIMITS["appointment"]) | None = None  # type: ignore[valid-type]
    medicines: tuple[str, ...] = Field(default=(), max_length=LIMITS["medicines"])
    notes: _text(LIMITS["notes"], newlines=True) | None = None  # type: ignore[valid-type]
    # The care team's own fever threshold, as they teach it (no default is ever printed).
    fever_temperature: Annotated[str, Field(max_length=12), AfterValidator(_temperature)] | None = (
        None
    )
    call_right_away: UrgentContact | None = None


_NOT_A_PHONE = "not a phone number: use digits, spaces, + ( ) - . and 'ext'"


def load_sheet(path: Path | None, overrides: dict[str, Any], drug_ids: set[str]) -> CareSheet:
    """Read and check a care sheet; command-line ``overrides`` win over the file."""
    file = read_yaml(path, path) if path else None
    if file and not isinstance(file.data, (dict, type(None))):
        raise HandoutError(
            "a care sheet is a mapping of fields, not a list or a single value",
            Location(file.path, file.lines.get(())),
            hint="write one 'field: value' per line, as in examples/care-sheet.yaml",
        )
    data = dict(file.data or {}) if file else {}
    data.update({key: value for key, value in overrides.items() if value not in (None, ())})
    errors = ErrorCollector()
    try:
        sheet = CareSheet.model_validate(data)
    except ValidationError as error:
        # The message never echoes the input: it may be personal or hostile.
        report_invalid(
            error,
            file.locate if file else lambda keys: Location(Path("<command line>")),
            errors,
            echo_input=False,
            messages={"string_pattern_mismatch": _NOT_A_PHONE},
            hint="see docs/desk.md, 'One child's handout', for each field's limits",
        )
        errors.raise_if_any()
        raise
    for index, medicine in enumerate(sheet.medicines):
        if medicine not in drug_ids:
            where = file.locate(("medicines", index)) if file else Location(Path("<command line>"))
            errors.add(
                f"'{medicine[:40]}' is not in the drug list",
                where,
                field=f"medicines[{index}]",
                hint=f"use ids from source/drugs.yaml: {', '.join(sorted(drug_ids))}",
                code="unknown_medicine",
            )
    errors.raise_if_any()
    return sheet


def personalize(resolved: ResolvedHandout, sheet: CareSheet) -> ResolvedHandout:
    """The handout for one child: their team and only the medicines in their plan."""
    drugs = resolved.drugs
    if sheet.medicines:
        chosen = set(sheet.medicines)
        drugs = {
            group: kept
            for group, items in drugs.items()
            if (kept := tuple(d for d in items if d.id in chosen))
        }
    return replace(resolved, drugs=drugs, personal=sheet)
