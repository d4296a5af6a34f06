"""What a reviewer signs: every text a family can read in one handout in one locale.

The texts are the handout's content units, the variant titles, the drugs, glossary terms
and references it can show, the organisation and contact text, and the layout words of
the locale's catalog that handouts print; each with the variants that show it. The
fingerprint is a hash of exactly these: a change to the layouts' markup, the styles or
the code that changes no words keeps it; a changed word, a changed ``when`` (which
changes who reads a text) or a new layout word changes it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from .conditions import parse_condition
from .files import read_bytes
from .i18n import babel_locale, catalog_path
from .markup import link_targets
from .model import Project
from .resolve import Profile, variant_profile
from .units import iter_units

__all__ = ["ReviewText", "HandoutTexts", "handout_texts", "fingerprint_of"]

# Files whose gettext words print on a handout (the catalog, desk, editor's pages and
# review packets are read by staff, not families).
_STAFF_PAGES = (
    "layouts/desk/",
    "layouts/catalog.html.j2",
    "layouts/review.html.j2",
    "layouts/accessibility.html.j2",
    "layouts/packet.html.j2",
)
_PRINTING_CODE = ("relapse_handouts/html.py", "relapse_handouts/meanings.py")


@dataclass(frozen=True)
class ReviewText:
    """One text a family can read, under a stable id, with the variants that show it."""

    id: str
    text: str
    variants: tuple[str, ...]
    cites: tuple[str, ...] = ()  # references cited beside a fact beyond the seed

    def as_record(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "variants": list(self.variants)}


@dataclass(frozen=True)
class HandoutTexts:
    handout: str
    locale: str
    texts: tuple[ReviewText, ...]

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.texts)

    def by_id(self) -> dict[str, ReviewText]:
        return {text.id: text for text in self.texts}


def fingerprint_of(texts: Iterable[ReviewText]) -> str:
    """sha256 of the texts and who reads them, in a canonical form."""
    records = [[t.id, t.text, list(t.variants)] for t in texts]
    data = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def handout_texts(project: Project, handout_id: str, locale: str, source_dir: Path) -> HandoutTexts:
    """Every text of ``handout_id`` in ``project`` (the model translated into ``locale``)."""
    profiles = {v.id: variant_profile(project.site, v) for v in project.variants}
    data = project.model_dump(mode="json")
    at = next(i for i, h in enumerate(data["handouts"]) if h["id"] == handout_id)
    content = list(_content_texts(data, at, profiles))
    shown: dict[str, set[str]] = {}
    for text in content:
        for target in link_targets(text.text):
            shown.setdefault(target, set()).update(text.variants)
    everyone = tuple(profiles)
    texts = content + [
        *_term_texts(data, shown),
        *_reference_texts(project, handout_id, shown, everyone),
        *(
            ReviewText(f"layout: {key}", word, everyone)
            for key, word in _layout_words(source_dir, locale, project.site.source_locale)
        ),
    ]
    return HandoutTexts(handout_id, locale, tuple(texts))


def _content_texts(
    data: dict[str, Any], at: int, profiles: dict[str, Profile]
) -> Iterator[ReviewText]:
    handout = data["handouts"][at]
    groups = _drug_groups(handout)
    for unit in iter_units(data):
        kind, *rest = unit.path
        if kind == "handouts" and rest[0] != at:
            continue
        if kind == "drugs" and data["drugs"][rest[0]]["group"] not in groups:
            continue
        if kind == "glossary":
            continue  # only the terms the handout links (below)
        chain = _chain(data, unit.path)
        variants = tuple(v for v, profile in profiles.items() if _holds(chain, profile))
        if kind == "variants":
            variants = (data["variants"][rest[0]]["id"],)
        if variants:
            yield ReviewText(unit.id, unit.text, variants, _cites(chain))
    yield ReviewText(
        f"{handout['id']}.content_version", handout["content_version"], tuple(profiles)
    )


def _drug_groups(handout: dict[str, Any]) -> set[str]:
    """Drug groups the handout's drug tables show."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "drugs" in node and isinstance(node["drugs"], str):
                found.add(node["drugs"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(handout)
    return found


def _chain(data: dict[str, Any], path: tuple[Any, ...]) -> list[dict[str, Any]]:
    """The mappings along ``path`` (a handout, its section, block, item...)."""
    chain, node = [], data
    for key in path[:-1]:
        node = node[key]
        if isinstance(node, dict):
            chain.append(node)
    return chain


@functools.cache
def _condition(text: str) -> Any:
    return parse_condition(text)  # the same few conditions, asked per unit and variant


def _holds(chain: list[dict[str, Any]], profile: Profile) -> bool:
    return all(not node.get("when") or _condition(node["when"]).holds(profile) for node in chain)


def _cites(chain: list[dict[str, Any]]) -> tuple[str, ...]:
    """References a block beyond the seed cites (its ``cites`` and ``ref:`` links)."""
    cited: list[str] = []
    for node in chain:
        if node.get("beyond_seed"):
            # a conditional citation ({id, when}) names its reference by id
            cited += [c["id"] if isinstance(c, dict) else c for c in node.get("cites", ())]
    return tuple(dict.fromkeys(cited))


def _term_texts(data: dict[str, Any], shown: dict[str, set[str]]) -> Iterator[ReviewText]:
    for term in data["glossary"]:
        readers = shown.get(f"glossary:{term['id']}")
        if readers:
            variants = tuple(sorted(readers))
            for field in ("term", "definition"):
                yield ReviewText(f"term.{term['id']}.{field}", term[field], variants)


def _reference_texts(
    project: Project, handout_id: str, shown: dict[str, set[str]], everyone: tuple[str, ...]
) -> Iterator[ReviewText]:
    listed = next(h for h in project.handouts if h.id == handout_id).references
    for ref in project.references:
        if ref.id in listed or f"ref:{ref.id}" in shown:
            text = ref.citation + (f" {ref.url}" if ref.url else "")
            yield ReviewText(f"ref.{ref.id}", text, everyone)


def _layout_words(source_dir: Path, locale: str, source_locale: str) -> Iterator[tuple[str, str]]:
    """(msgid, the words printed) of every catalog message a handout prints: the
    template's own English for the source locale, the catalog's translation otherwise.
    Nothing when the project has no catalogs (a project without layout translations)."""
    folder = source_dir / "locale"
    path = folder / "messages.pot" if locale == source_locale else catalog_path(source_dir, locale)
    if not os.path.isfile(path):
        return
    shown = path.relative_to(source_dir.parent)
    data = read_bytes(path, shown, inside=(source_dir,))
    catalog = read_po(BytesIO(data), locale=babel_locale(locale))
    for message in sorted(catalog, key=lambda m: str(m.id)):
        if not message.id or not _printed(message.locations):
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        words = message.string if locale != source_locale else msgid
        yield msgid, words if isinstance(words, str) else " | ".join(words or ())


def _printed(locations: list[tuple[str, Any]]) -> bool:
    return any(
        (name.startswith("layouts/") and not name.startswith(_STAFF_PAGES))
        or name in _PRINTING_CODE
        for name, _line in locations
    )
