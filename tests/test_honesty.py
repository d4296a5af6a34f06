"""What a handout says about itself must be true: drafts say so, a reviewer is printed
only when a named person signed, and no placeholder address reaches paper (issue 10, 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from relapse_handouts import BuildErrors, HandoutError, load_project, resolve_handout
from relapse_handouts.formats import output_format
from relapse_handouts.html import HtmlRenderer
from tests.base import REPO, config_for, edit_yaml, make_project, run_cli


def page_text(project: Path, locale: str = "en-CA") -> str:
    """The built web page of the tiny handout, as words without tags."""
    html = (project / "output" / locale / "tiny.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def load_errors(project: Path) -> list[str]:
    with pytest.raises(HandoutError) as caught:
        load_project(config_for(project))
    error = caught.value
    return [e.format() for e in (error.errors if isinstance(error, BuildErrors) else [error])]


def test_shipped_content_is_unsigned_and_has_no_placeholder_address():
    project = load_project(config_for(REPO))
    site = project.site
    assert site.publisher_url is None and site.organisation_url is None
    # Nobody has signed the shipped content: no approval file, so every handout in every
    # locale is a draft (never add one by hand; tests sign copies in tmp projects).
    assert not list((REPO / "source/approvals").glob("*.yaml"))
    assert "review:" not in (REPO / "source/site.yaml").read_text()
    assert "1-888-939-3333" in " ".join(site.contact) and "cancer.ca" in " ".join(site.contact)
    assert "Canadian Cancer Society" in site.source_credit


def test_unsigned_english_is_a_visible_draft_and_release_refuses_it(tmp_path):
    project = make_project(tmp_path)
    assert run_cli("--project", project, "build", "--format", "html").code == 0
    text = page_text(project)
    assert "Draft. No qualified reviewer has checked this handout yet." in text
    assert "Approved by" not in text and "Last reviewed" not in text
    assert "Draft, not yet reviewed" in text
    result = run_cli("--project", project, "build", "--release", "--format", "html")
    assert result.code == 1
    assert "source/approvals/tiny.en-CA.yaml: error: handout tiny in en-CA is a draft" in result.err


def test_draft_pdf_says_so_on_every_page(tmp_path):
    from pypdf import PdfReader

    project = make_project(tmp_path)
    args = ("--format", "pdf", "--paper", "letter", "--edition", "standard")
    assert run_cli("--project", project, "build", *args).code == 0
    reader = PdfReader(project / "output/en-CA/tiny.letter.pdf")
    for page in reader.pages:
        text = page.extract_text()
        assert "Draft, not yet reviewed" in text and "Last reviewed" not in text


def test_review_in_site_yaml_is_refused_with_where_approvals_went(tmp_path):
    project = make_project(tmp_path)
    edit_yaml(
        project / "source/site.yaml",
        lambda data: data["locales"]["en-CA"].update(review={"status": "draft"}),
    )
    [message] = load_errors(project)
    assert message.startswith("source/site.yaml:") and "locales.en-CA" in message
    assert "approvals moved out of site.yaml" in message and "review sign" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/handouts",
        "https://handouts.example.com/",
        "http://localhost:8000/",
        "https://clinic.test/x",
        "https://no.such.invalid/",
        "http://127.0.0.1/",
    ],
)
def test_placeholder_addresses_are_refused(tmp_path, url):
    project = make_project(tmp_path)
    site = project / "source/site.yaml"
    site.write_text(site.read_text() + f"publisher_url: {url}\n")
    [message] = load_errors(project)
    line = len(site.read_text().splitlines())
    assert message.startswith(f"source/site.yaml:{line}: error: publisher_url:")
    assert "placeholder address" in message


def test_real_address_gives_a_short_link(tmp_path):
    project = make_project(tmp_path)
    site = project / "source/site.yaml"
    site.write_text(site.read_text() + "publisher_url: https://www.cancer.ca/handouts\n")
    loaded = load_project(config_for(project))
    resolved = resolve_handout(
        loaded, loaded.handouts[0], loaded.variants[0], loaded.site.source_locale
    )
    document = HtmlRenderer(config_for(project)).render(resolved, output_format("html"))
    assert "https://www.cancer.ca/handouts/en-CA/" in document.html
