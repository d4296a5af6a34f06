"""Translation units: every translatable text of the content model, under a stable id.

Ids come from the source language's stable ids (section, block, term, drug ids), with a
position only where the author gave no id. The same walk finds units and writes them
back, so extraction and translation can never disagree about what a unit is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Unit", "iter_units", "source_hash"]

ModelPath = tuple[Any, ...]


@dataclass(frozen=True)
class Unit:
    id: str
    path: ModelPath  # where the text sits in ``Project.model_dump()``
    text: str

    @property
    def hash(self) -> str:
        return source_hash(self.text)


def source_hash(text: str) -> str:
    """Short fingerprint of a source text; a translation records the one it translates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def iter_units(data: dict[str, Any]) -> Iterator[Unit]:
    """Every unit of a dumped ``Project``, in a stable order."""
    site = data["site"]
    yield Unit("site.organisation", ("site", "organisation"), site["organisation"])
    yield Unit("site.source_credit", ("site", "source_credit"), site["source_credit"])
    for index, text in enumerate(site.get("contact", ())):
        yield Unit(f"site.contact.{index}", ("site", "contact", index), text)
    for index, text in enumerate(site["disclaimer"]):
        yield Unit(f"site.disclaimer.{index}", ("site", "disclaimer", index), text)
    for v, variant in enumerate(data["variants"]):
        for field in ("title", "description"):
            yield Unit(f"variant.{variant['id']}.{field}", ("variants", v, field), variant[field])
    for h, handout in enumerate(data["handouts"]):
        yield from _handout_units(handout, ("handouts", h))
    for d, drug in enumerate(data["drugs"]):
        yield from _drug_units(drug, ("drugs", d))
    for t, term in enumerate(data["glossary"]):
        for field in ("term", "definition"):
            yield Unit(f"term.{term['id']}.{field}", ("glossary", t, field), term[field])


def _handout_units(handout: dict[str, Any], at: ModelPath) -> Iterator[Unit]:
    prefix = handout["id"]
    for field in ("title", "description", "audience"):
        yield Unit(f"{prefix}.{field}", at + (field,), handout[field])
    for index, keyword in enumerate(handout["keywords"]):
        yield Unit(f"{prefix}.keywords.{index}", at + ("keywords", index), keyword)
    yield from _item_units(handout["key_points"], f"{prefix}.key_points", at + ("key_points",))
    for s, section in enumerate(handout["sections"]):
        yield from _section_units(section, f"{prefix}.{section['id']}", at + ("sections", s))


def _section_units(section: dict[str, Any], prefix: str, at: ModelPath) -> Iterator[Unit]:
    yield Unit(f"{prefix}.title", at + ("title",), section["title"])
    yield from _item_units(section.get("titles", ()), f"{prefix}.titles", at + ("titles",))
    for b, block in enumerate(section["blocks"]):
        block_id = f"{prefix}.{block.get('id') or b}"
        for field in ("p", "key", "caption"):
            if block.get(field):
                suffix = "" if field != "caption" else ".caption"
                yield Unit(block_id + suffix, at + ("blocks", b, field), block[field])
        for field in ("list", "questions"):
            if field in block:
                yield from _item_units(block[field], block_id, at + ("blocks", b, field))
    for i, sub in enumerate(section.get("subsections", ())):
        yield from _section_units(sub, f"{prefix}.{sub['id']}", at + ("subsections", i))


def _item_units(items: list[dict[str, Any]], prefix: str, at: ModelPath) -> Iterator[Unit]:
    for index, item in enumerate(items):
        yield Unit(f"{prefix}.{item.get('id') or index}", at + (index, "text"), item["text"])


def _drug_units(drug: dict[str, Any], at: ModelPath) -> Iterator[Unit]:
    prefix = f"drug.{drug['id']}"
    yield Unit(f"{prefix}.generic", at + ("generic",), drug["generic"])
    for field in ("brands", "other_names"):
        for index, name in enumerate(drug[field]):
            yield Unit(f"{prefix}.{field}.{index}", at + (field, index), name)
    for field in ("purpose", "given"):
        if drug.get(field):
            yield Unit(f"{prefix}.{field}", at + (field,), drug[field])
