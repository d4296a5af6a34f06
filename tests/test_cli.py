"""The command line as a user meets it."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.base import REPO, make_project, run_cli


def test_help_lists_commands():
    run = subprocess.run(
        [sys.executable, "make_docs.py", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    # The commands as listed (first word of an entry under COMMAND), not words of the
    # description: "build" is also in "Build patient handouts".
    listed = re.findall(r"^    ([a-z][a-z-]*)  ", run.stdout, re.M)
    assert {"build", "check", "list", "audit", "personalize", "email", "translations"} <= set(
        listed
    )
    assert "patient" not in listed and len(listed) == len(set(listed))


def test_list_prints_matrix(tmp_path):
    result = run_cli("--project", make_project(tmp_path), "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == 13  # 4 PDF editions x 2 papers, EPUB, HTML, read aloud EPUB/HTML/MP3
    assert lines[0].split() == [
        "general",
        "en-CA",
        "pdf",
        "letter",
        "standard",
        "output/en-CA/tiny.letter.pdf",
    ]
    assert "output/en-CA/tiny.booklet.a4.pdf" in result.out


def test_build_filters_by_format_and_paper(tmp_path):
    project = make_project(tmp_path)
    result = run_cli(
        "--project", project, "build", "--format", "pdf", "--paper", "a4", "--edition", "standard"
    )
    assert result.code == 0, result.err
    # The summary says where the time went and how much memory a renderer took.
    assert re.search(r"^render time by kind, all workers: pdf 1 in \d+\.\d s$", result.out, re.M)
    assert re.search(r"^peak memory of a rendering process: [1-9]\d* MB$", result.out, re.M)
    built = sorted(
        p.relative_to(project / "output").as_posix()
        for p in (project / "output").rglob("*")
        if p.is_file()
    )
    assert built == [
        ".build-state.json",
        "accessibility.html",
        "en-CA/tiny.a4.pdf",
        "index.html",
        "manifest.json",
    ]


def test_unknown_locale_is_a_clear_error(tmp_path):
    result = run_cli("--project", make_project(tmp_path), "build", "--locale", "xx-YY")
    assert result.code == 1
    assert "source/site.yaml: error: unknown locale 'xx-YY'" in result.err
    assert "choose from en-CA" in result.err
