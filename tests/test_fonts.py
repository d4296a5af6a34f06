"""Fonts: text no installed font can draw fails the build (with or without --strict), no
fonts at all is a clear message instead of a crash, the renderer is offered exactly the
font files of the families the styles name (a font added to the machine changes nothing),
and the incremental key follows those files. Each build runs in a process with its own
fontconfig."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from relapse_handouts.config import BuildConfig
from relapse_handouts.errors import HandoutError, Location
from relapse_handouts.fonts import project_fonts, styled_families, use_project_fonts
from relapse_handouts.languages import LANGUAGES
from tests.base import REPO, make_project, snapshot

LATIN_ONLY = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
# A font no style names: what a package such as Chromium brings along.
UNRELATED = next(
    iter(sorted(Path("/usr/share/fonts/truetype").glob("liberation*/LiberationSans-Regular.ttf"))),
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
)


def fontconfig(tmp_path: Path, *fonts: Path) -> dict[str, str]:
    """An environment whose fontconfig sees only ``fonts``."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for font in fonts:
        (folder / font.name).symlink_to(font)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{folder}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def build(project: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "make_docs.py", "--project", str(project), "build", "--format", "pdf"]
        + ["--paper", "letter", "--edition", "standard", "-j", "1", *extra],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def punjabi_word(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(
        text.replace("- One key point.", "- One key point (ਪੰਜਾਬੀ)."), encoding="utf-8"
    )
    (project / "output").mkdir()
    (project / "output/keep.txt").write_text("old")
    return project


@pytest.mark.skipif(not LATIN_ONLY.is_file(), reason="fonts-noto-core is not installed")
@pytest.mark.parametrize("strict", [(), ("--strict",)])
def test_missing_glyphs_fail_the_build(punjabi_word, tmp_path, strict):
    before = snapshot(punjabi_word / "output")
    run = build(punjabi_word, fontconfig(tmp_path, LATIN_ONLY), *strict)
    assert run.returncode == 1, run.stderr
    assert "source/handouts/tiny.yaml: error: " in run.stderr
    assert "character(s) of the en-CA text have no glyph" in run.stderr
    assert "U+0A2A" in run.stderr and "fonts-noto-core" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(punjabi_word / "output") == before


def test_no_fonts_at_all_is_a_clear_message(punjabi_word, tmp_path):
    before = snapshot(punjabi_word / "output")
    run = build(punjabi_word, fontconfig(tmp_path))
    assert run.returncode == 1, run.stderr
    assert run.stderr.startswith("error: no fonts are installed: text cannot be drawn")
    assert "Traceback" not in run.stderr and "warn(" not in run.stderr
    assert snapshot(punjabi_word / "output") == before


def test_errors_from_worker_processes_keep_location_and_hint():
    error = HandoutError("boom", Location(Path("a.yaml"), 3), field="f", hint="fix it")
    again = pickle.loads(pickle.dumps(error))
    assert again.format() == "a.yaml:3: error: f: boom\n  hint: fix it"


@pytest.mark.skipif(not LATIN_ONLY.is_file(), reason="fonts-noto-core is not installed")
def test_incremental_key_follows_the_font_files(tmp_path):
    project = make_project(tmp_path)
    env = fontconfig(tmp_path, LATIN_ONLY)
    pdf = project / "output/en-CA/tiny.letter.pdf"
    assert build(project, env).returncode == 0
    first = pdf.stat().st_mtime_ns
    assert build(project, env).returncode == 0
    assert pdf.stat().st_mtime_ns == first  # same fonts: up to date
    # The font file the renderer selects is updated: the output is rebuilt.
    font = tmp_path / "fonts" / LATIN_ONLY.name
    font.unlink()
    font.write_bytes(LATIN_ONLY.read_bytes())
    run = build(project, env)
    assert run.returncode == 0, run.stderr
    assert pdf.stat().st_mtime_ns != first


@pytest.mark.skipif(not LATIN_ONLY.is_file(), reason="fonts-noto-core is not installed")
def test_epub_cover_refuses_characters_no_font_has(tmp_path):
    project = make_project(tmp_path)
    variants = project / "source/variants.yaml"
    text = variants.read_text(encoding="utf-8")
    variants.write_text(text.replace("title: ", "title: ਪੰਜਾਬੀ ", 1), encoding="utf-8")
    env = fontconfig(tmp_path, LATIN_ONLY)
    run = subprocess.run(
        [sys.executable, "make_docs.py", "--project", str(project), "build", "--format", "epub"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    assert "character(s) of the e-book cover have no glyph" in run.stderr
    assert "U+0A2A" in run.stderr and "Traceback" not in run.stderr
    assert not (project / "output/en-CA").exists()


def _offered(env: dict[str, str]) -> str:
    return subprocess.run(
        ["fc-list", "--format", "%{file}\n"], env=env, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(not UNRELATED.is_file(), reason="no unrelated font to add")
def test_a_font_added_to_the_machine_changes_no_output(tmp_path):
    """A font in the user's ~/.fonts (fontconfig's machine configuration reads it) that no
    style names: every output stays up to date, and the renderer is not offered it."""
    project = make_project(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("FONTCONFIG_FILE", "XDG_DATA_HOME")}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    first = build(project, env)
    assert first.returncode == 0, first.stderr
    before = snapshot(project / "output")
    (home / ".fonts").mkdir()
    added = home / ".fonts" / "Unrelated-Regular.ttf"
    added.write_bytes(UNRELATED.read_bytes())
    assert str(added) in _offered(env)  # the machine's fontconfig now offers it
    again = build(project, env)
    assert again.returncode == 0, again.stderr
    assert snapshot(project / "output") == before  # nothing stale, nothing rewritten
    conf = project / ".cache/fonts.conf"
    assert str(added) not in _offered({**env, "FONTCONFIG_FILE": str(conf)})
    assert str(UNRELATED) not in conf.read_text(encoding="utf-8")
    assert "NotoSans-Regular.ttf" in conf.read_text(encoding="utf-8")


def test_the_families_are_those_the_styles_name():
    families = styled_families(REPO / "styles")
    assert {"Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC", "Noto Sans Gurmukhi"} <= set(
        families
    )
    assert not {"sans-serif", "monospace", "Liberation Sans"} & set(families)


@pytest.mark.skipif(not LATIN_ONLY.is_file(), reason="fonts-noto-core is not installed")
def test_the_generated_file_remembers_the_machine_configuration(tmp_path, monkeypatch):
    """Once FONTCONFIG_FILE points at the project's file, fonts are still looked up in the
    machine's configuration (a second build in the same process, its workers)."""
    machine = fontconfig(tmp_path, LATIN_ONLY)["FONTCONFIG_FILE"]
    monkeypatch.setenv("FONTCONFIG_FILE", machine)
    config = BuildConfig.for_project(make_project(tmp_path))
    first = use_project_fonts(config)
    assert os.environ["FONTCONFIG_FILE"] == str(config.root / ".cache/fonts.conf")
    again = project_fonts(config)
    assert again == first and again.machine == machine
    assert [path.name for path in again.files] == [LATIN_ONLY.name]


def test_every_cover_font_is_a_family_the_styles_name():
    """The EPUB cover is drawn with the same hermetic fonts as the pages."""
    families = set(styled_families(REPO / "styles"))
    assert {language.cover_family for language in LANGUAGES.values()} <= families
