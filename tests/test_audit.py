"""``make_docs.py audit`` and ``output/accessibility.html``: written from the checkers'
real output, cached by each file's sha256, kept honest by every build."""

from __future__ import annotations

import json
import re
import sys

import pytest

from relapse_handouts import build
from relapse_handouts.checkers import open_chromium, tool_versions, web_checks
from tests.base import config_for, make_project, run_cli

pytestmark = pytest.mark.slow  # every checker over a narrow build: about 1.5 minutes


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """A narrow build (English and Arabic CNS: A4 PDFs, EPUB, web page), then an audit."""
    versions = tool_versions()
    if not versions["pdf"] or not versions["html"]:
        pytest.fail(f"a checker is missing ({versions}): 'bash run.sh setup' installs them")
    formats = ("pdf", "epub", "html")
    if not versions["epub"]:  # Ace by DAISY needs Node.js 20 (see run.sh)
        print("\nACE BY DAISY NOT INSTALLED: the audit test leaves EPUBs out", file=sys.stderr)
        formats = ("pdf", "html")
    project = make_project(tmp_path_factory.mktemp("audit"), "real")
    config = config_for(
        project,
        locales=("en-CA", "ar"),
        variants=("cns",),
        formats=formats,
        papers=("a4",),
        editions=("standard", "large-print", "booklet"),
    )
    build(config)
    result = run_cli("--project", project, "audit")
    return project, result


def test_audit_checks_every_output_and_passes(audited):
    project, result = audited
    assert result.code == 0, result.err
    assert "0 file(s) fail, 0 not checked" in result.out
    output = project / "output"
    cache = json.loads((output / ".audit-cache.json").read_text())
    checkers = sorted({r["checker"] for records in cache.values() for r in records})
    expected = ["Ace by DAISY", "EPUBCheck", "axe-core", "outloud"]
    assert checkers == (expected if tool_versions()["epub"] else expected[2:])
    manifest = json.loads((output / "manifest.json").read_text())["outputs"]
    for entry in manifest:
        if entry["format"] in ("pdf", "epub", "html") and entry["edition"] != "booklet":
            assert any(entry["sha256"] in key for key in cache), entry["path"]


def test_report_lists_claims_versions_and_results(audited):
    project, _ = audited
    html = (project / "output/accessibility.html").read_text()
    versions = tool_versions()
    for claim in ("PDF/UA-1", "EPUB Accessibility 1.1", "WCAG 2.2 AA"):
        assert claim in html
    assert versions["pdf"] in html and versions["html"] in html
    assert re.search(r"en-CA/relapsed-all-cns\.a4\.pdf</a></th>\s*<td>passes</td>", html)
    assert "outloud 0.2.1: 0 errors" in html
    assert "print file (imposed pages, untagged by design): no claim" in html
    catalog = (project / "output/index.html").read_text()
    assert 'href="accessibility.html"' in catalog


def test_a_second_audit_uses_the_cache(audited):
    project, _ = audited
    again = run_cli("--project", project, "audit")
    assert again.code == 0
    assert "audit: checking" not in again.err


def test_a_rebuilt_file_shows_as_not_checked_until_the_next_audit(audited, tmp_path):
    project, _ = audited
    handout = project / "source/handouts/relapsed-all.yaml"
    text = re.sub(r'content_version: "[^"]+"', 'content_version: "9.9.9"', handout.read_text())
    handout.write_text(text)
    config = config_for(
        project, locales=("en-CA",), variants=("cns",), formats=("html",), editions=("standard",)
    )
    build(config)
    html = (project / "output/accessibility.html").read_text()
    assert re.search(
        r"en-CA/relapsed-all-cns\.html</a></th>\s*<td>not checked since it was built", html
    )
    assert re.search(r"ar/relapsed-all-cns\.html</a></th>\s*<td>passes</td>", html)


def test_the_report_page_itself_passes_axe(audited):
    project, _ = audited
    with open_chromium() as browser:
        result = web_checks(browser, project / "output/accessibility.html")
    assert result.findings == ()
