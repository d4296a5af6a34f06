"""One handout's narration: every utterance's clip in reading order, joined with short
pauses and encoded once as MP3, with each element's begin and end taken from the clips.

The MP3 is encoded by lame with fixed settings and no tags beyond lame's own header
(no ID3, no dates), so the same clips give the same bytes; it is cached by the list of
clips, so a document whose words did not change is never encoded again.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import BinaryIO

from .script import Utterance
from .speech import BYTES_PER_FRAME, SAMPLE_RATE, Clip, SpeechCache, tool_version

__all__ = ["Narration", "Timing", "Narrator", "LAME_SETTINGS", "bitrate_for"]

# Mono MPEG-2 layer III at 22.05 kHz, constant bit rate: 24 kbit/s (180 KB a minute) for
# speech, or 16 kbit/s (120 KB a minute) when that keeps a long handout within budget.
LAME_SETTINGS = ("-m", "m", "--cbr", "-q", "7", "--noreplaygain")
BITRATES_KBPS = (24, 16, 8)
# The EPUB's target is 5 MB; its text, cover and SMIL files take about 0.1 MB. 8 kbit/s
# (poor, but understandable) only for narrations over 40 minutes.
AUDIO_BUDGET_BYTES = 4_800_000
PAUSE_SECONDS = 0.35  # between two elements
PART_PAUSE_SECONDS = 0.9  # between two parts (sections)
END_SECONDS = 0.5  # after the last element, so the last clip ends inside the file

# A recorded clip for an utterance, if the source has one (see recordings.py).
RecordingLookup = Callable[[Utterance], Clip | None]


@dataclass(frozen=True)
class Timing:
    """Where one element is spoken in the narration, in seconds."""

    part: str
    element_id: str
    begin: float
    end: float


@dataclass(frozen=True)
class Narration:
    """The MP3 of a whole handout and where each element is in it."""

    mp3: bytes
    duration: float
    timings: tuple[Timing, ...]
    voices: tuple[str, ...]  # e.g. "eSpeak NG 1.51 (en-us)", for labels and metadata
    recorded_clips: int
    synthesized_clips: int

    @property
    def computer_voice(self) -> bool:
        return self.synthesized_clips > 0


class Narrator:
    """Turns utterances into a ``Narration``; one per worker process (caches versions)."""

    def __init__(self, cache: SpeechCache) -> None:
        self.cache = cache

    @cached_property
    def lame_version(self) -> str:
        return tool_version("lame")

    def narrate(
        self, spoken: tuple[Utterance, ...], recording: RecordingLookup | None = None
    ) -> Narration:
        clips = [self._clip(utterance, recording) for utterance in spoken]
        layout = _layout(spoken, clips)
        timings = tuple(
            Timing(u.part, u.element_id, begin / SAMPLE_RATE, (begin + c.frames) / SAMPLE_RATE)
            for u, c, (begin, _) in zip(spoken, clips, layout, strict=True)
        )
        total = (layout[-1][0] + clips[-1].frames if clips else 0) + _frames(END_SECONDS)
        return Narration(
            self._mp3(clips, layout, total),
            total / SAMPLE_RATE,
            timings,
            self._voices(spoken, clips),
            sum(clip.recorded for clip in clips),
            sum(not clip.recorded for clip in clips),
        )

    def _clip(self, utterance: Utterance, recording: RecordingLookup | None) -> Clip:
        recorded = recording(utterance) if recording else None
        return recorded or self.cache.synthesize(utterance.text, utterance.lang)

    def _voices(self, spoken: tuple[Utterance, ...], clips: list[Clip]) -> tuple[str, ...]:
        from .speech import voice_for

        version = re.search(r"\d+(?:\.\d+)+", self.cache.espeak_version)
        name = f"eSpeak NG {version.group(0) if version else ''}".strip()
        names = [
            "recorded narration" if clip.recorded else f"{name} ({voice_for(u.lang)})"
            for u, clip in zip(spoken, clips, strict=True)
        ]
        return tuple(dict.fromkeys(names))

    def _mp3(self, clips: list[Clip], layout: list[tuple[int, int]], total: int) -> bytes:
        settings = (*LAME_SETTINGS, "-b", str(bitrate_for(total / SAMPLE_RATE)))
        key = hashlib.sha256(
            "\0".join(
                [self.lame_version, *settings, str(total)]
                + [f"{c.key}@{begin}" for c, (begin, _) in zip(clips, layout, strict=True)]
            ).encode()
        ).hexdigest()
        path = self.cache.folder / "mp3" / key[:2] / f"{key}.mp3"
        write = partial(self._write_pcm, clips, layout, total)
        self.cache.stored(path, lambda: _encode(write, settings))
        return self.cache.read(path)

    def _write_pcm(
        self, clips: list[Clip], layout: list[tuple[int, int]], total: int, out: BinaryIO
    ) -> None:
        """The narration's samples into ``out``, one clip at a time: a whole handout's PCM
        is 60 to 100 MB, which held in memory (with its copies) was most of a render
        worker's peak (benchmarks/RESULTS.md, render worker memory)."""
        written = 0
        for clip, (begin, _) in zip(clips, layout, strict=True):
            written += out.write(bytes(begin * BYTES_PER_FRAME - written))  # the pause
            written += out.write(self.cache.samples(clip))
        out.write(bytes(total * BYTES_PER_FRAME - written))


def _layout(spoken: tuple[Utterance, ...], clips: list[Clip]) -> list[tuple[int, int]]:
    """(first frame, pause frames before it) of each clip."""
    layout, position, previous = [], 0, None
    for utterance, clip in zip(spoken, clips, strict=True):
        if previous is None:
            pause = 0
        elif utterance.part != previous:
            pause = _frames(PART_PAUSE_SECONDS)
        else:
            pause = _frames(PAUSE_SECONDS)
        layout.append((position + pause, pause))
        position += pause + clip.frames
        previous = utterance.part
    return layout


def _frames(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


def bitrate_for(seconds: float) -> int:
    """The highest bit rate (kbit/s) that keeps ``seconds`` of audio within the budget."""
    fitting = [rate for rate in BITRATES_KBPS if seconds * rate * 125 <= AUDIO_BUDGET_BYTES]
    return fitting[0] if fitting else BITRATES_KBPS[-1]


def _encode(write_pcm: Callable[[BinaryIO], None], settings: tuple[str, ...]) -> bytes:
    raw = ("-r", "-s", "22.05", "--bitwidth", "16", "--signed", "--little-endian")
    # Into a file, not a pipe: lame goes back to write its header (length, encoder delay),
    # which lets players skip the encoder's padding so the timings stay exact.
    with tempfile.TemporaryDirectory(prefix="lame-") as folder:
        source, target = Path(folder) / "narration.pcm", Path(folder) / "narration.mp3"
        with source.open("wb") as pcm:
            write_pcm(pcm)
        command = ["lame", "--quiet", *raw, *settings, str(source), str(target)]
        subprocess.run(command, capture_output=True, check=True, timeout=600)
        return target.read_bytes()
