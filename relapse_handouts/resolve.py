"""Stage 2: pick one variant and locale, keep only the content whose conditions hold.

Returns a ``ResolvedHandout``: a new frozen value holding exactly what one output shows
(sections, drugs, glossary terms used, references), ready for the layouts.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .conditions import parse_condition
from .errors import ErrorCollector, Location
from .i18n import text_direction
from .markup import link_targets
from .model import (
    SECTION_ROLES,
    Drug,
    GlossaryTerm,
    Handout,
    LocaleInfo,
    Project,
    Reference,
    Section,
    Site,
    TextItem,
    Variant,
)

if TYPE_CHECKING:
    from .approvals import Approval, Signoff
    from .personal import CareSheet

__all__ = ["ResolvedHandout", "resolve_handout", "variant_profile"]

Item = TypeVar("Item")
Profile = dict[str, frozenset[str]]
_VARIANTS_FILE = Path("source/variants.yaml")


@dataclass(frozen=True)
class ResolvedHandout:
    """One handout as one reader gets it: variant applied, locale chosen."""

    handout: Handout
    variant: Variant
    site: Site
    locale: str
    locale_info: LocaleInfo
    direction: str
    drugs: dict[str, tuple[Drug, ...]]
    glossary: tuple[GlossaryTerm, ...]
    references: tuple[Reference, ...]
    source_files: tuple[str, ...]
    personal: CareSheet | None = None  # one child's care sheet (personalize), else None
    # The review status of the content and of this translation (set by gather); None
    # reads as a draft: nothing is ever printed as approved without a signature.
    signoff: Signoff | None = None

    @property
    def draft_kind(self) -> str | None:
        """'content' while no named reviewer signed the source, 'translation' while the
        content is signed but this translation is not, 'changed' when a signed text
        changed since, None when every text this reader gets is signed as it is."""
        return self.signoff.draft_kind if self.signoff else "content"

    @property
    def is_draft(self) -> bool:
        return self.draft_kind is not None

    @property
    def signatures(self) -> tuple[Approval, ...]:
        """The approvals that hold (content first, then translation); empty for a draft."""
        return self.signoff.signatures if self.signoff else ()

    @property
    def changed_since(self) -> Approval | None:
        return self.signoff.changed_since if self.signoff else None

    @property
    def last_reviewed(self) -> dt.date | None:
        """The date a named reviewer signed what this reader gets, or None (a draft)."""
        dates = [approval.date for approval in self.signatures]
        return max(dates) if dates else None


def variant_profile(site: Site, variant: Variant) -> Profile:
    """The values of each attribute the variant sets. An attribute it does not set is
    left out: a condition on it is unknown, so its content is not kept (conditions.py)."""
    return {
        name: frozenset(variant.attributes[name])
        for name in site.attributes
        if name in variant.attributes
    }


def resolve_handout(
    project: Project, handout: Handout, variant: Variant, locale: str
) -> ResolvedHandout:
    """Apply ``variant``'s conditions; raise if a required section would be lost."""
    profile = variant_profile(project.site, variant)
    resolved = handout.model_copy(
        update={
            "key_points": _marked(_keep(handout.key_points, profile), profile),
            "sections": tuple(
                _resolve_section(section, profile) for section in _keep(handout.sections, profile)
            ),
        }
    )
    _require_roles(resolved, variant)
    drugs = _keep(project.drugs, profile)
    _require_link_targets(resolved, drugs, variant)
    used = set(_linked_ids(resolved, drugs, "glossary"))
    references = {ref.id: ref for ref in project.references}
    listed = tuple(dict.fromkeys((*resolved.references, *_cited(resolved))))
    return ResolvedHandout(
        handout=resolved,
        variant=variant,
        site=project.site,
        locale=locale,
        locale_info=project.site.locales[locale],
        direction=text_direction(locale),
        drugs=_by_group(drugs),
        glossary=tuple(
            sorted(
                (t for t in project.glossary if t.id in used), key=lambda term: _sort_key(term.term)
            )
        ),
        references=tuple(references[ref_id] for ref_id in listed),
        source_files=project.source_files[handout.id],
    )


def _keep(items: Iterable[Item], profile: Profile) -> tuple[Item, ...]:
    return tuple(
        item
        for item in items
        if (when := getattr(item, "when", None)) is None or parse_condition(when).holds(profile)
    )


def _resolve_section(section: Section, profile: Profile) -> Section:
    title = next((item.text for item in _keep(section.titles, profile)), section.title)
    return section.model_copy(
        update={
            "title": title,
            "titles": (),
            "blocks": _resolve_blocks(section.blocks, profile),
            "subsections": tuple(
                sub.model_copy(update={"blocks": _resolve_blocks(sub.blocks, profile)})
                for sub in _keep(section.subsections, profile)
            ),
        }
    )


def _resolve_blocks(blocks: Iterable[Any], profile: Profile) -> tuple[Any, ...]:
    """The kept blocks, resolved; a list whose every item was left out goes too."""
    resolved = (_resolve_block(block, profile) for block in _keep(blocks, profile))
    return tuple(
        block
        for block in resolved
        if not any(getattr(block, field, None) == () for field in ("list", "questions"))
    )


def _cited(handout: Handout) -> Iterable[str]:
    """The ids the kept blocks cite, in the order they are first cited."""
    for section in handout.sections:
        for block in (*section.blocks, *(b for sub in section.subsections for b in sub.blocks)):
            # resolved: conditional citations are plain ids by now
            yield from (cite if isinstance(cite, str) else cite.id for cite in block.cites)


def _resolve_block(block: Any, profile: Profile) -> Any:
    if block.cites:
        cites = tuple(
            cite if isinstance(cite, str) else cite.id
            for cite in block.cites
            if isinstance(cite, str) or parse_condition(cite.when).holds(profile)
        )
        block = block.model_copy(update={"cites": cites})
    for field in ("list", "questions"):
        if hasattr(block, field):
            items = _marked(_keep(getattr(block, field), profile), profile)
            return block.model_copy(update={field: items})
    return block


def _marked(items: tuple[TextItem, ...], profile: Profile) -> tuple[TextItem, ...]:
    """Items with ``summary`` resolved to true or false for this variant."""
    return tuple(
        item.model_copy(
            update={
                "summary": item.summary is True
                or (isinstance(item.summary, str) and parse_condition(item.summary).holds(profile))
            }
        )
        for item in items
    )


def _require_roles(handout: Handout, variant: Variant) -> None:
    roles = {section.role for section in handout.sections}
    missing = [role for role in SECTION_ROLES if role not in roles]
    if missing:
        errors = ErrorCollector()
        errors.add(
            f"variant '{variant.id}' leaves handout '{handout.id}' without its "
            f"{', '.join(missing)} section",
            Location(_VARIANTS_FILE),
            field=f"variants.{variant.id}.attributes",
            hint="change the variant's attributes or the section's 'when' so every "
            "handout keeps what relapse is, treatment and questions",
        )
        errors.raise_if_any()


def _require_link_targets(handout: Handout, drugs: tuple[Drug, ...], variant: Variant) -> None:
    """A variant must not keep a link to a section it leaves out (broken in every reader)."""
    kept = {s.id for s in handout.sections} | {
        sub.id for s in handout.sections for sub in s.subsections
    }
    broken = sorted(set(_linked_ids(handout, drugs, "#")) - kept)
    if broken:
        errors = ErrorCollector()
        errors.add(
            f"variant '{variant.id}' keeps links to sections it leaves out: "
            f"{', '.join('#' + anchor for anchor in broken)}",
            Location(Path(f"source/handouts/{handout.id}.yaml")),
            hint="give the linking text the same 'when' as the section it links to",
        )
        errors.raise_if_any()


def _linked_ids(handout: Handout, drugs: Iterable[Drug], scheme: str) -> Iterable[str]:
    texts = list(_strings(handout.model_dump())) + [
        text for drug in drugs for text in _strings(drug.model_dump())
    ]
    for text in texts:
        for href in link_targets(text):
            if scheme == "#" and href.startswith("#"):
                yield href[1:]
            elif href.startswith(scheme + ":"):
                yield href.split(":", 1)[1]


def _strings(data: Any) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from _strings(value)


def _sort_key(word: str) -> tuple[str, str]:
    """Alphabetical order that files accented letters with their base letter (é with e)."""
    base = "".join(
        char
        for char in unicodedata.normalize("NFKD", word.casefold())
        if not unicodedata.combining(char)
    )
    return base, word


def _by_group(drugs: Iterable[Drug]) -> dict[str, tuple[Drug, ...]]:
    groups: dict[str, list[Drug]] = {}
    for drug in drugs:
        groups.setdefault(drug.group, []).append(drug)
    return {group: tuple(items) for group, items in groups.items()}
