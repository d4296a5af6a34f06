"""Hostile or broken YAML in source files, translations and care sheets: each gives
``path:line: error:`` with a hint, exit 1, no traceback, and never echoes raw control
characters; alias bombs are refused before they expand."""

from __future__ import annotations

import time

import pytest

from tests import base
from tests.base import make_project, run_cli, snapshot

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n"
    for i in range(8)
)

# (text replacing "audience: Test readers", expected message, expected hint), each on line 4
CASES = {
    "tag": ("audience: !foo x", "the YAML tag '!foo' is not allowed", "remove the '!' tag"),
    "python tag": (
        "audience: !!python/object/apply:os.system [id]",
        "is not allowed",
        "remove the '!' tag",
    ),
    "impossible date": (
        "audience: 2026-02-30",
        "not a valid date: day is out of range for month",
        "must exist",
    ),
    "control byte": ("audience: Test\x01readers", "U+0001 is not allowed", "control character"),
    "complex key": ("? [a, b]\n: x\naudience: x", "a key must be a single word", "complex key"),
    "deep nesting": (
        "audience: " + "[" * 500 + "]" * 500,
        "nested more than 40 levels deep",
        "indentation",
    ),
    "alias": (
        "audience: &who Test readers\nkeywords: *who",
        "aliases (*name) are not allowed",
        "write the value out in full",
    ),
}


@pytest.fixture
def project(tmp_path):
    project = make_project(tmp_path)
    (project / "output").mkdir()
    (project / "output/keep.txt").write_text("old")
    return project


def set_audience(project, text):
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(
        handout.read_text(encoding="utf-8").replace("audience: Test readers", text),
        encoding="utf-8",
    )


@pytest.mark.parametrize("case", CASES)
def test_bad_yaml_in_a_source_file(project, case):
    text, message, hint = CASES[case]
    set_audience(project, text)
    before = snapshot(project / "output")
    result = run_cli("--project", project, "build", "--format", "html")
    assert result.code == 1
    line = 5 if case == "alias" else 4
    assert f"source/handouts/tiny.yaml:{line}: error: " in result.err, result.err
    assert message in result.err and "\n  hint: " in result.err and hint in result.err
    assert "Traceback" not in result.err
    assert snapshot(project / "output") == before


def test_alias_bomb_is_refused_at_once(project):
    (project / "source/glossary.yaml").write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    result = run_cli("--project", project, "check")
    assert time.perf_counter() - started < 10
    assert result.code == 1
    assert "source/glossary.yaml:2: error: malformed YAML: aliases (*name)" in result.err


def test_messages_never_echo_terminal_escapes(project):
    handout = project / "source/handouts/tiny.yaml"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(
        text.replace("audience: Test readers", 'audience: Test\n"\\e[2J\\e]0;pwned\\a\\u202e": x'),
        encoding="utf-8",
    )
    result = run_cli("--project", project, "check")
    # Escapes bring in nothing a file may not hold raw: refused as raw control characters.
    assert result.code == 1 and "invisible character U+001B is not allowed" in result.err
    assert "\x1b" not in result.err and "\x07" not in result.err and "\u202e" not in result.err


def personalize(project, sheet):
    return base.personalize(project, project.parent / "child.pdf", variant="general", sheet=sheet)


SHEETS = {
    "list": ("- child_first_name: Maya\n", "child.yaml:1: error: a care sheet is a mapping"),
    "impossible date": (
        "child_first_name: Maya\nnext_appointment: 2026-02-30\n",
        "child.yaml:2: error: not a valid date",
    ),
    "alias bomb": (BOMB, "child.yaml:2: error: malformed YAML: aliases"),
    "tag": ("child_first_name: !!binary TWF5YQ==\n", "child.yaml:1: error: the YAML tag"),
    "control byte": ("child_first_name: Ma\x1bya\n", "child.yaml:1: error: the character U+001B"),
    "not UTF-8": ("child_first_name: Ma\xe9ya\n", "child.yaml:1: error: not UTF-8 text"),
}


@pytest.mark.parametrize("case", SHEETS)
def test_bad_care_sheet(project, case):
    text, message = SHEETS[case]
    sheet = project.parent / "child.yaml"
    if case == "not UTF-8":
        sheet.write_bytes(text.encode("latin-1"))
    else:
        sheet.write_text(text, encoding="utf-8")
    result = personalize(project, sheet)
    assert result.code == 1
    assert message in result.err, result.err
    assert "hint:" in result.err and "Traceback" not in result.err
    assert not (project.parent / "child.pdf").exists()


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_care_sheet_must_be_a_small_regular_file(project, kind, tmp_path):
    import os

    sheet = tmp_path / "sheet.yaml"
    if kind == "fifo":
        os.mkfifo(sheet)
    elif kind == "device":
        sheet = "/dev/zero"
    else:
        with open(sheet, "wb") as handle:
            handle.truncate(64 * 1024 * 1024)
    result = personalize(project, sheet)
    expected = "larger than 4 MB" if kind == "huge" else "not a regular file"
    assert result.code == 1 and expected in result.err, result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    "name", ["../../../../tmp/escaped", "en-CA/../../x", "klingon-XX", "EN_ca", "fr-CA\u202e"]
)
def test_locale_names_must_be_language_tags(project, tmp_path, name):
    site = project / "source/site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(
        text.replace("locales:\n", f'locales:\n  "{name}":\n    name: X\n'),
        encoding="utf-8",
    )
    before = snapshot(project)
    for command in (("translations", "update"), ("check",), ("build", "--format", "html")):
        result = run_cli("--project", project, *command)
        assert result.code == 1, result.err
        assert "source/site.yaml:" in result.err and "locales" in result.err
        assert "not a language tag Babel knows" in result.err
        assert "Traceback" not in result.err and "\u202e" not in result.err
    assert snapshot(project) == before
    assert not (tmp_path.parent / "escaped.yaml").exists()
    assert not list(project.parent.parent.rglob("escaped*"))


def test_yaml_cache_reads_again_only_what_changed(tmp_path, monkeypatch):
    """The author preview's reader: unchanged files stay parsed; an edited file, or one
    re-pointed by a link (outside its folder: refused), is read again."""
    from relapse_handouts import yamlfile
    from relapse_handouts.files import FileRefused

    folder = tmp_path / "source"
    folder.mkdir()
    read = []
    real_read = yamlfile.read_yaml
    monkeypatch.setattr(
        yamlfile, "read_yaml", lambda path, *rest: read.append(path.name) or real_read(path, *rest)
    )
    cache = yamlfile.YamlCache()
    first, second = folder / "a.yaml", folder / "b.yaml"
    first.write_text("x: 1\n")
    second.write_text("y: 2\n")
    for path in (first, second, first, second):
        cache(path, None, (folder,))
    assert read == ["a.yaml", "b.yaml"]
    first.write_text("x: 10\n")
    assert cache(first, None, (folder,)).data == {"x": 10} and read[-1] == "a.yaml"
    outside = tmp_path / "b.yaml"
    outside.write_text("y: 2\n")
    second.unlink()
    second.symlink_to(outside)
    with pytest.raises(FileRefused, match="outside the project"):
        cache(second, None, (folder,))
