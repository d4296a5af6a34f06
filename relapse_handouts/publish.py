"""Last stage: write artifacts into ``output/`` and record them in ``manifest.json``.

Every file is written to a temporary file in the same folder and renamed into place,
so a reader never sees half a file and a failed build leaves the old one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import HandoutError
from .files import (
    MAX_ASSET_BYTES,
    atomic_write,
    read_text,
    remove_temp_files,
    replace_all,
    sha256_of,
    within,
)
from .formats import has_editions

if TYPE_CHECKING:
    from .render import Artifact

__all__ = ["Manifest", "publish", "recover", "read_manifest", "MANIFEST_NAME"]

MANIFEST_NAME = "manifest.json"
PUBLISHING_MARKER = ".publishing"


@dataclass(frozen=True)
class Manifest:
    entries: tuple[dict[str, Any], ...]

    def to_json(self) -> str:
        return (
            json.dumps(
                {"outputs": list(self.entries)}, indent=2, sort_keys=True, ensure_ascii=False
            )
            + "\n"
        )


def _entry(artifact: Artifact) -> dict[str, Any]:
    spec = artifact.spec
    return {
        "path": spec.path.as_posix(),
        "handout": spec.handout_id,
        "variant": spec.variant_id,
        "locale": spec.locale,
        "format": spec.format,
        "paper": spec.paper,
        "pages": artifact.pages,
        "bytes": len(artifact.data),
        "sha256": artifact.sha256,
        "edition": spec.edition if has_editions(spec.format) else None,
        "media_type": spec.output.media_type,
        "duration": artifact.duration,
        "content_version": artifact.content_version,
        "sources": list(artifact.sources),
        # The text's reading level (quality.py), for the nurse desk; null: no formula.
        "reading_level": artifact.reading_level.as_record() if artifact.reading_level else None,
    }


def publish(
    output_dir: Path, artifacts: tuple[Artifact, ...], removed: tuple[str, ...] = ()
) -> Manifest:
    """Write every artifact, delete ``removed`` outputs (of variants or locales no longer
    in the source), then the manifest, keeping entries of outputs not rebuilt now.

    All files are written to temporary files before any is renamed (a full disk changes
    nothing); a marker file stands while they are renamed, so that after a crash the next
    build knows to check the manifest against the files (``recover``)."""
    files = {within(output_dir, *artifact.spec.path.parts): artifact.data for artifact in artifacts}
    marker = output_dir / PUBLISHING_MARKER
    try:
        replace_all(files, before_rename=lambda: atomic_write(marker, b""))
        for path in removed:
            within(output_dir, *path.split("/")).unlink(missing_ok=True)
    except BaseException:
        recover(output_dir)
        raise
    entries = {
        entry["path"]: entry
        for entry in read_manifest(output_dir).entries
        if (output_dir / entry["path"]).is_file()
    }
    entries.update({artifact.spec.path.as_posix(): _entry(artifact) for artifact in artifacts})
    manifest = Manifest(tuple(entries[path] for path in sorted(entries)))
    atomic_write(output_dir / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
    marker.unlink()
    return manifest


def recover(output_dir: Path) -> tuple[str, ...]:
    """Undo what a crashed build left: temporary files, and manifest entries whose file
    no longer matches (renamed into place before the crash, or gone). Returns the paths
    of the entries dropped; the next build renders them again."""
    remove_temp_files(output_dir)
    marker = output_dir / PUBLISHING_MARKER
    if not marker.exists():
        return ()
    previous = list(read_manifest(output_dir).entries)
    kept = [entry for entry in previous if _matches(output_dir, entry)]
    if len(kept) != len(previous):
        manifest = Manifest(tuple(kept))
        atomic_write(output_dir / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
    marker.unlink()
    return tuple(entry["path"] for entry in previous if entry not in kept)


def _matches(output_dir: Path, entry: dict[str, Any]) -> bool:
    try:
        path = within(output_dir, *str(entry["path"]).split("/"))
        return sha256_of(path, limit=MAX_ASSET_BYTES) == entry.get("sha256")
    except (HandoutError, KeyError, TypeError):
        return False


def read_manifest(output_dir: Path) -> Manifest:
    """The manifest the last build wrote (empty when there is none or it is unreadable)."""
    try:
        return Manifest(tuple(json.loads(read_text(output_dir / MANIFEST_NAME))["outputs"]))
    except (HandoutError, ValueError, KeyError, TypeError):
        return Manifest(())
