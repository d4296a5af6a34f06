"""Read-aloud outputs from a real build of the tiny four-script root: manifest, catalog,
EPUBCheck and Ace on each audio EPUB, the web page's player in Chromium (plays, moves the
highlight, passes axe), reproducible bytes, clip cache on edits, stale recordings."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
import wave
from pathlib import Path

import pytest

from relapse_handouts.audio.speech import SAMPLE_RATE, voice_for
from relapse_handouts.units import source_hash
from tests.base import (
    ACE,
    REPO,
    edit_yaml,
    epubcheck,
    first_by_default,
    make_project,
    run_cli,
    sign,
)

LOCALES = ("en-CA", "zh-Hans", "ar", "pa")  # one per script: Latin, Han, Arabic, Gurmukhi
AUDIO = ("tiny.mp3", "tiny.audio.epub", "tiny.audio.html")
SAMPLES = REPO / "tests/audio-samples"
# One sentence per language; tests/audio-samples/<locale>.mp3 is what the voice makes of it.
SAMPLE_TEXT = {
    "en-CA": "Your child's care team is there to help.",
    "fr-CA": "L'équipe soignante de votre enfant est là pour vous aider.",
    "es": "El equipo de atención de su hijo está para ayudarle.",
    "zh-Hans": "您孩子的医疗团队会帮助您。",
    "ar": "فريق رعاية طفلك موجود لمساعدتك.",
    "pa": "ਤੁਹਾਡੇ ਬੱਚੇ ਦੀ ਦੇਖਭਾਲ ਟੀਮ ਮਦਦ ਲਈ ਹੈ।",
}
# What `espeak-ng --voices` calls each voice: a person can see it is the right language.
VOICE_NAMES = {
    "en-us": "English",
    "fr": "French",
    "es": "Spanish",
    "cmn": "Chinese_(Mandarin",
    "ar": "Arabic",
    "pa": "Punjabi",
}

pytestmark = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("lame")),
    reason="ESPEAK-NG OR LAME NOT INSTALLED: 'bash run.sh setup' installs them",
)


def audio_project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, "audio")
    shutil.copytree(REPO / "source/locale", project / "source/locale")
    return project


def build_audio(project: Path, *extra: str) -> object:
    return run_cli(
        "--project", project, "build", "--format", "epub", "--format", "html", "--format", "mp3",
        "--edition", "audio", "-j", "1", *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = audio_project(tmp_path_factory.mktemp("audio-build"))
    result = build_audio(project)
    assert result.code == 0, result.err
    assert "read-aloud e-books (target: under 5 MB each):" in result.out
    assert "ar/tiny.audio.epub:" in result.out and "of 5 MB" in result.out
    return project


def digests(output: Path) -> dict[str, str]:
    return {
        f"{locale}/{name}": hashlib.sha256((output / locale / name).read_bytes()).hexdigest()
        for locale in LOCALES
        for name in AUDIO
    }


def test_manifest_lists_audio_with_duration_and_bytes(built):
    entries = json.loads((built / "output/manifest.json").read_text())["outputs"]
    audio = {e["path"]: e for e in entries if e["path"].split("/")[1] in AUDIO}
    assert len(audio) == len(LOCALES) * len(AUDIO)
    for path, entry in audio.items():
        assert entry["bytes"] == (built / "output" / path).stat().st_size
        assert entry["duration"] > 5
    durations = {round(e["duration"], 3) for e in audio.values() if e["locale"] == "ar"}
    assert len(durations) == 1  # the three outputs share one narration
    catalog = (built / "output/index.html").read_text()
    assert 'href="pa/tiny.mp3">ਸੁਣੋ (MP3)</a>' in catalog
    assert 'href="en-CA/tiny.audio.html">Web page read aloud</a>' in catalog


def test_epubcheck_reports_nothing_on_the_audio_epubs(built, tmp_path):
    """EPUBCheck over the read-aloud EPUB of each script, in one Java process."""
    books = [built / "output" / locale / "tiny.audio.epub" for locale in LOCALES]
    found = epubcheck(books, tmp_path)
    assert {str(book): messages for book, messages in found.items() if messages} == {}


# Ace (a Chromium per book) on Arabic in the default run, every script in CI (slow).
ACE_LOCALES = first_by_default("ar", *(locale for locale in LOCALES if locale != "ar"))


@pytest.mark.parametrize("locale", ACE_LOCALES)
def test_ace_finds_no_violations_on_each_audio_epub(built, locale, tmp_path):
    chromium = shutil.which("chromium")
    if not ACE.exists() or not chromium:
        pytest.skip("ACE BY DAISY NOT RUN: install it with 'bash run.sh setup'")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    book = built / "output" / locale / "tiny.audio.epub"
    subprocess.run(
        [str(ACE), "--silent", "-o", str(tmp_path / "ace"), str(book)],
        env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    report = json.loads((tmp_path / "ace/report.json").read_text())
    violations = [
        (a["earl:testSubject"]["url"], b["earl:test"]["dct:title"])
        for a in report["assertions"]
        for b in a.get("assertions", [])
    ]
    assert violations == []
    assert report["earl:result"]["earl:outcome"] == "pass"


def test_the_page_plays_its_first_section_and_the_highlight_moves(built, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    from axe_playwright_python.sync_playwright import Axe

    page_url = (built / "output/en-CA/tiny.audio.html").as_uri()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_url)
        violations = Axe().run(page, options={"resultTypes": ["violations"]}).response
        assert [v["id"] for v in violations["violations"]] == []
        button = page.locator("button.read-aloud-section").first
        assert button.get_attribute("aria-label") == "Listen: About relapse"
        button.focus()
        page.keyboard.press("Enter")  # keyboard-operable
        seen: list[str] = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(seen) < 2:
            active = page.evaluate(
                "Array.from(document.querySelectorAll('.read-aloud-active')).map(e => e.id)"
            )
            if active and (not seen or seen[-1] != active[0]):
                seen.append(active[0])
            page.wait_for_timeout(100)
        playing = page.evaluate("document.getElementById('read-aloud-audio').currentTime")
        assert button.text_content() == "Pause"
        browser.close()
    assert seen[:2] == ["about-title", "about.1"], seen
    assert playing > 0 and errors == []


def test_without_its_mp3_the_page_says_so_instead_of_offering_dead_buttons(built, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "tiny.audio.html"  # alone: no tiny.mp3 next to it
    shutil.copy(built / "output/ar/tiny.audio.html", page_file)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_file.as_uri())
        page.locator("button.read-aloud-all").click()
        page.locator("#read-aloud-missing").wait_for(state="visible", timeout=10_000)
        assert page.locator("button.read-aloud-button").count() == 0
        browser.close()


def test_same_source_gives_the_same_bytes(built, tmp_path):
    again = audio_project(tmp_path)  # a fresh output folder: nothing cached
    assert build_audio(again).code == 0
    assert digests(again / "output") == digests(built / "output")


def test_an_edit_synthesizes_only_the_touched_text(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built, project)
    clips = project / ".cache/read-aloud/clips"
    before = set(clips.rglob("*.pcm"))

    def edit(data: dict) -> None:
        data["sections"][0]["blocks"][0]["p"] = (
            "Leukemia cells are also called [blasts](glossary:blasts)."
        )

    edit_yaml(project / "source/handouts/tiny.yaml", edit)
    result = build_audio(project)
    assert result.code == 0, result.err
    assert len(set(clips.rglob("*.pcm")) - before) == 1  # one English paragraph


def test_a_stale_recording_warns_and_release_refuses_it(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built, project)
    folder = project / "source/recordings/en-CA"
    folder.mkdir(parents=True)
    with wave.open(str(folder / "key.wav"), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(bytes(SAMPLE_RATE * 2))
    (project / "source/recordings/en-CA.yaml").write_text(
        f"units:\n  tiny.key_points.0:\n    file: key.wav\n    source: {source_hash('Old.')}\n"
    )
    result = build_audio(project, "--locale", "en-CA")
    assert result.code == 0
    assert "source/recordings/en-CA.yaml:4: warning: units.tiny.key_points.0.source" in result.err
    sign(project)  # signed, so the stale recording is what the release refuses
    refused = build_audio(project, "--locale", "en-CA", "--release")
    assert refused.code == 1
    assert "the recording of 'tiny.key_points.0' reads an older text" in refused.err


@pytest.mark.parametrize("locale", SAMPLE_TEXT)
def test_kept_samples_are_the_voice_of_their_language(locale, tmp_path):
    voice = voice_for(locale)
    listing = subprocess.run(
        ["espeak-ng", f"--voices={voice.split('-')[0]}"], capture_output=True, text=True
    ).stdout
    assert VOICE_NAMES[voice] in listing  # the voice used is named for the right language
    sample = SAMPLES / f"{locale}.mp3"
    assert 0 < sample.stat().st_size < 40_000
    wav = tmp_path / "sample.wav"
    subprocess.run(["lame", "--quiet", "--decode", str(sample), str(wav)], check=True)
    with wave.open(str(wav)) as reader:
        assert reader.getnframes() / reader.getframerate() > 1.0


def make_samples() -> None:
    """Write tests/audio-samples/<locale>.mp3 (run this file as a script after a voice or
    setting changes, then listen to them)."""
    import tempfile

    from relapse_handouts.audio import Narrator, SpeechCache, Utterance

    SAMPLES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        narrator = Narrator(SpeechCache(Path(folder)))
        for locale, text in SAMPLE_TEXT.items():
            narration = narrator.narrate((Utterance("sample", "s", text, locale),))
            (SAMPLES / f"{locale}.mp3").write_bytes(narration.mp3)


if __name__ == "__main__":
    make_samples()
