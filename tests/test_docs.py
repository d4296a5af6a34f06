"""The documentation a newcomer reads: README of one screen whose first code block is the two
commands, and every relative link and anchor between README, docs/ and benchmarks/ resolves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from tests.base import REPO

DOCS = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "benchmarks/RESULTS.md",
]
READERS = ("authoring", "translating", "reviewing", "desk", "architecture", "accessibility")


def _tokens(path: Path):
    """Flattened markdown-it tokens (inline children included); code is never a link."""
    for token in MarkdownIt("commonmark").enable("table").parse(path.read_text("utf-8")):
        yield token
        yield from token.children or ()


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    tokens = list(_tokens(path))
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            text = "".join(c.content for c in tokens[i + 1].children or ())
            base, n = slug(text), 1
            name = base
            while name in found:  # GitHub numbers repeated headings: x, x-1, x-2
                name, n = f"{base}-{n}", n + 1
            found.add(name)
    return found


def relative_links(path: Path) -> list[str]:
    return [
        str(token.attrGet("href"))
        for token in _tokens(path)
        if token.type == "link_open"
        and not re.match(r"[a-z][a-z0-9+.-]*:", str(token.attrGet("href")))
    ]


def broken_links(path: Path) -> list[str]:
    """Each relative link of ``path`` whose file or anchor does not exist, as 'file: link'."""
    broken = []
    for link in relative_links(path):
        target, _, anchor = unquote(link).partition("#")
        file = (path.parent / target).resolve() if target else path
        if not file.exists():
            broken.append(f"{path.name}: {link} (no such file)")
        elif anchor and (file.suffix != ".md" or anchor not in anchors(file)):
            broken.append(f"{path.name}: {link} (no such heading in {file.name})")
    return broken


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_resolves(doc):
    assert doc.exists()
    assert broken_links(doc) == []


def test_the_link_check_finds_a_missing_file_and_a_missing_anchor(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## A part\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[ok](other.md#a-part) [here](#page) [web](https://example.org/x)\n"
        "[gone](missing.md) [wrong](other.md#no-part) `[code](nowhere.md)`\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "page.md: missing.md (no such file)",
        "page.md: other.md#no-part (no such heading in other.md)",
    ]


def test_slug_follows_github():
    assert slug("The desk's own words") == "the-desks-own-words"
    assert slug("Nurse desk, 2026-11-29") == "nurse-desk-2026-11-29"
    assert slug("The formats table: adding an output") == "the-formats-table-adding-an-output"


def test_readme_is_one_screen_with_the_two_commands_first():
    readme = REPO / "README.md"
    assert len(readme.read_text("utf-8").splitlines()) <= 45
    first_code = next(t for t in _tokens(readme) if t.type == "fence")
    assert first_code.content.split("\n")[:-1] == ["bash run.sh build", "bash run.sh test"]


def test_readme_links_every_reader_document():
    links = set(relative_links(REPO / "README.md"))
    for reader in READERS + ("testing",):
        assert f"docs/{reader}.md" in links, reader
    assert "benchmarks/RESULTS.md" in links
