"""A review packet: what a reviewer reads before signing one handout in one locale.

An accessible HTML page and a tagged PDF (rendered by the same PDF stage as the
handouts). What changed since the last approval comes first, marked word by word
(difflib); unchanged texts are folded. Then readability, and every text once with the
variants that show it, the citations of facts beyond the seed and, for a translation,
the English beside it. The packet shows the fingerprint that ``review sign`` takes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from .approvals import MEANINGS, Approval, ApprovalStatus
from .config import BuildConfig
from .files import atomic_write, read_text
from .i18n import text_direction
from .markup import link_targets, plain_text
from .quality import assess
from .reviewtexts import ReviewText
from .templates import layout_environment

if TYPE_CHECKING:
    from .gather import Gathered

__all__ = ["Change", "word_diff", "changes_since", "write_packet"]

# Words, or single characters of scripts written without spaces (Han, kana, Hangul).
_TOKENS = re.compile(
    r"\s+|[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]|[^\s\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]+"
)


@dataclass(frozen=True)
class Change:
    """One text that differs from the approved snapshot: 'changed', 'added' or 'removed'."""

    kind: str
    id: str
    old: str
    new: str
    variants: tuple[str, ...]
    lang: str = ""
    dir: str = "ltr"
    shown: str = ""  # the variants, in words ("all variants")

    @property
    def marked(self) -> Markup:
        """The words as a reader sees them; the Markdown only when just a link changed."""
        old, new = plain_text(self.old), plain_text(self.new)
        if old == new and self.old != self.new:
            old, new = self.old, self.new
        return word_diff(old, new)


def word_diff(old: str, new: str) -> Markup:
    """``new`` with removed words in <del> and added words in <ins>, each announced in
    words too (a screen reader, or a black-and-white printout, does not rely on colour)."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    out = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            out.append(_marked("del", "removed", "".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            out.append(_marked("ins", "added", "".join(after[j1:j2])))
        if tag == "equal":
            out.append(str(escape("".join(after[j1:j2]))))
    return Markup("".join(out))


def _marked(element: str, label: str, text: str) -> str:
    hidden = f'<span class="visually-hidden">[{label}: </span>'
    return f'<{element}>{hidden}{escape(text)}<span class="visually-hidden">]</span></{element}>'


def changes_since(signed: dict[str, str], texts: tuple[ReviewText, ...]) -> list[Change]:
    """Changed, added and removed texts, in the order of the handout (removed last)."""
    current = {t.id: t for t in texts}
    found = [
        Change(
            "changed" if t.id in signed else "added", t.id, signed.get(t.id, ""), t.text, t.variants
        )
        for t in texts
        if signed.get(t.id) != t.text
    ]
    found += [Change("removed", i, text, "", ()) for i, text in signed.items() if i not in current]
    return found


def write_packet(
    config: BuildConfig, gathered: Gathered, status: ApprovalStatus, folder: Path
) -> tuple[Path, Path]:
    """Write ``<handout>.<locale>.packet.html`` and ``.pdf`` into ``folder``."""
    context = _context(gathered, status)
    env = layout_environment(config.layouts_dir, config.root)
    css = read_text(
        config.styles_dir / "packet.css", Path("styles/packet.css"), inside=(config.styles_dir,)
    )
    html = env.get_template("packet.html.j2").render(**context, css=Markup(css))
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{status.handout}.{status.locale}.packet"
    html_path, pdf_path = folder / f"{stem}.html", folder / f"{stem}.pdf"
    atomic_write(html_path, html.encode("utf-8"))
    atomic_write(pdf_path, _pdf(config, gathered, status, html))
    return html_path, pdf_path


def _pdf(config: BuildConfig, gathered: Gathered, status: ApprovalStatus, html: str) -> bytes:
    """The same tagged-PDF stage as the handouts (pdf/ua-1, project-only fetcher)."""
    from .html import HtmlDocument
    from .pdf import PdfRenderer

    resolved = next(doc for key, doc in gathered.documents.items() if key[0] == status.handout)
    document = HtmlDocument(resolved, None, None, "Review packet", html, ())
    return PdfRenderer(config).render(document).data


def _context(gathered: Gathered, status: ApprovalStatus) -> dict[str, Any]:
    project = gathered.project
    source = project.site.source_locale
    english = gathered.approvals[status.handout, source]
    approval = status.approval
    variants = tuple(v.id for v in project.variants)
    changes = [
        replace(
            change,
            lang=status.locale,
            dir=text_direction(status.locale),
            shown=_shown(change.variants, variants),
        )
        for change in (changes_since(approval.texts(), status.texts.texts) if approval else [])
    ]
    changed_ids = {c.id for c in changes}
    return {
        "handout": next(h for h in gathered.project.handouts if h.id == status.handout),
        "status": status,
        "locale": status.locale,
        "locale_name": project.site.locales[status.locale].name,
        "dir": text_direction(status.locale),
        "translation": status.locale != source,
        "approval": approval,
        "meaning": MEANINGS[approval.meaning] if approval else "",
        "changes": changes,
        "english_changes": _english_changes(english, approval) if status.state == "lapsed" else [],
        "rows": [
            _row(text, english.texts.by_id(), gathered, variants, text.id in changed_ids)
            for text in status.texts.texts
        ],
        "unchanged": len(status.texts.texts) - len([c for c in changes if c.kind != "removed"]),
        "readability": _readability(gathered, status),
        "sign_command": (
            f"make_docs.py review sign --handout {status.handout} --locale {status.locale} "
            f'--fingerprint {status.fingerprint} --reviewer "FULL NAME" --role "ROLE"'
        ),
    }


def _english_changes(english: ApprovalStatus, translation: Approval | None) -> list[Change]:
    """For a lapsed translation: the English that changed since the translation was
    signed, word by word when the English approval it was made from is on file."""
    if translation is None:
        return []
    base = english.approval
    if base is not None and base.fingerprint == translation.source_fingerprint:
        return [
            replace(change, lang="en", shown=", ".join(change.variants))
            for change in changes_since(base.texts(), english.texts.texts)
        ]
    changed = set(english.changed)
    return [
        Change("changed", t.id, "", t.text, t.variants)
        for t in english.texts.texts
        if t.id in changed
    ]


def _row(
    text: ReviewText,
    english: dict[str, ReviewText],
    gathered: Gathered,
    everyone: tuple[str, ...],
    changed: bool,
) -> dict[str, Any]:
    references = {ref.id: ref for ref in gathered.project.references}
    cited = list(text.cites) + [
        t.split(":", 1)[1] for t in link_targets(text.text) if t.startswith("ref:")
    ]
    source = english.get(text.id)
    return {
        "id": text.id,
        "text": plain_text(text.text),
        "english": plain_text(source.text) if source else "",
        "variants": _shown(text.variants, everyone),
        "citations": [
            plain_text(references[r].citation) for r in dict.fromkeys(cited) if r in references
        ],
        "changed": changed,
    }


def _shown(variants: tuple[str, ...], everyone: tuple[str, ...]) -> str:
    return "all variants" if variants == everyone else ", ".join(variants)


def _readability(gathered: Gathered, status: ApprovalStatus) -> list[dict[str, Any]]:
    site = gathered.project.site
    rows = []
    for (handout, variant, locale), resolved in gathered.documents.items():
        if handout != status.handout or locale != status.locale:
            continue
        report = assess(resolved, site.readability, site.medical_terms, status.today, False)
        whole = report.whole
        rows.append(
            {
                "variant": variant,
                "grade": whole.grade,
                "smog": whole.smog,
                "ease": whole.ease,
                "words_per_sentence": whole.words_per_sentence,
                "problems": [e.message for e in report.errors],
            }
        )
    return rows
