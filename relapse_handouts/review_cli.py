"""``make_docs.py review packet | sign | status``: from a draft to a signed handout.

A reviewer reads a packet (``packet.py``), which shows its fingerprint; ``sign`` records
their approval only if that fingerprint is still the current one, so a signature always
covers the text that was read, never text changed after the packet was made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .config import BuildConfig
from .errors import HandoutError, Location
from .meanings import MEANINGS

if TYPE_CHECKING:
    from .approvals import Approval, ApprovalStatus
    from .gather import Gathered

__all__ = ["add_review_commands", "add_releases_command", "run_review", "run_releases"]


def add_review_commands(commands: Any) -> None:
    review = commands.add_parser(
        "review", help="review packets, signing an approval, the status of every handout"
    )
    actions = review.add_subparsers(dest="action", required=True, metavar="ACTION")
    packet = actions.add_parser("packet", help="write a review packet (HTML and tagged PDF)")
    sign = actions.add_parser("sign", help="record a reviewer's approval of what they read")
    for command in (packet, sign):
        command.add_argument("--handout", required=True, metavar="ID")
        command.add_argument("--locale", required=True, metavar="CODE")
    packet.add_argument(
        "-o", "--output", type=Path, help="packet folder (default: output/review-packets/)"
    )
    sign.add_argument(
        "--fingerprint", required=True, help="the fingerprint printed on the packet read"
    )
    sign.add_argument("--reviewer", required=True, help="the reviewer's full name")
    sign.add_argument("--role", required=True, help="their role, e.g. 'Clinical nurse educator'")
    sign.add_argument(
        "--meaning",
        choices=tuple(MEANINGS),
        help="what the signature means (default: clinical-accuracy for the source "
        "language, translation-accuracy for a translation)",
    )
    actions.add_parser("status", help="every handout x locale: approved, draft, changed, due")


def run_review(config: BuildConfig, args: argparse.Namespace, out: TextIO) -> int:
    from .gather import gather

    if args.action == "status":
        return _status(config, out)
    selected = replace(config, handouts=(args.handout,), locales=(args.locale,), release=False)
    gathered = gather(selected)
    status = _status_of(gathered, args.handout, args.locale)
    if args.action == "packet":
        from .packet import write_packet

        folder = args.output or config.output_dir / "review-packets"
        written = write_packet(config, gathered, status, folder)
        for path in written:
            print(f"wrote {path}", file=out)
        print(f"fingerprint {status.fingerprint}", file=out)
        return 0
    path = sign(config, gathered, status, args, dt.date.today())
    print(f"signed: wrote {path} (fingerprint {status.fingerprint})", file=out)
    return 0


def _status_of(gathered: Gathered, handout: str, locale: str) -> ApprovalStatus:
    status = gathered.approvals.get((handout, locale))
    if status is None:
        raise HandoutError(
            f"no handout '{handout}' in locale {locale}",
            Location(Path("source/handouts")),
            hint="'make_docs.py review status' lists every handout and locale",
        )
    return status


def sign(
    config: BuildConfig,
    gathered: Gathered,
    status: ApprovalStatus,
    args: argparse.Namespace,
    today: dt.date,
) -> Path:
    """Write the approval file, or refuse when the text changed since the packet."""
    from .approvals import approval_path

    if args.fingerprint.strip().lower() != status.fingerprint:
        raise HandoutError(
            f"the content of {status.handout} in {status.locale} changed since the packet "
            f"was made (packet {args.fingerprint[:12]}, now {status.fingerprint[:12]}); "
            "nothing was signed",
            hint=f"make a new packet ('make_docs.py review packet --handout {status.handout} "
            f"--locale {status.locale}'), review it, and sign its fingerprint",
        )
    path = approval_path(config.source_dir, status.handout, status.locale)
    _write_approval(path, _approval(gathered, status, args, today))
    return path


def _approval(
    gathered: Gathered, status: ApprovalStatus, args: argparse.Namespace, today: dt.date
) -> Approval:
    """The reviewer's approval of exactly the texts in ``status``; a translation's also
    records the English it was made from, to tell later when that changes."""
    from .approvals import Approval, SnapshotText
    from .units import source_hash

    source_locale = gathered.project.site.source_locale
    translation = status.locale != source_locale
    handout = next(h for h in gathered.project.handouts if h.id == status.handout)
    english = gathered.approvals[status.handout, source_locale].texts
    return Approval(
        handout=status.handout,
        locale=status.locale,
        reviewer=args.reviewer.strip(),
        role=args.role.strip(),
        meaning=args.meaning or ("translation-accuracy" if translation else "clinical-accuracy"),
        date=today,
        content_version=handout.content_version,
        fingerprint=status.fingerprint,
        source_fingerprint=english.fingerprint if translation else None,
        source_units={t.id: source_hash(t.text) for t in english.texts} if translation else {},
        snapshot=tuple(
            SnapshotText(id=t.id, text=t.text, variants=t.variants) for t in status.texts.texts
        ),
    )


def _write_approval(path: Path, approval: Approval) -> None:
    """The approval as YAML at ``path`` and its signed texts in the snapshot beside it."""
    import yaml

    from .approvals import SNAPSHOT_FIELDS, snapshot_path
    from .files import atomic_write

    header = (
        "# Written by 'make_docs.py review sign'. Do not edit: the signed texts beside it\n"
        "# (.snapshot.json) must hash to the fingerprint; a new signature replaces both.\n"
    )
    record = approval.model_dump(mode="json", exclude_none=True)
    snapshot = {key: record.pop(key) for key in SNAPSHOT_FIELDS}
    body = yaml.safe_dump(
        record,
        allow_unicode=True,
        sort_keys=False,
        width=88,
    )
    path.parent.mkdir(exist_ok=True)
    # The snapshot first: an approval file never names a snapshot that is not there yet.
    texts = json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    atomic_write(snapshot_path(path), texts.encode("utf-8"))
    atomic_write(path, (header + body).encode("utf-8"))


def _status(config: BuildConfig, out: TextIO) -> int:
    from .gather import gather

    gathered = gather(replace(config.unfiltered(), release=False))
    for (handout, locale), status in sorted(
        gathered.approvals.items(), key=lambda item: _order(gathered, item[0])
    ):
        print(f"{handout:<22} {locale:<8} {status.summary()}", file=out)
    return 0


def _order(gathered: Gathered, key: tuple[str, str]) -> tuple[int, int]:
    locales = list(gathered.project.site.locales)
    handouts = [h.id for h in gathered.project.handouts]
    return handouts.index(key[0]), locales.index(key[1])


def add_releases_command(commands: Any) -> argparse.ArgumentParser:
    releases: argparse.ArgumentParser = commands.add_parser(
        "releases", help="list the release archive, or find the entry of a released file"
    )
    releases.add_argument("--hash", metavar="SHA256", help="a file's sha256 (or its start)")
    releases.add_argument("--version", metavar="X.Y.Z", help="the content version printed on it")
    releases.add_argument("--file", type=Path, help="a released file: find it by its bytes")
    return releases


def run_releases(config: BuildConfig, args: argparse.Namespace, out: TextIO) -> int:
    """Every archived release, or those matching --hash, --version or --file; exit 1
    when a search finds nothing."""
    from .archive import describe, find_releases, read_index

    found = find_releases(read_index(config.archive), args.hash, args.version, args.file)
    for record in found:
        print(describe(record), file=out)
    searched = bool(args.hash or args.version or args.file)
    print(f"{len(found)} release(s) in {config.archive}", file=out)
    return 1 if searched and not found else 0
