"""Last stage: write artifacts into ``output/`` and record them in ``manifest.json``.

Every file is written to a temporary file in the same folder and renamed into place,
so a reader never sees half a file and a failed build leaves the old one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import atomic_write

if TYPE_CHECKING:
    from .render import Artifact

__all__ = ["Manifest", "publish"]

MANIFEST_NAME = "manifest.json"


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
        "edition": spec.edition if spec.format == "pdf" else None,
        "content_version": artifact.content_version,
        "sources": list(artifact.sources),
    }


def publish(
    output_dir: Path, artifacts: tuple[Artifact, ...], removed: tuple[str, ...] = ()
) -> Manifest:
    """Write every artifact, delete ``removed`` outputs (of variants or locales no longer
    in the source), then the manifest, keeping entries of outputs not rebuilt now."""
    for artifact in artifacts:
        atomic_write(output_dir / artifact.spec.path, artifact.data)
    for path in removed:
        (output_dir / path).unlink(missing_ok=True)
    entries = {
        entry["path"]: entry
        for entry in _previous_entries(output_dir)
        if (output_dir / entry["path"]).is_file()
    }
    entries.update({artifact.spec.path.as_posix(): _entry(artifact) for artifact in artifacts})
    manifest = Manifest(tuple(entries[path] for path in sorted(entries)))
    atomic_write(output_dir / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
    return manifest


def _previous_entries(output_dir: Path) -> list[dict[str, Any]]:
    try:
        return json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
