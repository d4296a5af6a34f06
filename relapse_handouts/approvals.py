"""Approvals: a named reviewer's signature on the exact text of one handout in one locale.

An approval lives in ``source/approvals/<handout>.<locale>.yaml`` (written by
``make_docs.py review sign``) and records who signed, in which role, what the
signature means, when, the fingerprint of what they read (``reviewtexts``), for a
translation the fingerprint of the English it was made from, and a snapshot of the
signed text so the next review can be shown what changed. When the text changes, the
approval no longer matches and that handout in that locale is a draft again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ErrorCollector, HandoutError, Location
from .files import MAX_ASSET_BYTES, read_bytes
from .meanings import MEANINGS
from .model import LocaleTag, Project, Slug
from .reviewtexts import HandoutTexts, ReviewText, fingerprint_of, handout_texts
from .units import source_hash
from .validation import report_invalid
from .yamlfile import YamlFile, YamlReader, read_yaml

__all__ = [
    "MEANINGS",
    "DUE_DAYS",
    "Approval",
    "SnapshotText",
    "ApprovalStatus",
    "Signoff",
    "approval_path",
    "snapshot_path",
    "load_approvals",
    "approval_statuses",
    "release_errors",
    "status_for",
]


DUE_DAYS = 60  # `check` warns this many days before a review is due
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Name = Annotated[str, Field(min_length=2, max_length=100, pattern=r"^\S(.*\S)?$")]


class SnapshotText(BaseModel):
    # Kept exactly as signed (no whitespace stripping): it must hash to the fingerprint.
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    variants: tuple[str, ...]


class Approval(BaseModel):
    """One signature. The snapshot must hash to the fingerprint (``load_approvals``
    refuses an edited one), so what the files say was signed is what was signed."""

    # Texts and ids are kept exactly as signed (no whitespace stripping).
    model_config = ConfigDict(extra="forbid", frozen=True)

    handout: Slug
    locale: LocaleTag
    reviewer: Name
    role: Name
    meaning: Literal["clinical-accuracy", "translation-accuracy"]
    date: dt.date
    content_version: str
    fingerprint: Hex64
    source_fingerprint: Hex64 | None = None
    source_units: dict[str, Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]] = {}
    snapshot: tuple[SnapshotText, ...] = Field(min_length=1)

    @property
    def intact(self) -> bool:
        """Whether the snapshot hashes to the fingerprint (not edited after signing)."""
        texts = [ReviewText(s.id, s.text, s.variants) for s in self.snapshot]
        return fingerprint_of(texts) == self.fingerprint

    def texts(self) -> dict[str, str]:
        return {s.id: s.text for s in self.snapshot}


State = Literal["approved", "draft", "changed", "lapsed"]


@dataclass(frozen=True)
class ApprovalStatus:
    """Where one handout in one locale stands. ``changed`` names the units that differ
    from the approved snapshot (for 'lapsed', the English units the translation's
    source changed in)."""

    handout: str
    locale: str
    state: State
    approval: Approval | None
    texts: HandoutTexts
    changed: tuple[str, ...]
    next_review: dt.date
    today: dt.date

    @property
    def fingerprint(self) -> str:
        return self.texts.fingerprint

    @property
    def due(self) -> Literal["", "due", "overdue"]:
        if self.next_review < self.today:
            return "overdue"
        return "due" if (self.next_review - self.today).days <= DUE_DAYS else ""

    def summary(self) -> str:
        """One line in English for the command line and the editor's page."""
        signed = self.approval
        who = f"{signed.reviewer}, {signed.date.isoformat()}" if signed else ""
        text = {
            "approved": f"approved ({who})",
            "draft": "draft (never signed)",
            "changed": f"changed since approval ({len(self.changed)} units; was {who})",
            "lapsed": f"translation lapsed (English changed in {len(self.changed)} units)",
        }[self.state]
        if self.due:
            text += f"; review {self.due} ({self.next_review.isoformat()})"
        return text


@dataclass(frozen=True)
class Signoff:
    """What one reader's copy carries: the content's status and, for a translation,
    the translation's."""

    content: ApprovalStatus
    translation: ApprovalStatus | None

    @property
    def draft_kind(self) -> str | None:
        """'content' (never signed), 'translation' (translation never signed),
        'changed' (signed, then changed or lapsed), or None (every text signed)."""
        for status, never in ((self.content, "content"), (self.translation, "translation")):
            if status is not None and status.state != "approved":
                return never if status.state == "draft" else "changed"
        return None

    @property
    def changed_since(self) -> Approval | None:
        """The approval the text no longer matches (for 'Draft: changed since ...')."""
        for status in (self.content, self.translation):
            if status is not None and status.state in ("changed", "lapsed"):
                return status.approval
        return None

    @property
    def signatures(self) -> tuple[Approval, ...]:
        """The approvals that hold, content first; empty while anything is a draft."""
        if self.draft_kind is not None:
            return ()
        statuses = (self.content, self.translation)
        return tuple(s.approval for s in statuses if s is not None and s.approval)


def approval_path(source_dir: Path, handout: str, locale: str) -> Path:
    return source_dir / "approvals" / f"{handout}.{locale}.yaml"


# Kept beside the approval in ``<handout>.<locale>.snapshot.json`` (JSON reads in
# milliseconds; a few hundred texts in YAML took a second to parse on every build).
SNAPSHOT_FIELDS = ("snapshot", "source_units")


def snapshot_path(approval_file: Path) -> Path:
    return approval_file.with_name(approval_file.name.removesuffix(".yaml") + ".snapshot.json")


def load_approvals(
    source_dir: Path, project: Project, errors: ErrorCollector, read: YamlReader = read_yaml
) -> dict[tuple[str, str], Approval]:
    """Every approval file with its snapshot, validated; problems go to ``errors`` with
    file and line."""
    found: dict[tuple[str, str], Approval] = {}
    folder = source_dir / "approvals"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        shown = path.relative_to(source_dir.parent)
        try:
            file = read(path, shown, (source_dir,))
            data = _with_snapshot(file, path, source_dir)
            approval = Approval.model_validate(data)
        except HandoutError as error:
            errors.extend(error)
            continue
        except ValidationError as error:
            report_invalid(error, file.locate, errors)
            continue
        problem = _mismatch(approval, path.name, project)
        if problem:
            errors.add(problem, Location(shown), hint="let 'make_docs.py review sign' write it")
            continue
        if not approval.intact:
            errors.add(
                "the signed texts do not hash to the approval's fingerprint (edited by hand)",
                Location(snapshot_path(shown)),
                field="snapshot",
                hint=_RESIGN,
            )
            continue
        found[approval.handout, approval.locale] = approval
    return found


def _with_snapshot(file: YamlFile, path: Path, source_dir: Path) -> Any:
    """The approval's fields and its snapshot's (which the YAML file may not hold)."""
    if not isinstance(file.data, dict):
        return file.data  # reported by validation
    for key in SNAPSHOT_FIELDS:
        if key in file.data:
            raise HandoutError(
                "unknown field", file.locate((key,)), key, "the snapshot lives in the "
                "approval's .snapshot.json file, written by 'make_docs.py review sign'",
            )  # fmt: skip
    snapshot = snapshot_path(path)
    shown = snapshot.relative_to(source_dir.parent)
    try:
        extra = json.loads(read_bytes(snapshot, shown, inside=(source_dir,), limit=MAX_ASSET_BYTES))
    except json.JSONDecodeError as error:
        raise HandoutError(
            f"not valid JSON: {error.msg}", Location(shown, error.lineno), hint=_RESIGN
        ) from None
    if not isinstance(extra, dict) or set(extra) - set(SNAPSHOT_FIELDS):
        raise HandoutError("expected the keys snapshot and source_units", Location(shown))
    return {**file.data, **extra}


_RESIGN = "sign again with 'make_docs.py review sign' (never edit approvals by hand)"


def _mismatch(approval: Approval, name: str, project: Project) -> str | None:
    site = project.site
    if name != f"{approval.handout}.{approval.locale}.yaml":
        return f"the file name must be {approval.handout}.{approval.locale}.yaml"
    if approval.handout not in {h.id for h in project.handouts}:
        return f"no handout '{approval.handout}' in source/handouts"
    if approval.locale not in site.locales:
        return f"locale {approval.locale} is not in source/site.yaml"
    translation = approval.locale != site.source_locale
    if translation != (approval.source_fingerprint is not None):
        return "a translation's approval records source_fingerprint; the source language's does not"
    return None


def approval_statuses(
    source: Project,
    projects: Mapping[str, Project],
    approvals: Mapping[tuple[str, str], Approval],
    source_dir: Path,
    today: dt.date,
) -> dict[tuple[str, str], ApprovalStatus]:
    """The status of every handout in the source locale and each locale of ``projects``."""
    statuses = {}
    locale = source.site.source_locale
    for handout in source.handouts:
        english = handout_texts(source, handout.id, locale, source_dir)
        statuses[handout.id, locale] = _status(
            english, approvals.get((handout.id, locale)), None, handout.next_review, today
        )
        for other, project in projects.items():
            if other == locale:
                continue
            texts = handout_texts(project, handout.id, other, source_dir)
            statuses[handout.id, other] = _status(
                texts, approvals.get((handout.id, other)), english, handout.next_review, today
            )
    return statuses


def _status(
    texts: HandoutTexts,
    approval: Approval | None,
    source: HandoutTexts | None,
    next_review: dt.date,
    today: dt.date,
) -> ApprovalStatus:
    state: State = "approved"
    changed: tuple[str, ...] = ()
    if approval is None:
        state = "draft"
    elif approval.fingerprint != texts.fingerprint:
        state, changed = "changed", _changed_ids(approval.texts(), texts)
    elif source is not None and approval.source_fingerprint != source.fingerprint:
        now = {t.id: source_hash(t.text) for t in source.texts}
        state = "lapsed"
        changed = tuple(
            sorted(i for i in set(now) | set(approval.source_units)
                   if now.get(i) != approval.source_units.get(i))
        )  # fmt: skip
    return ApprovalStatus(
        texts.handout, texts.locale, state, approval, texts, changed, next_review, today
    )


def _changed_ids(signed: dict[str, str], texts: HandoutTexts) -> tuple[str, ...]:
    now = {t.id: t.text for t in texts.texts}
    ids = [i for i in now if signed.get(i) != now[i]] + [i for i in signed if i not in now]
    # A unit whose words stayed but whose readers (its 'when') changed counts too.
    return tuple(dict.fromkeys(ids)) or ("(the variants that show a text)",)


def status_for(gathered: object, handout: str, locale: str) -> ApprovalStatus:
    """The review status of one handout in one locale, from a ``Gathered`` value (the
    nurse desk and the catalog call this)."""
    return gathered.approvals[handout, locale]  # type: ignore[attr-defined]


def release_errors(
    statuses: Mapping[tuple[str, str], ApprovalStatus], wanted: Iterable[tuple[str, str]]
) -> list[HandoutError]:
    """Why each wanted handout x locale may not be released (empty when all may)."""
    problems = []
    for key in dict.fromkeys(wanted):
        problems += _release_problems(key, statuses[key])
    return problems


def _release_problems(key: tuple[str, str], status: ApprovalStatus) -> list[HandoutError]:
    """Why one handout x locale may not be released: unsigned, changed since signed, or
    its review overdue."""
    problems = []
    where = Location(Path(f"source/approvals/{key[0]}.{key[1]}.yaml"))
    label = f"handout {key[0]} in {key[1]}"
    if status.state == "draft":
        problems.append(
            HandoutError(
                f"{label} is a draft: no named reviewer has signed it",
                where,
                hint=f"make a packet ('make_docs.py review packet --handout {key[0]} "
                f"--locale {key[1]}') and have a reviewer sign it, or leave it out "
                "with --locale",
            )
        )
    elif status.state in ("changed", "lapsed"):
        what = "its text" if status.state == "changed" else "the English it translates"
        problems.append(
            HandoutError(
                f"{label} changed since it was approved: {what} differs in "
                f"{', '.join(status.changed[:12])}"
                + (f" and {len(status.changed) - 12} more" if len(status.changed) > 12 else ""),
                where,
                field="fingerprint",
                hint="review the changes in a new packet and sign again",
            )
        )
    if status.due == "overdue":
        problems.append(
            HandoutError(
                f"{label}: review was due {status.next_review.isoformat()}",
                Location(Path(f"source/handouts/{key[0]}.yaml")),
                field="next_review",
                hint="have a named reviewer check the content and sign it again, then "
                "set next_review to the next date",
            )
        )
    return problems
