"""The audio outputs of one handout: its MP3, its EPUB with Media Overlays and the parts
and player of its read-aloud web page. One ``AudioRenderer`` per worker process; a
document's narration is made once and shared by its three outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..config import BuildConfig
from ..formats import OutputFormat, output_format
from ..html import HtmlDocument, HtmlRenderer, Part
from ..i18n import babel_locale
from ..resolve import ResolvedHandout
from .narration import Narration, Narrator
from .overlay import add_media_overlays
from .player import PlayerView, player_view
from .recordings import document_recordings
from .script import mark_parts, utterances
from .speech import SpeechCache

__all__ = ["AudioRenderer", "AUDIO_CACHE", "mp3_name"]

# Given the page's parts, returns them marked with ids, and the player for the page.
ReadAloudHook = Callable[[tuple[Part, ...]], tuple[tuple[Part, ...], PlayerView]]
# Clips and MP3s by content hash, in the project (not in output/: a failed build must
# change nothing there, and a cache of thousands of clips is no output).
AUDIO_CACHE = (".cache", "read-aloud")


def mp3_name(slug: str) -> str:
    """The MP3's file name: the variant's slug, short and lower-case for links and QR codes."""
    return f"{slug}.mp3"


class AudioRenderer:
    """Narrates documents (with cached clips) and makes the audio outputs from them."""

    def __init__(self, config: BuildConfig) -> None:
        self.config = config
        self.cache = SpeechCache(config.root.joinpath(*AUDIO_CACHE))
        self.narrator = Narrator(self.cache)
        self._last: tuple[tuple[str, str, str], Narration] | None = None

    def render(self, output: OutputFormat, resolved: ResolvedHandout, html: HtmlRenderer) -> bytes:
        """The bytes of a read-aloud output (its formats-table entry says which)."""
        if output.format == "epub":
            return self.epub(resolved, html)[0]
        if output.format == "html":
            return self.web_page(resolved, html, output)[0]
        return self.mp3(resolved, html).mp3

    @property
    def last_duration(self) -> float:
        """Seconds of the narration used last (for the manifest)."""
        return round(self._last[1].duration, 3) if self._last else 0.0

    def narration(self, resolved: ResolvedHandout, parts: tuple[Part, ...]) -> Narration:
        """The narration of ``parts`` (marked by ``mark_parts``); the last one is kept, as
        a document's three audio outputs are rendered one after the other."""
        key = (resolved.handout.id, resolved.variant.id, resolved.locale)
        if self._last and self._last[0] == key:
            return self._last[1]
        recordings = document_recordings(resolved, self.config.source_dir)
        lookup = recordings.lookup(self.cache)
        narration = self.narrator.narrate(utterances(parts, resolved.locale), lookup)
        self._last = (key, narration)
        return narration

    def mp3(self, resolved: ResolvedHandout, html: HtmlRenderer) -> Narration:
        """The narration whose ``mp3`` is the handout's MP3 file."""
        parts = html.render(resolved, output_format("epub")).parts
        return self.narration(resolved, mark_parts(parts, sources_note(resolved, html)))

    def epub(self, resolved: ResolvedHandout, html: HtmlRenderer) -> tuple[bytes, Narration]:
        """The EPUB with Media Overlays: the EPUB stage's book, then one finishing step."""
        from ..epub import build_epub

        document = html.render(resolved, output_format("epub"))
        marked = replace(document, parts=mark_parts(document.parts, sources_note(resolved, html)))
        narration = self.narration(resolved, marked.parts)
        book = build_epub(marked, html)
        return add_media_overlays(book, narration, _summary(narration)), narration

    def web_player(
        self, resolved: ResolvedHandout, html: HtmlRenderer
    ) -> tuple[ReadAloudHook, list[Narration]]:
        """A hook for ``HtmlRenderer.render``: marks the page's parts and returns them with
        the player; the narration used is appended to the returned list."""
        used: list[Narration] = []
        note = sources_note(resolved, html)

        def hook(parts: tuple[Part, ...]) -> tuple[tuple[Part, ...], PlayerView]:
            marked = mark_parts(parts, note)
            narration = self.narration(resolved, marked)
            used.append(narration)
            name = mp3_name(resolved.variant.slug)
            view = player_view(narration, marked, name, self.config.layouts_dir)
            return marked, view

        return hook, used

    def web_page(
        self, resolved: ResolvedHandout, html: HtmlRenderer, output: OutputFormat
    ) -> tuple[bytes, Narration]:
        """The read-aloud web page (it plays the MP3 saved next to it)."""
        hook, used = self.web_player(resolved, html)
        document: HtmlDocument = html.render(resolved, output, read_aloud=hook)
        return document.html.encode("utf-8"), used[0]


def sources_note(resolved: ResolvedHandout, html: HtmlRenderer) -> str | None:
    """What is read instead of the reference list, which stays in English: in a handout
    in another language, that the sources are in the printed handout (in its language)."""
    if babel_locale(resolved.locale).language == "en":
        return None
    _ = html.gettext(resolved)
    return _("The sources are listed in the printed handout.")


def _summary(narration: Narration) -> str:
    if not narration.computer_voice:
        return "Recorded human narration is synchronized with the text."
    voices = ", ".join(v for v in narration.voices if v != "recorded narration")
    return f"Read aloud by a computer voice ({voices}), synchronized with the text" + (
        ", with parts recorded by a person." if narration.recorded_clips else "."
    )
