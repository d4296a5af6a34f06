"""The validated content model: what the files in ``source/`` mean, as frozen pydantic types.

Text fields hold inline Markdown. Links point at glossary terms (``glossary:ID``),
references (``ref:ID``) or sections (``#ID``); ``when`` holds a variant condition
(``relapse_site.cns and not treatment.radiation``), checked in ``load``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeAlias, get_args

from pydantic import (
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from .model_fields import (
    Condition,
    IconName,
    LocaleTag,
    Markdown,
    Slug,
    Strict,
    WebAddress,
)

__all__ = [
    "Slug",
    "LocaleTag",
    "TextItem",
    "Paragraph",
    "BulletList",
    "KeyMessage",
    "DrugTable",
    "QuestionList",
    "CareTeamBox",
    "CallDetails",
    "BlockBase",
    "Block",
    "Subsection",
    "Section",
    "Handout",
    "Drug",
    "GlossaryTerm",
    "Reference",
    "LocaleInfo",
    "Review",
    "Site",
    "Variant",
    "Project",
    "SECTION_ROLES",
    "Readability",
    "PdfBudget",
]

# Sections every resolved handout must keep, by role (references and disclaimer are
# added by the layout from the handout's metadata and the site's disclaimer).
SECTION_ROLES = ("about", "treatment", "questions")


class TextItem(Strict):
    """One list entry, key point or question: text, an optional stable id and condition.

    ``summary`` marks a key point or question the one-page summary takes: ``true``, or
    a condition (the variants whose summary takes it). Resolving a variant turns it into
    true or false."""

    text: Markdown
    id: Slug | None = None
    when: Condition | None = None
    summary: bool | Condition = False
    # The icon beside an urgent sign (every sign of the urgent section has one: crossref.py).
    icon: IconName | None = None


def _items(value: Any) -> Any:
    # A bare string in a list is shorthand for ``{text: ...}``.
    if isinstance(value, list):
        return [{"text": item} if isinstance(item, str) else item for item in value]
    return value


class ConditionalCite(Strict):
    """A citation kept only where its condition holds, like the text it supports: a
    block about two therapies cites each one's source only where that therapy is."""

    id: Slug
    when: Condition


class BlockBase(Strict):
    """What every block may carry: a stable id, a condition, and its sources.

    ``beyond_seed: true`` marks a block that states a fact the seed page does not give;
    such a block must cite a reference (``cites`` ids, or a ``[x](ref:id)`` link in its
    text), and ``check`` fails it otherwise. Cited references print as numbered notes.
    A citation may carry its own condition (``{id: ..., when: ...}``); resolving a
    variant keeps only the ids that hold.
    """

    id: Slug | None = None
    when: Condition | None = None
    beyond_seed: bool = False
    cites: tuple[Slug | ConditionalCite, ...] = ()


class Paragraph(BlockBase):
    p: Markdown


class BulletList(BlockBase):
    list: tuple[TextItem, ...] = Field(min_length=1)
    _items = field_validator("list", mode="before")(_items)


class KeyMessage(BlockBase):
    """A boxed message the reader must not miss (bordered, not only coloured)."""

    key: Markdown


class DrugTable(BlockBase):
    """The drugs of one group from ``drugs.yaml``, as a table."""

    drugs: Slug
    caption: Markdown


class QuestionList(BlockBase):
    questions: tuple[TextItem, ...] = Field(min_length=1)
    _items = field_validator("questions", mode="before")(_items)


class CareTeamBox(BlockBase):
    """A box with ruled lines for the care team's names and numbers."""

    care_team: Literal[True]
    rows: int = Field(default=4, ge=1, le=8)


class CallDetails(BlockBase):
    """The fever temperature and the number to call: blanks to fill in by hand on a
    printed handout, the care sheet's values on one child's handout. Never a default
    number: each care team sets its own."""

    call_details: Literal[True]


# The block kinds, once: each class with the key that starts it in YAML (its tag).
_BlockKinds: TypeAlias = (
    Annotated[Paragraph, Tag("p")]
    | Annotated[BulletList, Tag("list")]
    | Annotated[KeyMessage, Tag("key")]
    | Annotated[DrugTable, Tag("drugs")]
    | Annotated[QuestionList, Tag("questions")]
    | Annotated[CareTeamBox, Tag("care_team")]
    | Annotated[CallDetails, Tag("call_details")]
)
_BLOCK_CLASSES: dict[str, type] = {
    tag.tag: cls for cls, tag in (get_args(kind) for kind in get_args(_BlockKinds))
}


def _block_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((key for key in value if key in _BLOCK_CLASSES), None)
    return next((tag for tag, cls in _BLOCK_CLASSES.items() if isinstance(value, cls)), None)


Block = Annotated[
    _BlockKinds,
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message=f"a block needs one of the keys {', '.join(_BLOCK_CLASSES)}",
    ),
]


class Subsection(Strict):
    id: Slug
    title: Markdown
    when: Condition | None = None
    blocks: tuple[Block, ...] = Field(min_length=1)


class Section(Strict):
    """A major section: a chapter in the EPUB, an h2 with a bookmark in the PDF."""

    id: Slug
    title: Markdown
    # Other headings for some variants: the first whose condition holds replaces title.
    titles: tuple[TextItem, ...] = ()
    role: Literal["about", "treatment", "questions", "urgent", "support", "care-team"] | None = None
    when: Condition | None = None
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Subsection, ...] = ()
    _items = field_validator("titles", mode="before")(_items)


class Handout(Strict):
    id: Slug
    title: Markdown
    description: Markdown
    audience: Markdown
    content_version: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)?$")]
    # The date this content version was written (document metadata, reproducible builds).
    # Who approved it, and when, is recorded in source/approvals/, never here.
    updated: dt.date
    next_review: dt.date
    keywords: tuple[str, ...] = ()
    key_points: tuple[TextItem, ...] = Field(min_length=1)
    references: tuple[Slug, ...] = Field(min_length=1)
    sections: tuple[Section, ...] = Field(min_length=1)
    _items = field_validator("key_points", mode="before")(_items)


class Drug(Strict):
    id: Slug
    generic: str
    brands: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()
    group: Slug
    purpose: Markdown
    given: Markdown | None = None
    when: Condition | None = None


class GlossaryTerm(Strict):
    id: Slug
    term: str
    definition: Markdown


class Reference(Strict):
    id: Slug
    citation: str
    url: WebAddress | None = None


class Review(Strict):
    """A locale's sign-off. 'reviewed' needs the named person, their role and the date
    they signed; a draft names nobody (no reviewer is printed unless one signed)."""

    status: Literal["draft", "reviewed"]
    reviewer: Annotated[str, Field(min_length=2, max_length=100)] | None = None
    role: Annotated[str, Field(min_length=2, max_length=100)] | None = None
    date: dt.date | None = None

    @model_validator(mode="after")
    def _signed_or_draft(self) -> Review:
        named = (self.reviewer, self.role, self.date)
        if self.status == "reviewed" and None in named:
            raise ValueError(
                "a reviewed locale needs reviewer (a named person), role and date; "
                "until someone signs, use {status: draft}"
            )
        if self.status == "draft" and any(value is not None for value in named):
            raise ValueError(
                "a draft names no reviewer, role or date; set status: reviewed once they sign"
            )
        return self

    @property
    def signed(self) -> bool:
        return self.status == "reviewed"


class LocaleInfo(Strict):
    name: str

    @model_validator(mode="before")
    @classmethod
    def _no_review_here(cls, data: Any) -> Any:
        if isinstance(data, dict) and "review" in data:
            raise ValueError(
                "approvals moved out of site.yaml: remove 'review:'; a reviewer signs one "
                "handout in one locale with 'make_docs.py review sign' (docs/reviewing.md)"
            )
        return data


class PdfBudget(Strict):
    """Largest PDF sizes allowed (KB): small enough to email to a family."""

    latin: int = Field(default=100, ge=10)
    other: int = Field(default=600, ge=10)


class Readability(Strict):
    """Targets for ``make_docs.py check`` (body text only; see quality.py)."""

    max_grade: float = 6
    max_section_grade: float = 8
    max_sentence_words: float = 15
    min_reading_ease: dict[str, float] = {}


class SmtpServer(Strict):
    """The clinic's mail server, for sending handouts (user and password come from the
    environment, never from a file: HANDOUTS_SMTP_USER and HANDOUTS_SMTP_PASSWORD)."""

    host: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", max_length=253)]
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    starttls: bool = True


class Site(Strict):
    """Publisher-wide settings: who publishes, which locales, tailoring attributes."""

    organisation: str
    organisation_url: WebAddress | None = None
    publisher_url: WebAddress | None = None
    source_credit: Markdown
    # Who to contact (the care team; the seed's helpline as the seed gives it).
    contact: tuple[Markdown, ...] = ()
    source_locale: LocaleTag
    locales: dict[LocaleTag, LocaleInfo] = Field(min_length=1)
    papers: tuple[Literal["letter", "a4"], ...] = ("letter", "a4")
    attributes: dict[Slug, tuple[Slug, ...]] = {}
    disclaimer: tuple[Markdown, ...] = Field(min_length=1)
    pdf_budget_kb: PdfBudget = PdfBudget()
    readability: Readability = Readability()
    medical_terms: tuple[Slug, ...] = ()
    smtp: SmtpServer | None = None
    # The hospital mail server's limit for one message (attachments included), in MB:
    # the desk warns before a basket's email goes over it.
    mail_limit_mb: Annotated[float, Field(gt=0, le=1000)] = 10


class Variant(Strict):
    """A named profile of attribute values; unnamed attributes keep all their values."""

    id: Slug
    slug: Slug
    title: Markdown
    description: Markdown
    attributes: dict[Slug, tuple[Slug, ...]] = {}


class Project(Strict):
    """Everything in ``source/``, validated and cross-checked."""

    site: Site
    handouts: tuple[Handout, ...]
    variants: tuple[Variant, ...]
    drugs: tuple[Drug, ...]
    glossary: tuple[GlossaryTerm, ...]
    references: tuple[Reference, ...]
    source_files: dict[str, tuple[str, ...]]
