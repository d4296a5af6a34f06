"""Recorded human narration: one audio file per content unit, preferred to the computer
voice wherever it is current.

``source/recordings/<locale>.yaml`` lists, under ``units:``, each recorded unit by the
same stable id as the translations, with the hash of the text it reads (``source``) and
its ``file`` (WAV, or MP3, 22 050 Hz mono) in ``source/recordings/<locale>/``. As with
translations, a recording of a text that has since changed is stale: a warning (the
computer voice reads that unit instead, so the audio matches the words), and
``--release`` refuses it.
"""

from __future__ import annotations

import wave
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from ..errors import ErrorCollector, HandoutError, Location
from ..files import read_bytes
from ..markup import plain_text
from ..model import Project
from ..resolve import ResolvedHandout
from ..units import Unit, iter_units, source_hash
from ..yamlfile import read_yaml
from .narration import RecordingLookup
from .script import Utterance, normalized
from .speech import SAMPLE_RATE, SpeechCache

__all__ = [
    "Recording",
    "Recordings",
    "check_recordings",
    "document_recordings",
    "load_recordings",
    "recordings_path",
]


@dataclass(frozen=True)
class Recording:
    unit_id: str
    file: Path
    source: str  # hash of the text when it was recorded
    current: bool  # the text has not changed since

    @property
    def shown(self) -> Path:
        """The file as errors name it (from the project folder)."""
        return Path("source/recordings") / self.file.parent.name / self.file.name


@dataclass(frozen=True)
class Recordings:
    """The recordings of one locale, and what is wrong with them (warnings)."""

    locale: str
    by_text: dict[str, Recording]  # spoken text of the unit -> its recording
    warnings: tuple[HandoutError, ...]

    def lookup(self, cache: SpeechCache) -> RecordingLookup:
        """The clip of an utterance whose words are a current recorded unit."""

        def clip(utterance: Utterance):  # type: ignore[no-untyped-def]
            recording = self.by_text.get(_spoken(utterance.text))
            if recording is None or not recording.current:
                return None
            data = read_bytes(recording.file, recording.shown, (recording.file.parent,))
            return cache.recorded(data, recording.shown)

        return clip


def check_recordings(
    projects: Mapping[str, Project], source_dir: Path, release: bool
) -> tuple[HandoutError, ...]:
    """Warnings for stale recordings of every locale in ``projects`` (the content per
    locale); raises for broken entries, and in a release for stale ones."""
    errors, warnings = ErrorCollector(), list[HandoutError]()
    for locale, project in projects.items():
        try:
            warnings += load_recordings(project, source_dir, locale, release).warnings
        except HandoutError as error:
            errors.extend(error)
    errors.raise_if_any()
    return tuple(warnings)


def recordings_path(source_dir: Path, locale: str) -> Path:
    return source_dir / "recordings" / f"{locale}.yaml"


def load_recordings(
    project: Project, source_dir: Path, locale: str, release: bool = False
) -> Recordings:
    """The recordings for ``locale`` (``project`` is the content in that locale); errors
    for unknown units and missing files, and for stale recordings in a release."""
    return _load(iter_units(project.model_dump()), source_dir, locale, release, True)


def document_recordings(resolved: ResolvedHandout, source_dir: Path) -> Recordings:
    """The recordings of the texts one document shows, for a render worker (which has
    the resolved document, not the whole project); ``check_recordings`` has checked the
    whole file before rendering."""
    data = {
        "site": resolved.site.model_dump(),
        "variants": [resolved.variant.model_dump()],
        "handouts": [resolved.handout.model_dump()],
        "drugs": [drug.model_dump() for group in resolved.drugs.values() for drug in group],
        "glossary": [term.model_dump() for term in resolved.glossary],
    }
    return _load(iter_units(data), source_dir, resolved.locale, False, False)


def _load(
    found: Iterable[Unit], source_dir: Path, locale: str, release: bool, every_unit: bool
) -> Recordings:
    """``every_unit``: ``found`` is every unit of the locale, so an unknown id is an error."""
    path = recordings_path(source_dir, locale)
    if not path.is_file():
        return Recordings(locale, {}, ())
    shown = path.relative_to(source_dir.parent)
    file = read_yaml(path, shown, inside=(source_dir,))
    entries = file.data.get("units") if isinstance(file.data, dict) else None
    if not isinstance(entries, dict):
        raise HandoutError(
            "expected a mapping with the key 'units' holding one entry per recorded unit",
            file.locate(()),
            hint="start the file with 'units:', then '  <unit id>: {file: ..., source: ...}'",
        )
    units = {unit.id: unit for unit in found}
    errors, by_text = ErrorCollector(), {}
    warnings: list[HandoutError] = []
    for unit_id, entry in entries.items():
        if unit_id not in units and not every_unit:
            continue  # a text this document does not show
        where = file.locate(("units", unit_id))
        recording = _recording(unit_id, entry, units, path.parent / locale, where, errors)
        if recording is None:
            continue
        if every_unit:  # before rendering: a WAV the narration cannot use is an error now
            _check_wav(recording, where, errors)
        if not recording.current:
            stale = _stale(recording, file.locate(("units", unit_id, "source")))
            (errors.extend if release else warnings.append)(stale)
        by_text[_spoken(units[unit_id].text)] = recording
    errors.raise_if_any()
    return Recordings(locale, by_text, tuple(warnings))


def _recording(
    unit_id: str,
    entry: Any,
    units: dict[str, Any],
    folder: Path,
    where: Location,
    errors: ErrorCollector,
) -> Recording | None:
    if unit_id not in units:
        errors.add(
            f"no content unit '{unit_id}'",
            where,
            field=f"units.{unit_id}",
            hint="use a unit id from the translation files; remove recordings of deleted text",
        )
        return None
    if not isinstance(entry, dict) or not entry.get("file") or not entry.get("source"):
        errors.add(
            "a recording needs 'file' and 'source'",
            where,
            field=f"units.{unit_id}",
            hint="file: the audio file's name; source: the hash of the text it reads",
        )
        return None
    audio = folder / str(entry["file"])
    # A file name from data, never a path: "../../secret.wav" must not leave the folder.
    if (
        Path(str(entry["file"])).name != str(entry["file"])
        or not audio.is_file()
        or (audio.suffix.lower() not in (".wav", ".mp3"))
    ):
        errors.add(
            f"no WAV or MP3 file {audio.name} in {folder.name}/",
            where,
            field=f"units.{unit_id}.file",
            hint="put the recording next to the list, or fix its name",
        )
        return None
    current = str(entry["source"]) == source_hash(units[unit_id].text)
    return Recording(unit_id, audio, str(entry["source"]), current)


def _check_wav(recording: Recording, where: Location, errors: ErrorCollector) -> None:
    if recording.file.suffix.lower() != ".wav":
        return  # MP3s are decoded (and checked) when the narration is made
    data = read_bytes(recording.file, recording.shown, (recording.file.parent,))
    name = recording.shown.name
    try:
        with wave.open(BytesIO(data), "rb") as reader:
            rate, channels, width = (
                reader.getframerate(),
                reader.getnchannels(),
                reader.getsampwidth(),
            )
    except (wave.Error, EOFError) as error:
        rate, channels, width, problem = 0, 0, 0, f"{name} is not a WAV file ({error})"
    else:
        problem = f"{name} is {rate} Hz, {channels} channel(s), {8 * width}-bit"
    if (rate, channels, width) != (SAMPLE_RATE, 1, 2):
        errors.add(
            problem,
            where,
            field=f"units.{recording.unit_id}.file",
            hint="narration must be 22050 Hz mono 16-bit: ffmpeg -i IN -ar 22050 -ac 1 "
            "-sample_fmt s16 OUT.wav",
        )


def _stale(recording: Recording, where: Location) -> HandoutError:
    return HandoutError(
        f"the recording of '{recording.unit_id}' reads an older text",
        where,
        field=f"units.{recording.unit_id}.source",
        hint="record the new text and update 'source'; until then the computer voice "
        "reads it (a release refuses stale recordings)",
    )


def _spoken(text: str) -> str:
    return normalized(plain_text(text))
