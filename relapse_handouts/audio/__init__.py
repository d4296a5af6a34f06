"""Read-aloud: synchronized narration of every handout (MP3, EPUB Media Overlays, and a
player on the web page).

``script`` finds what is read and gives each element an id, ``speech`` makes or decodes
each clip (cached), ``narration`` joins them into one MP3 with timings, ``recordings``
finds human narration in the source, ``overlay`` adds Media Overlays to an EPUB and
``player`` prepares the web page's player.
"""

from __future__ import annotations

from .narration import Narration, Narrator, Timing
from .script import Utterance, mark_parts, utterances
from .speech import Clip, SpeechCache

__all__ = [
    "Clip",
    "Narration",
    "Narrator",
    "SpeechCache",
    "Timing",
    "Utterance",
    "mark_parts",
    "utterances",
]
