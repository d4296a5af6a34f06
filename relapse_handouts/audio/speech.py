"""Speech as raw samples: eSpeak NG for each utterance, cached on disk by what made it.

A clip is 16-bit mono PCM at 22 050 Hz (eSpeak NG's own rate), kept in the cache under
the hash of (text, voice, speed, eSpeak NG version): editing one paragraph synthesizes
only that paragraph again. Recorded narration is decoded into the same form.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import HandoutError, Location
from ..languages import LANGUAGES, language_of
from .espeak_fork import ForkedVoice

__all__ = ["SAMPLE_RATE", "Clip", "SpeechCache", "voice_for", "tool_version"]

SAMPLE_RATE = 22050
BYTES_PER_FRAME = 2
WORDS_PER_MINUTE = 150  # a little slower than eSpeak NG's 175: families read along
# Three-digit service numbers (211 to 911, North America's N11 codes) standing alone: a
# family dials them digit by digit, so they are read that way ("nine one one", never
# "nine hundred eleven"). eSpeak NG 1.51 also reads an Arabic "911" differently from
# run to run; the separate digits are the same every time.
_SERVICE_NUMBER = re.compile(r"(?<![\d.,])([2-9])11(?![\d]|[.,]\d)")


@dataclass(frozen=True)
class Clip:
    """Cached samples of one utterance: its cache key and length in frames."""

    key: str
    frames: int
    recorded: bool = False

    @property
    def seconds(self) -> float:
        return self.frames / SAMPLE_RATE


def voice_for(lang: str) -> str:
    """The eSpeak NG voice for a BCP 47 language tag (``fr-CA`` -> ``fr``)."""
    language = language_of(lang)
    if language is None:
        raise HandoutError(
            f"no computer voice for language '{lang}'",
            Location(Path("source/site.yaml")),
            field="locales",
            hint=f"eSpeak NG voices are set up for {', '.join(sorted(LANGUAGES))}; add the "
            "language to relapse_handouts/languages.py or record the narration",
        )
    return language.voice


def tool_version(command: str) -> str:
    """The first line ``command --version`` prints, or a clear error if it is missing."""
    try:
        result = subprocess.run(
            [command, "--version"], capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise HandoutError(
            f"{command} is not installed or does not run ({error})",
            hint="install the Debian packages espeak-ng and lame (bash run.sh build does)",
        ) from None
    return result.stdout.strip().splitlines()[0]


class SpeechCache:
    """Synthesized and recorded clips as raw PCM files under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._unsaved: dict[Path, bytes] = {}  # what could not be written (read-only disk)

    @cached_property
    def espeak_version(self) -> str:
        return tool_version("espeak-ng")

    def synthesize(self, text: str, lang: str) -> Clip:
        """The clip of ``text`` read by the computer voice for ``lang``."""
        text = plain_for_espeak(text)
        voice = voice_for(lang)
        key = _hash("espeak", self.espeak_version, voice, str(WORDS_PER_MINUTE), text)
        return Clip(key, self.stored(self.path(key), lambda: self._spoken(text, voice)))

    @cached_property
    def _forked(self) -> ForkedVoice:
        return ForkedVoice(self.espeak_version, SAMPLE_RATE, WORDS_PER_MINUTE)

    def _spoken(self, text: str, voice: str) -> bytes:
        """The samples ``espeak-ng`` gives for ``text``: from the forking server where it
        runs (the same bytes, half the CPU), else from ``espeak-ng`` itself."""
        samples = self._forked.speak(text, voice)
        return samples if samples is not None else _espeak(text, voice)

    def recorded(self, data: bytes, shown: Path) -> Clip:
        """The clip of a recorded file's bytes (WAV, or MP3 decoded by lame), which must
        be 22 050 Hz mono; ``shown`` names the file in errors."""
        key = _hash("recording", hashlib.sha256(data).hexdigest())
        frames = self.stored(self.path(key), lambda: _decode_recording(data, shown))
        return Clip(key, frames, recorded=True)

    def samples(self, clip: Clip) -> bytes:
        return self.read(self.path(clip.key))

    def stored(self, path: Path, make: Callable[[], bytes]) -> int:
        """Make the file at ``path`` unless cached; its length in frames."""
        if path in self._unsaved:
            return len(self._unsaved[path]) // BYTES_PER_FRAME
        if not path.exists():
            self.write(path, make())
        return self.read_length(path) // BYTES_PER_FRAME

    def write(self, path: Path, data: bytes) -> None:
        """Save ``data`` in the cache; kept in memory when the disk refuses it (a cache
        only saves time: a read-only or full disk must not fail the build here)."""
        try:
            _write_atomically(path, data)
        except OSError:
            self._unsaved[path] = data

    def read(self, path: Path) -> bytes:
        return self._unsaved[path] if path in self._unsaved else path.read_bytes()

    def read_length(self, path: Path) -> int:
        return len(self._unsaved[path]) if path in self._unsaved else path.stat().st_size

    def path(self, key: str) -> Path:
        return self.folder / "clips" / key[:2] / f"{key}.pcm"


def plain_for_espeak(text: str) -> str:
    """``text`` that eSpeak NG reads as words: ``[[...]]`` is its phoneme input (content
    such as ``[[h@'loU]]`` would be spoken as sounds), so the brackets are spaced apart;
    a service number such as 911 is read digit by digit."""
    text = _SERVICE_NUMBER.sub(r"\1 1 1", text)
    while "[[" in text or "]]" in text:
        text = text.replace("[[", "[ [").replace("]]", "] ]")
    return text


def _hash(*fields: str) -> str:
    return hashlib.sha256("\0".join(fields).encode("utf-8")).hexdigest()


def _espeak(text: str, voice: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="espeak-") as folder:
        wav, words = Path(folder) / "clip.wav", Path(folder) / "text.txt"
        # The text from a file (never an argument: a text may start with "-"), UTF-8 (-b 1).
        words.write_text(text, encoding="utf-8")
        speed = str(WORDS_PER_MINUTE)
        command = [
            "espeak-ng",
            "-v",
            voice,
            "-s",
            speed,
            "-b",
            "1",
            "-f",
            str(words),
            "-w",
            str(wav),
        ]
        subprocess.run(command, capture_output=True, check=True, timeout=120)
        return _pcm_of(wav)


def _decode_recording(data: bytes, shown: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="decode-") as folder:
        source, wav = Path(folder) / f"recording{shown.suffix.lower()}", Path(folder) / "pcm.wav"
        source.write_bytes(data)
        if shown.suffix.lower() != ".wav":
            command = ["lame", "--quiet", "--decode", str(source), str(wav)]
            subprocess.run(command, capture_output=True, check=True, timeout=300)
            source = wav
        return _pcm_of(source, shown)


def _pcm_of(wav: Path, shown: Path | None = None) -> bytes:
    with wave.open(str(wav), "rb") as reader:
        shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
        if shape != (SAMPLE_RATE, 1, BYTES_PER_FRAME):
            raise HandoutError(
                f"audio is {shape[0]} Hz, {shape[1]} channel(s), {8 * shape[2]}-bit",
                Location(shown or wav),
                hint="narration must be 22050 Hz mono 16-bit: ffmpeg -i IN -ar 22050 "
                "-ac 1 -sample_fmt s16 OUT.wav",
            )
        return reader.readframes(reader.getnframes())


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
