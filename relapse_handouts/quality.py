"""Content quality gates, as a patient-education editor would check a handout.

Readability is measured on body text only: paragraphs, list items, key messages, key
points and questions. Headings, the drug table (names and purposes), the glossary, the
references and the disclaimer are left out; a list item without end punctuation counts
as one sentence. English: Flesch-Kincaid grade and SMOG; French: Kandel-Moles (Flesch
adapted for French); Spanish: Fernández-Huerta. Other languages have no formula here.
Uses textstat 0.7.3, which counts syllables with pyphen and needs no network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import textstat

from .approvals import DUE_DAYS
from .errors import HandoutError, Location
from .languages import language_of
from .markup import link_targets, plain_text
from .model import Readability, Section
from .resolve import ResolvedHandout

__all__ = ["Score", "QualityReport", "ReadingLevel", "assess", "reading_level"]

# What each formula measures, by textstat's language (languages.py names a language's):
# a school grade (lower is easier) or a reading ease from 0 to 100 (higher is easier).
FORMULAS = {
    "en": ("grade", "Flesch-Kincaid"),
    "fr": ("ease", "Kandel-Moles"),
    "es": ("ease", "Fernández-Huerta"),
}


@dataclass(frozen=True)
class Score:
    """Readability of one section (or the whole handout when ``section_id`` is '*')."""

    section_id: str
    title: str
    words: int
    sentences: int
    grade: float | None  # Flesch-Kincaid grade (English)
    smog: float | None  # SMOG grade (English)
    ease: float | None  # Kandel-Moles (French) or Fernández-Huerta (Spanish)

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


@dataclass(frozen=True)
class QualityReport:
    handout: str
    variant: str
    locale: str
    scores: tuple[Score, ...]
    errors: tuple[HandoutError, ...]
    warnings: tuple[HandoutError, ...]

    @property
    def whole(self) -> Score:
        return self.scores[-1]


@dataclass(frozen=True)
class ReadingLevel:
    """The whole handout's reading level, as the build records it in the manifest (the
    nurse desk shows it): ``measure`` is "grade" or "ease" (see ``FORMULAS``)."""

    measure: str
    formula: str
    value: float

    def as_record(self) -> dict[str, object]:
        return {"measure": self.measure, "formula": self.formula, "value": self.value}


def reading_level(resolved: ResolvedHandout) -> ReadingLevel | None:
    """The whole body text's score by the language's formula (the figure ``assess``
    checks), rounded to one decimal; ``None`` when no formula applies to the language."""
    row = language_of(resolved.locale)
    language = row.readability if row else None
    if language not in FORMULAS:
        return None
    measure, formula = FORMULAS[language]
    whole = _score("*", "whole handout", _whole_texts(resolved), language)
    value = whole.grade if measure == "grade" else whole.ease
    return ReadingLevel(measure, formula, round(value, 1)) if value is not None else None


def assess(
    resolved: ResolvedHandout,
    targets: Readability,
    medical_terms: tuple[str, ...],
    today: dt.date,
    release: bool,
) -> QualityReport:
    """Score ``resolved`` and list what fails the targets (errors) or needs a look."""
    where = Location(Path(f"source/handouts/{resolved.handout.id}.yaml"))
    label = f"{resolved.variant.id}/{resolved.locale}"
    row = language_of(resolved.locale)
    language = row.readability if row else None  # textstat's language, if it has a formula
    sections = [(s.id, plain_text(s.title), list(_body_text(s))) for s in resolved.handout.sections]
    scores = [_score(sid, title, texts, language) for sid, title, texts in sections if texts]
    scores.append(_score("*", "whole handout", _whole_texts(resolved), language))
    errors = list(_readability_errors(scores, targets, resolved.locale, where, label))
    if resolved.locale == resolved.site.source_locale:
        errors += _unexplained_terms(resolved, medical_terms, where, label)
    overdue, due_soon = _review_due(resolved, today, where, label)
    warnings = due_soon + ([] if release else overdue)
    errors += overdue if release else []
    return QualityReport(
        resolved.handout.id,
        resolved.variant.id,
        resolved.locale,
        tuple(scores),
        tuple(errors),
        tuple(warnings),
    )


def _review_due(
    resolved: ResolvedHandout,
    today: dt.date,
    where: Location,
    label: str,
) -> tuple[list[HandoutError], list[HandoutError]]:
    """(overdue, due soon): an overdue review is an error in a release; one due within
    ``DUE_DAYS`` days is a warning, so the team has time to review."""
    due = resolved.handout.next_review
    hint = (
        "have a named reviewer check the content and sign it again ('make_docs.py review "
        "packet', then 'review sign'), then set next_review to the next date"
    )
    if due < today:
        return [
            HandoutError(f"{label}: review was due {due.isoformat()}", where, "next_review", hint)
        ], []
    if (due - today).days <= DUE_DAYS:
        return [], [
            HandoutError(
                f"{label}: review is due {due.isoformat()}, in {(due - today).days} days",
                where,
                "next_review",
                hint,
            )
        ]
    return [], []


def _whole_texts(resolved: ResolvedHandout) -> list[str]:
    """The key points, then every section's body text."""
    key_points = [item.text for item in resolved.handout.key_points]
    return key_points + [text for s in resolved.handout.sections for text in _body_text(s)]


def _body_text(section: Section) -> Iterator[str]:
    for block in list(section.blocks) + [b for sub in section.subsections for b in sub.blocks]:
        for field in ("p", "key"):
            if getattr(block, field, None):
                yield getattr(block, field)
        for field in ("list", "questions"):
            for item in getattr(block, field, None) or ():
                yield item.text


def _sentences(texts: list[str]) -> str:
    out = []
    for text in texts:
        words = plain_text(text).strip()
        out.append(words if re.search(r"[.!?。؟।:]$", words) else words + ".")
    return " ".join(out)


def _score(section_id: str, title: str, texts: list[str], language: str | None) -> Score:
    text = _sentences(texts)
    textstat.set_lang(language or "en")  # textstat keeps its language globally
    words = textstat.lexicon_count(text)
    sentences = max(1, textstat.sentence_count(text))
    if language == "en":
        return Score(
            section_id,
            title,
            words,
            sentences,
            textstat.flesch_kincaid_grade(text),
            textstat.smog_index(text),
            None,
        )
    ease = {"fr": textstat.flesch_reading_ease, "es": textstat.fernandez_huerta}.get(language or "")
    return Score(section_id, title, words, sentences, None, None, ease(text) if ease else None)


def _readability_errors(
    scores: list[Score], targets: Readability, locale: str, where: Location, label: str
) -> Iterator[HandoutError]:
    whole = scores[-1]
    hint = "use shorter sentences and everyday words; explain the medical words you keep"
    if whole.grade is not None and whole.grade > targets.max_grade:
        yield HandoutError(
            f"{label}: grade {whole.grade:.1f} is above {targets.max_grade}",
            where,
            field="readability",
            hint=hint,
        )
    for score in scores[:-1]:
        if score.grade is not None and score.grade > targets.max_section_grade:
            yield HandoutError(
                f"{label}: section '{score.section_id}' reads at grade "
                f"{score.grade:.1f} (target {targets.max_section_grade})",
                where,
                field=f"sections.{score.section_id}",
                hint=hint,
            )
    minimum = targets.min_reading_ease.get(locale)
    if minimum is not None and whole.ease is not None and whole.ease < minimum:
        yield HandoutError(
            f"{label}: reading ease {whole.ease:.0f} is below {minimum}",
            where,
            field="readability",
            hint=hint,
        )
    if whole.ease is not None or whole.grade is not None:
        if whole.words_per_sentence > targets.max_sentence_words:
            yield HandoutError(
                f"{label}: {whole.words_per_sentence:.1f} words per sentence "
                f"(target {targets.max_sentence_words})",
                where,
                field="readability",
                hint=hint,
            )


def _unexplained_terms(
    resolved: ResolvedHandout, terms: tuple[str, ...], where: Location, label: str
) -> list[HandoutError]:
    """Each medical word: in the glossary, and linked where the body text first uses it
    (to its glossary entry, or to the section that explains it). Headings and the key
    points box, which sums up the body, are not counted as first uses."""
    glossary = {term.id: term for term in resolved.glossary}
    units = [text for s in resolved.handout.sections for text in _body_text(s)]
    problems = []
    for term_id in terms:
        term = glossary.get(term_id)
        if term is None:
            continue  # this variant does not use it (load checks it is in the glossary)
        word = re.sub(r"\s*\(.*\)", "", term.term).casefold()
        first = next((u for u in units if word in plain_text(u).casefold()), None)
        if first is not None and not any(
            t.startswith(("glossary:", "#")) for t in link_targets(first)
        ):
            problems.append(
                HandoutError(
                    f"{label}: '{word}' is not linked to the glossary where it is first used",
                    where,
                    field="medical_terms",
                    hint=f"write [{word}](glossary:{term_id}) at its "
                    "first use, or explain it in the same sentence",
                )
            )
    return problems
