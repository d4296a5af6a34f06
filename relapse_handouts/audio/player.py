"""What the web page's read-aloud player needs: the MP3's name and size, the timings of
every element and where each part begins and ends, and the script and style to inline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..files import read_text
from ..html import Part
from .narration import Narration

__all__ = ["PlayerView", "player_view", "json_in_script"]


@dataclass(frozen=True)
class PlayerView:
    mp3_name: str  # next to the page: <slug>.mp3
    minutes: int
    megabytes: str
    computer_voice: bool
    data_json: Markup
    script: Markup


def player_view(
    narration: Narration, parts: tuple[Part, ...], mp3_name: str, layouts: Path
) -> PlayerView:
    """The player for a page of ``parts`` (marked) read by ``narration``."""
    sections = []
    for part in parts[1:]:  # the first part (title and key points) is in "Play all" only
        spans = [t for t in narration.timings if t.part == part.anchor]
        if spans:
            sections.append(
                {
                    "heading": spans[0].element_id,
                    "title": part.title,
                    "begin": round(spans[0].begin, 3),
                    "end": round(spans[-1].end, 3),
                }
            )
    data = {
        "timings": [[t.element_id, round(t.begin, 3), round(t.end, 3)] for t in narration.timings],
        "sections": sections,
    }
    return PlayerView(
        mp3_name=mp3_name,
        minutes=max(1, round(narration.duration / 60)),
        megabytes=f"{len(narration.mp3) / 1_000_000:.1f}",
        computer_voice=narration.computer_voice,
        data_json=Markup(json_in_script(data)),
        script=Markup(_script_safe(_project_text(layouts, "read-aloud.js"))),
    )


def _project_text(folder: Path, name: str) -> str:
    # Through the project's one reader: a symlink out of the folder is refused.
    return read_text(folder / name, Path(folder.name) / name, inside=(folder,))


def json_in_script(data: object) -> str:
    """``data`` as JSON that can sit inside ``<script>``: ``<``, ``>`` and ``&`` as JSON
    escapes, so no title (``</script>``, ``<!--``) can close or comment out the element,
    and the text still parses as JSON (``<\\!--`` would not)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text


def _script_safe(text: str) -> str:
    # Nothing inside a <script> element may close it or open a comment.
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")
