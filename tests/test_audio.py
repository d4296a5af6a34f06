"""Read-aloud, stage by stage: what is read, the clips and their cache, the MP3 and its
timings, Media Overlays read back from the EPUB, and recorded narration."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import wave
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from markupsafe import Markup

from relapse_handouts import HandoutError
from relapse_handouts.audio import Narrator, SpeechCache, mark_parts, utterances
from relapse_handouts.audio.edition import AudioRenderer
from relapse_handouts.audio.narration import bitrate_for
from relapse_handouts.audio.overlay import clock
from relapse_handouts.audio.recordings import load_recordings
from relapse_handouts.audio.script import Utterance
from relapse_handouts.audio.speech import SAMPLE_RATE, voice_for
from relapse_handouts.formats import output_format
from relapse_handouts.gather import gather
from relapse_handouts.html import Part
from relapse_handouts.render import RenderContext
from relapse_handouts.units import source_hash
from tests.base import REPO, config_for, make_project

pytestmark = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("lame")),
    reason="ESPEAK-NG OR LAME NOT INSTALLED: 'bash run.sh setup' installs them",
)
SMIL = "{http://www.w3.org/ns/SMIL}"
OPF = "{http://www.idpf.org/2007/opf}"


def audio_project(tmp_path: Path) -> Path:
    """The tiny multilingual root (en-CA, zh-Hans, ar, pa) with the real layout catalogs."""
    project = make_project(tmp_path, "audio")
    shutil.copytree(REPO / "source/locale", project / "source/locale")
    return project


class Handout:
    """One rendered tiny handout in one locale, with its audio renderer."""

    def __init__(self, project: Path, locale: str) -> None:
        self.config = config_for(project, locales=(locale,), formats=("html",))
        gathered = gather(self.config)
        self.context = RenderContext(self.config, gathered.documents)
        self.resolved = self.context.documents[gathered.specs[0].document_key]
        self.project = gathered.projects[locale]
        self.audio = AudioRenderer(self.config)

    def parts(self) -> tuple[Part, ...]:
        return mark_parts(self.context.html.render(self.resolved, output_format("epub")).parts)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return audio_project(tmp_path_factory.mktemp("audio"))


@pytest.fixture(scope="module")
def english(project) -> Handout:
    return Handout(project, "en-CA")


def decoded_seconds(mp3: bytes, tmp_path: Path) -> float:
    """The MP3's length as a decoder sees it (lame --decode, independent of our timings)."""
    (tmp_path / "in.mp3").write_bytes(mp3)
    subprocess.run(
        ["lame", "--quiet", "--decode", str(tmp_path / "in.mp3"), str(tmp_path / "out.wav")],
        check=True,
    )
    with wave.open(str(tmp_path / "out.wav")) as reader:
        return reader.getnframes() / reader.getframerate()


# What is read -------------------------------------------------------------------------


def test_every_readable_element_gets_an_id_and_authors_ids_are_kept():
    part = Part(
        "section",
        "care",
        "Care",
        Markup(
            '<section id="care"><h2 id="care-title">Care</h2><p>One.</p>'
            '<ul><li>Two <a href="#x">link</a>.</li></ul><table><tr><th>Drug</th>'
            "<td>Oncovin</td></tr><tr><td></td><td></td></tr></table>"
            '<ol lang="en"><li id="ref-a">Cited. <span class="url">https://x</span></li></ol>'
            '<nav class="toc"><p>Not read</p></nav></section>'
        ),
    )
    (marked,) = mark_parts((part,))
    assert '<p id="care.1">One.</p>' in marked.html
    assert '<h2 id="care-title">' in marked.html
    spoken = utterances((marked,), "fr-CA")
    assert [(u.element_id, u.text, u.lang) for u in spoken] == [
        ("care-title", "Care", "fr-CA"),
        ("care.1", "One.", "fr-CA"),
        ("care.2", "Two link.", "fr-CA"),
        ("care.3", "Drug, Oncovin", "fr-CA"),
        ("ref-a", "Cited.", "en"),  # references are English, read by the English voice
    ]


def test_the_real_handout_reads_every_heading_paragraph_item_and_row(english):
    parts = english.parts()
    spoken = utterances(parts, "en-CA")
    ids = [u.element_id for u in spoken]
    assert len(ids) == len(set(ids))
    html = "".join(part.html for part in parts)
    for tag in ("h1", "h2", "p", "li", "tr", "dt", "dd"):
        for element in re.findall(rf"<{tag}\b[^>]*>", html):
            assert " id=" in element, element
    assert "Oncovin" in " ".join(u.text for u in spoken)


# Clips and their cache ----------------------------------------------------------------


def test_each_language_has_its_voice():
    assert [voice_for(x) for x in ("en-CA", "fr-CA", "es", "zh-Hans", "ar", "pa")] == [
        "en-us",
        "fr",
        "es",
        "cmn",
        "ar",
        "pa",
    ]
    with pytest.raises(HandoutError, match="no computer voice for language 'xx'"):
        voice_for("xx")


@pytest.mark.parametrize("lang", ["en-CA", "zh-Hans", "ar", "pa"])
def test_durations_grow_with_text_length(tmp_path, lang):
    cache = SpeechCache(tmp_path)
    texts = {
        "en-CA": ("Rest.", "Rest well tonight, and call the clinic if your child has a fever."),
        "zh-Hans": ("休息。", "今晚好好休息，如果孩子发烧，请打电话给诊所。"),
        "ar": ("استرح.", "استرح جيدا الليلة، واتصل بالعيادة إذا أصيب طفلك بالحمى."),
        "pa": ("ਆਰਾਮ ਕਰੋ।", "ਅੱਜ ਰਾਤ ਚੰਗਾ ਆਰਾਮ ਕਰੋ, ਅਤੇ ਜੇ ਬੱਚੇ ਨੂੰ ਬੁਖਾਰ ਹੋਵੇ ਤਾਂ ਕਲੀਨਿਕ ਨੂੰ ਫ਼ੋਨ ਕਰੋ।"),
    }[lang]
    short, long = (cache.synthesize(text, lang) for text in texts)
    assert 0 < short.seconds < long.seconds
    assert long.seconds > 2 * short.seconds


def test_clips_are_cached_and_an_edit_synthesizes_only_what_changed(tmp_path):
    cache = SpeechCache(tmp_path)
    spoken = tuple(
        Utterance("p", f"p.{i}", text, "en-CA") for i, text in enumerate(["One.", "Two.", "Six."])
    )
    Narrator(cache).narrate(spoken)
    clips = set((tmp_path / "clips").rglob("*.pcm"))
    times = {path: path.stat().st_mtime_ns for path in clips}
    edited = spoken[:2] + (Utterance("p", "p.2", "Seven.", "en-CA"),)
    Narrator(cache).narrate(edited)
    after = set((tmp_path / "clips").rglob("*.pcm"))
    assert len(after - clips) == 1  # only the edited sentence
    assert all(path.stat().st_mtime_ns == times[path] for path in clips)


# The MP3 and its timings --------------------------------------------------------------


def test_timings_follow_reading_order_and_lie_within_the_mp3(english, tmp_path):
    narration = english.audio.narration(english.resolved, english.parts())
    assert narration.timings and narration.computer_voice
    ends = 0.0
    for timing in narration.timings:
        assert ends <= timing.begin < timing.end
        ends = timing.end
    seconds = decoded_seconds(narration.mp3, tmp_path)
    assert ends <= narration.duration <= seconds + 0.1
    assert narration.mp3[:3] != b"ID3"  # no tag with dates or names


def test_the_same_text_gives_the_same_mp3_bytes(project, tmp_path):
    first = Handout(project, "ar")
    second = Handout(project, "ar")
    second.audio.cache = SpeechCache(tmp_path / "fresh")  # nothing reused from the first
    second.audio.narrator = Narrator(second.audio.cache)
    one = first.audio.narration(first.resolved, first.parts())
    two = second.audio.narration(second.resolved, second.parts())
    assert hashlib.sha256(one.mp3).digest() == hashlib.sha256(two.mp3).digest()


def test_the_narration_is_written_for_lame_clip_by_clip(tmp_path, monkeypatch):
    """A whole handout's samples are 60 to 100 MB: never held in memory at once (the
    render worker's peak), yet the same samples, in place, as one buffer would have."""
    from relapse_handouts.audio import narration as module

    cache = SpeechCache(tmp_path)
    texts = ["Rest well tonight.", "Call the clinic.", "If your child has a fever, call."]
    spoken = tuple(
        Utterance(part, f"{part}.{i}", text, "en-CA")
        for i, (part, text) in enumerate(zip(["a", "a", "b"], texts, strict=True))
    )
    writes: list[bytes] = []

    class Recorder(BytesIO):
        def write(self, data) -> int:  # type: ignore[override]
            writes.append(bytes(data))
            return len(data)

    monkeypatch.setattr(module, "_encode", lambda write, settings: write(Recorder()) or b"")
    narration = Narrator(cache).narrate(spoken)
    clips = [cache.samples(cache.synthesize(text, "en-CA")) for text in texts]
    pcm = b"".join(writes)
    assert len(pcm) == round(narration.duration * SAMPLE_RATE) * 2
    for timing, clip in zip(narration.timings, clips, strict=True):
        begin = round(timing.begin * SAMPLE_RATE) * 2
        assert pcm[begin : begin + len(clip)] == clip
    assert pcm.count(0) >= len(pcm) - sum(len(clip) for clip in clips)  # pauses are silence
    silence = round(max(module.PART_PAUSE_SECONDS, module.END_SECONDS) * SAMPLE_RATE) * 2
    assert max(len(data) for data in writes) <= max(silence, *(len(c) for c in clips))


def test_long_handouts_get_a_lower_bit_rate_within_budget():
    assert bitrate_for(60) == 24
    assert bitrate_for(30 * 60) == 16
    assert bitrate_for(60 * 60) == 8


# Media Overlays, read back -------------------------------------------------------------


@pytest.fixture(scope="module", params=["en-CA", "ar"])
def book(request, project) -> tuple[bytes, float]:
    handout = Handout(project, request.param)
    data, narration = handout.audio.epub(handout.resolved, handout.context.html)
    return data, narration.duration


def test_every_smil_text_resolves_and_every_clip_lies_within_the_audio(book, tmp_path):
    data, _ = book
    archive = zipfile.ZipFile(BytesIO(data))
    mp3_seconds = decoded_seconds(archive.read("EPUB/audio/narration.mp3"), tmp_path)
    smil_names = [name for name in archive.namelist() if name.endswith(".smil")]
    assert smil_names
    pars = 0
    for name in smil_names:
        smil = etree.fromstring(archive.read(name))
        for par in smil.iter(f"{SMIL}par"):
            text, audio = par.find(f"{SMIL}text"), par.find(f"{SMIL}audio")
            chapter, _, element_id = text.get("src").partition("#")
            page = etree.fromstring(archive.read("EPUB/" + chapter))
            assert page.xpath("//*[@id=$id]", id=element_id), (chapter, element_id)
            assert archive.read("EPUB/" + audio.get("src"))
            begin, end = (_seconds(audio.get(a)) for a in ("clipBegin", "clipEnd"))
            assert 0 <= begin < end <= mp3_seconds
            pars += 1
    assert pars > 10


def test_package_declares_overlays_durations_and_auditory_access(book):
    data, duration = book
    archive = zipfile.ZipFile(BytesIO(data))
    assert archive.infolist()[0].filename == "mimetype"
    opf = etree.fromstring(archive.read("EPUB/content.opf"))
    items = {item.get("id"): item for item in opf.iter(f"{OPF}item")}
    chapters = [i for i in items.values() if i.get("media-overlay")]
    assert chapters and all(items[c.get("media-overlay")] is not None for c in chapters)
    metas = [(m.get("property"), m.get("refines"), m.text) for m in opf.iter(f"{OPF}meta")]
    durations = [(ref, _seconds(text)) for prop, ref, text in metas if prop == "media:duration"]
    per_overlay = [seconds for refines, seconds in durations if refines]
    (total,) = [seconds for refines, seconds in durations if not refines]
    assert len(per_overlay) == len(chapters)
    assert abs(sum(per_overlay) - total) < 0.01 * len(per_overlay)
    assert 0 < total <= duration
    assert ("media:active-class", None, "read-aloud-active") in metas
    assert ("schema:accessMode", None, "auditory") in metas
    assert ("schema:accessibilityFeature", None, "synchronizedAudioText") in metas
    summary = next(text for prop, _, text in metas if prop == "schema:accessibilitySummary")
    assert "computer voice" in summary
    assert b".read-aloud-active" in archive.read("EPUB/styles/handout.css")


def test_clock_values():
    assert clock(0) == "0:00:00.000"
    assert clock(3723.4567) == "1:02:03.457"


def _seconds(value: str) -> float:
    hours, minutes, seconds = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


# Recorded narration --------------------------------------------------------------------


def _record(project: Path, unit: str, text_hash: str) -> None:
    """A recording of the tiny handout's key point (a WAV made here, one second of tone)."""
    folder = project / "source/recordings/en-CA"
    folder.mkdir(parents=True, exist_ok=True)
    with wave.open(str(folder / "key-point.wav"), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(b"\x10\x00\xf0\xff" * (SAMPLE_RATE // 2))
    (project / "source/recordings/en-CA.yaml").write_text(
        f"units:\n  {unit}:\n    source: {text_hash}\n    file: key-point.wav\n",
        encoding="utf-8",
    )


def test_a_current_recording_replaces_the_computer_voice(tmp_path):
    project = audio_project(tmp_path)
    _record(project, "tiny.key_points.0", source_hash("One key point."))
    handout = Handout(project, "en-CA")
    narration = handout.audio.narration(handout.resolved, handout.parts())
    assert narration.recorded_clips == 1
    assert "recorded narration" in narration.voices
    spoken = next(
        t
        for t in narration.timings
        if t.element_id.startswith("handout-title.") and abs((t.end - t.begin) - 1.0) < 0.001
    )
    assert spoken


def test_a_stale_recording_warns_and_a_release_refuses_it(tmp_path):
    project = audio_project(tmp_path)
    _record(project, "tiny.key_points.0", source_hash("An older key point."))
    handout = Handout(project, "en-CA")
    recordings = load_recordings(handout.project, project / "source", "en-CA", release=False)
    (warning,) = recordings.warnings
    assert "source/recordings/en-CA.yaml:3" in warning.format("warning")
    assert "reads an older text" in warning.message and warning.hint
    narration = handout.audio.narration(handout.resolved, handout.parts())
    assert narration.recorded_clips == 0  # the computer voice reads the new text
    with pytest.raises(HandoutError, match="reads an older text"):
        load_recordings(handout.project, project / "source", "en-CA", True)


def test_a_recording_in_the_wrong_audio_format_is_an_error_before_rendering(tmp_path):
    project = audio_project(tmp_path)
    _record(project, "tiny.key_points.0", source_hash("One key point."))
    with wave.open(str(project / "source/recordings/en-CA/key-point.wav"), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(44100)
        writer.writeframes(bytes(4 * 4410))
    handout = Handout(project, "en-CA")
    with pytest.raises(HandoutError) as raised:
        load_recordings(handout.project, project / "source", "en-CA")
    message = raised.value.format()
    assert "source/recordings/en-CA.yaml:2: error: units.tiny.key_points.0.file:" in message
    assert "key-point.wav is 44100 Hz, 2 channel(s), 16-bit" in message
    assert "22050 Hz mono 16-bit" in message


def test_a_recording_of_an_unknown_unit_is_an_error(tmp_path):
    project = audio_project(tmp_path)
    _record(project, "tiny.no_such_unit", "abc")
    handout = Handout(project, "en-CA")
    with pytest.raises(HandoutError, match="no content unit 'tiny.no_such_unit'"):
        load_recordings(handout.project, project / "source", "en-CA")
