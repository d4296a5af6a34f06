"""The care sheet as a web form, derived from ``personal.CareSheet``'s own fields.

A field added to the care sheet model appears in the form without a change here:
text fields become inputs (a textarea when long), a list of records becomes rows of
sub-fields, and ``medicines`` becomes checkboxes limited to the variant's drugs.
Validation is ``personal.load_sheet``'s, exactly as for the command line.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from annotated_types import MaxLen
from pydantic import BaseModel

from ..errors import BuildErrors, HandoutError
from ..personal import CareSheet, load_sheet
from .words import N_

__all__ = ["FormField", "sheet_fields", "read_sheet", "SheetProblems", "LABELS", "field_label"]

CONTACT_ROWS = 3  # rows shown for a list of records (the model's own limit still applies)
_LONG_TEXT = 200  # longer limits get a textarea

# The nurse-facing label of each known field (gettext ids); other fields use their title.
LABELS = {
    "child_first_name": N_("Child's first name"),
    "care_team": N_("Care team"),
    "name": N_("Name"),
    "role": N_("Role"),
    "phone": N_("Phone"),
    "after_hours": N_("After-hours phone"),
    "next_appointment": N_("Next appointment"),
    "medicines": N_("Medicines in this child's plan"),
    "notes": N_("Notes for the family"),
    "fever_temperature": N_("Fever temperature, as your team teaches it (like 38.3 °C)"),
    "fever_call": N_("Who to call for a fever"),
    "call_right_away": N_("Who to call right away (fever, bleeding)"),
    "who": N_("Who"),
}


# The desk's own fields around the care sheet that a problem can be on.
_FORM_LABELS = {
    "to": N_("Family's email address"),
    "edition": N_("Edition"),
    "paper": N_("Paper"),
    "with_epub": N_("Also make an e-book (EPUB)"),
}


@dataclass(frozen=True)
class FormField:
    name: str  # the model's field name
    kind: str  # "text", "textarea", "choices", "rows" (a list of records) or "group" (one)
    max_length: int | None = None
    subfields: tuple[FormField, ...] = ()
    rows: int = 0
    title: str | None = None

    @property
    def label(self) -> str:
        return LABELS.get(self.name) or self.title or self.name.replace("_", " ").capitalize()


def sheet_fields(model: type[BaseModel] = CareSheet) -> tuple[FormField, ...]:
    """The form's fields, in the model's order."""
    return tuple(_form_field(name, info) for name, info in model.model_fields.items())


def field_label(name: str, _: Callable[[str], str]) -> str:
    """The label of form field ``name`` in the nurse's language, so the list of problems
    says which field each is on: ``care_team-1-phone`` -> "Care team, Person 2, Phone";
    "" for a name the form does not have."""
    if name in _FORM_LABELS:
        return _(_FORM_LABELS[name])
    parts = name.split("-")
    field = next((f for f in sheet_fields() if f.name == parts[0]), None)
    if field is None:
        return ""
    words = [_(field.label)]
    if len(parts) == 3 and parts[1].isdigit():
        words.append(_("Person %(number)s") % {"number": int(parts[1]) + 1})
    sub = next((f for f in field.subfields if len(parts) > 1 and f.name == parts[-1]), None)
    return ", ".join([*words, _(sub.label)] if sub else words)


def _form_field(name: str, info: Any) -> FormField:
    record = _record_type(info.annotation)
    if record is not None and typing.get_origin(info.annotation) is tuple:
        rows = _max_length(info.metadata) or 1
        return FormField(name, "rows", subfields=sheet_fields(record), rows=min(CONTACT_ROWS, rows))
    if record is not None:
        return FormField(name, "group", subfields=sheet_fields(record), title=info.title)
    if name == "medicines":
        return FormField(name, "choices", _max_length(info.metadata))
    limit = _max_length(info.metadata) or _max_length_in(info.annotation)
    kind = "textarea" if limit and limit > _LONG_TEXT else "text"
    return FormField(name, kind, limit, title=info.title)


def _record_type(annotation: Any) -> type[BaseModel] | None:
    """The record model of ``tuple[Model, ...]`` or ``Model | None``, else None."""
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _max_length(metadata: list[Any]) -> int | None:
    return next((m.max_length for m in metadata if isinstance(m, MaxLen)), None)


def _max_length_in(annotation: Any) -> int | None:
    """The text limit inside ``Annotated[str, Field(max_length=...)]``, nested in unions."""
    for arg in typing.get_args(annotation):
        found = getattr(arg, "metadata", None)
        if found and (limit := _max_length(found)):
            return limit
        if typing.get_origin(arg) in (typing.Annotated, typing.Union, types.UnionType):
            if limit := _max_length_in(arg):
                return limit
    return None


class SheetProblems(Exception):
    """The form's problems, by form field name, in the nurse's words."""

    def __init__(self, problems: dict[str, str], status: int = 422) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
        self.status = status  # 422: the form; 502: the mail server refused


def read_sheet(
    form: Mapping[str, Any],
    getlist: Callable[[str], list[str]],
    drug_ids: set[str],
    gettext: Callable[[str], str],
) -> CareSheet:
    """Validate the posted fields with the command line's care sheet rules."""
    data = form_data(form, getlist)
    try:
        return load_sheet(None, data, drug_ids)  # type: ignore[arg-type]
    except HandoutError as error:
        errors = error.errors if isinstance(error, BuildErrors) else [error]
        problems: dict[str, str] = {}
        for problem in errors:
            key = _form_name(problem.field or "", _filled_rows(form))
            problems.setdefault(key, _in_words(problem, gettext))
        raise SheetProblems(problems) from None


def form_data(form: Mapping[str, Any], getlist: Callable[[str], list[str]]) -> dict[str, Any]:
    """The care sheet's data from posted fields; empty fields and rows are left out."""
    data: dict[str, Any] = {}
    for field in sheet_fields():
        if field.kind == "choices":
            chosen = tuple(dict.fromkeys(v for v in getlist(field.name) if v))
            if chosen:
                data[field.name] = chosen
        elif field.kind == "rows":
            rows = []
            for index in range(field.rows):
                row = {
                    sub.name: value
                    for sub in field.subfields
                    if (value := form.get(f"{field.name}-{index}-{sub.name}", "").strip())
                }
                if row:
                    rows.append(row)
            if rows:
                data[field.name] = tuple(rows)
        elif field.kind == "group":
            group = {
                sub.name: value
                for sub in field.subfields
                if (value := form.get(f"{field.name}-{sub.name}", "").strip())
            }
            if group:
                data[field.name] = group
        elif field.name == "next_appointment" and (value := form.get(field.name, "").strip()):
            data[field.name] = appointment(value)
        elif value := form.get(field.name, "").strip():
            data[field.name] = value.replace("\r\n", "\n")
    return data


_ISO_WHEN = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2})?")


def appointment(value: str) -> str | dt.date | dt.datetime:
    """``2026-12-10 14:30`` (or the browser's ``2026-12-10T14:30``) becomes a date and time
    that the handout prints in the family's language (``10 décembre 2026, 14 h 30``);
    other words (``Tuesday morning, clinic 4B``) are printed as typed."""
    if not _ISO_WHEN.fullmatch(value):
        return value
    try:
        when = dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        return value  # not a real date: the care sheet's limits still apply to the text
    return when.date() if len(value) == 10 else when


def _filled_rows(form: Mapping[str, Any]) -> dict[str, list[int]]:
    """For each list of records, the form rows that hold something, in order: the care
    sheet numbers only those (empty rows are left out), the form numbers them all."""
    return {
        field.name: [
            index
            for index in range(field.rows)
            if any(
                form.get(f"{field.name}-{index}-{sub.name}", "").strip() for sub in field.subfields
            )
        ]
        for field in sheet_fields()
        if field.kind == "rows"
    }


def _form_name(field: str, rows: dict[str, list[int]]) -> str:
    """``care_team[0].phone`` -> ``care_team-2-phone`` when the first filled row is the
    form's third; ``medicines[2]`` -> ``medicines``."""
    field = re.sub(r"\[\d+\]$", "", field)
    found = re.match(r"(\w+)\[(\d+)\]", field)
    if found and found.group(1) in rows and int(found.group(2)) < len(rows[found.group(1)]):
        row = rows[found.group(1)][int(found.group(2))]
        field = f"{found.group(1)}[{row}]" + field[found.end() :]
    return re.sub(r"\[(\d+)\]", r"-\1", field).replace(".", "-")


def _in_words(problem: HandoutError, _: Callable[[str], str]) -> str:
    """The care sheet's problem, worded from its code in the nurse's language (never the
    value typed, never the English message)."""
    params = problem.params
    if problem.code in ("string_too_long", "too_long"):
        return _("Too long: at most %(count)s characters.") % {"count": params["max_length"]}
    if problem.code in _WORDS:
        return _(_WORDS[problem.code]) % params
    if problem.code in _DATE_CODES:
        return _("Type a date, like 2026-12-03 09:30.")
    if problem.code in ("int_parsing", "float_parsing", "int_type", "float_type"):
        return _("Type a number.")
    return _("Check this field.")


_WORDS = {
    "string_pattern_mismatch": N_("Not a phone number: use digits, spaces, + ( ) - . and “ext”."),
    "invisible_character": N_(
        "Contains an invisible character (%(code_point)s): type it again without it."
    ),
    "unknown_medicine": N_("This medicine is not in this handout."),
    "extra_forbidden": N_("This field is not part of the care sheet."),
    "not_a_temperature": N_(
        "Not a temperature: write a number with °C or °F, as your team teaches it."
    ),
    "temperature_without_unit": N_(
        "Is this °C or °F? Add the unit your team teaches, like 38.3 °C or 100.4 °F."
    ),
    "implausible_temperature": N_(
        "Not a fever temperature in °%(unit)s: write a number between %(low)s and %(high)s."
    ),
    "missing": N_("Fill this in too, or leave the whole row empty."),
    "string_too_short": N_("Fill this in, or leave the whole row empty."),
}
_DATE_CODES = {
    "datetime_parsing",
    "datetime_from_date_parsing",
    "date_parsing",
    "date_from_datetime_parsing",
    "datetime_type",
    "date_type",
}
