"""The release archive: every file a ``build --release`` released, kept for good.

Outside ``output/`` (``archive/`` in the project unless ``--archive`` names another
folder, e.g. a backed-up share). Append-only: each file is stored once under its sha256
(``files/<first two hex>/<sha256>.<ext>``) and never rewritten or deleted, and
``index.jsonl`` gets one line per released file: handout, variant, locale, format,
edition, paper, content version, the approvals that held (who, role, meaning, date,
fingerprint) and the release date. A file found in a family's hands is matched to its
line by its hash, or by the content version printed on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import HandoutError, Location
from .files import MAX_ASSET_BYTES, atomic_write, read_bytes

if TYPE_CHECKING:
    from .gather import Gathered
    from .publish import Manifest

__all__ = ["INDEX_NAME", "archive_release", "read_index", "find_releases", "describe"]

INDEX_NAME = "index.jsonl"


def archive_release(
    archive: Path, output_dir: Path, gathered: Gathered, manifest: Manifest, today: dt.date
) -> tuple[dict[str, Any], ...]:
    """Add the outputs this release selected; return the index lines added (a file
    released again unchanged, same bytes and same path, adds nothing)."""
    if archive.resolve().is_relative_to(output_dir.resolve()):
        raise HandoutError(
            "the release archive may not be inside the output folder (builds replace it)",
            Location(archive),
            hint="use the default archive/ of the project, or --archive with another folder",
        )
    by_path = {entry["path"]: entry for entry in manifest.entries}
    known = {(r["sha256"], r["path"]) for r in read_index(archive)}
    added = []
    for spec in gathered.specs:
        entry = by_path.get(spec.path.as_posix())
        if entry is None or (entry["sha256"], entry["path"]) in known:
            continue
        data = read_bytes(output_dir / spec.path, Path("output") / spec.path, limit=MAX_ASSET_BYTES)
        digest = hashlib.sha256(data).hexdigest()
        stored = _store(archive, digest, spec.path.suffix, data)
        added.append(_record(gathered, spec, entry, digest, stored, today))
        known.add((digest, entry["path"]))
    _append(archive, added)
    return tuple(added)


def _store(archive: Path, digest: str, suffix: str, data: bytes) -> str:
    relative = f"files/{digest[:2]}/{digest}{suffix}"
    path = archive / relative
    if not path.exists():  # stored once; never rewritten
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data, mode=0o444)
    return relative


def _record(
    gathered: Gathered,
    spec: Any,
    entry: Mapping[str, Any],
    digest: str,
    stored: str,
    today: dt.date,
) -> dict[str, Any]:
    resolved = gathered.documents[spec.document_key]
    return {
        "sha256": digest,
        "file": stored,
        "path": entry["path"],
        "handout": spec.handout_id,
        "variant": spec.variant_id,
        "locale": spec.locale,
        "format": spec.format,
        "edition": entry.get("edition"),
        "paper": spec.paper,
        "content_version": resolved.handout.content_version,
        "approvals": [
            {
                "locale": approval.locale,
                "reviewer": approval.reviewer,
                "role": approval.role,
                "meaning": approval.meaning,
                "date": approval.date.isoformat(),
                "fingerprint": approval.fingerprint,
            }
            for approval in resolved.signatures
        ],
        "released": today.isoformat(),
    }


def _append(archive: Path, records: Iterable[dict[str, Any]]) -> None:
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    if not lines:
        return
    archive.mkdir(parents=True, exist_ok=True)
    # Appended, never rewritten: earlier lines stay exactly as they were written.
    with open(archive / INDEX_NAME, "a", encoding="utf-8") as index:
        index.write(lines)
        index.flush()
        os.fsync(index.fileno())


def read_index(archive: Path) -> list[dict[str, Any]]:
    path = archive / INDEX_NAME
    if not path.is_file():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise HandoutError(
                "a line of the release index is not valid JSON",
                Location(path, number),
                hint="the index is append-only: restore it from your backup",
            ) from None
    return records


def find_releases(
    records: list[dict[str, Any]],
    sha256: str | None = None,
    version: str | None = None,
    file: Path | None = None,
) -> list[dict[str, Any]]:
    """Entries matching a hash (or its first characters), a printed content version, or
    the bytes of a file; all entries when nothing is asked."""
    if file is not None:
        sha256 = hashlib.sha256(read_bytes(file, limit=MAX_ASSET_BYTES)).hexdigest()
    return [
        r
        for r in records
        if (not sha256 or r["sha256"].startswith(sha256.lower()))
        and (not version or r["content_version"] == version)
    ]


def describe(record: Mapping[str, Any]) -> str:
    """One line for the command line: date, version, what, who signed, hash, file."""
    signed = "; ".join(
        f"{a['locale']}: {a['reviewer']} ({a['role']}, {a['meaning']}, {a['date']})"
        for a in record["approvals"]
    )
    what = "/".join(
        str(record[key])
        for key in ("handout", "variant", "locale", "format", "edition", "paper")
        if record.get(key)
    )
    return (
        f"{record['released']}  version {record['content_version']}  {what}\n"
        f"    approved by {signed or 'nobody (not a release)'}\n"
        f"    sha256 {record['sha256']}  {record['file']}  (was output/{record['path']})"
    )
