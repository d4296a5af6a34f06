"""The formats table is the one place that names formats, editions, papers and their
words: the desk, the command line, the author preview and the audit take them from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from relapse_handouts.formats import (
    EDITION_LABELS,
    EDITIONS,
    FORMAT_LABELS,
    FORMATS,
    OUTPUTS,
    PAPER_LABELS,
    PAPERS,
    PERSONAL_EDITIONS,
)
from relapse_handouts.publish import MANIFEST_NAME
from tests.base import REPO

PACKAGE = REPO / "relapse_handouts"
# Interfaces over the pipeline: they take every edition and file name from the table.
READERS = [
    *sorted((PACKAGE / "desk").glob("*.py")),
    *sorted((PACKAGE / "preview").glob("*.py")),
    PACKAGE / "cli.py",
    PACKAGE / "cli_args.py",
    PACKAGE / "audit.py",
]
NAMED_ELSEWHERE = {*EDITIONS, *PAPERS}


def test_every_format_edition_and_paper_has_its_words_and_no_other():
    assert list(FORMAT_LABELS) == list(FORMATS)
    assert set(EDITION_LABELS) == set(EDITIONS)
    assert list(PAPER_LABELS) == list(PAPERS)


def test_a_personal_handout_has_the_pdf_editions_rendered_from_the_layouts():
    pdfs = [entry for entry in OUTPUTS if entry.format == "pdf"]
    assert set(PERSONAL_EDITIONS) == {e.edition for e in pdfs if e.made_from is None}
    assert set(PERSONAL_EDITIONS) < {e.edition for e in pdfs}  # the imposed booklet is not


def hard_coded(path: Path) -> list[tuple[int, str]]:
    """(line, string) of each string in ``path`` that is an edition's or paper's name or
    holds the manifest's file name (docstrings included: they would go stale)."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value in NAMED_ELSEWHERE or MANIFEST_NAME in node.value)
    ]


def test_no_interface_module_names_an_edition_a_paper_or_the_manifest():
    assert READERS and all(path.is_file() for path in READERS)
    found = [
        f"{path.relative_to(REPO)}:{line}: {text!r}"
        for path in READERS
        for line, text in hard_coded(path)
    ]
    assert found == []


def test_no_desk_layout_names_an_edition_or_a_paper():
    names = "|".join(map(re.escape, NAMED_ELSEWHERE))
    quoted = re.compile(rf"""["']({names})["']""")
    found = [
        f"{path.relative_to(REPO)}: {match[0]}"
        for path in sorted((REPO / "layouts/desk").glob("*.j2"))
        for match in quoted.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        f'EDITIONS = {{"large-print": "Large print"}}\nPATH = "output/{MANIFEST_NAME}"\n'
    )
    assert sorted(line for line, _ in hard_coded(module)) == [1, 2]
