"""The renderer may read only the project's layouts/, styles/ and source/."""

from __future__ import annotations

import pytest
from weasyprint.urls import FatalURLFetchingError

from relapse_handouts.pdf import ProjectOnlyFetcher
from tests.base import config_for, make_project, run_cli, snapshot


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


@pytest.fixture
def fetcher(project):
    return ProjectOnlyFetcher(config_for(project).readable_dirs)


def test_project_style_is_served(fetcher, project):
    response = fetcher.fetch((project / "styles/content.css").as_uri())
    try:
        assert b"font-family" in response.read()
    finally:
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/style.css",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "data:text/html,<p>x</p>",
    ],
)
def test_network_and_outside_files_are_refused(fetcher, url):
    with pytest.raises((FatalURLFetchingError, ValueError)):
        fetcher.fetch(url)


def test_path_escaping_the_project_is_refused(fetcher, project):
    sneaky = (project / "styles").as_uri() + "/../../../../etc/passwd"
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(sneaky)
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch((project / "output/old.pdf").as_uri())


def test_build_refuses_a_layout_that_loads_outside_files(project):
    output = project / "output"
    output.mkdir()
    (output / "keep.txt").write_text("old")
    before = snapshot(output)
    layout = project / "layouts/print.html.j2"
    text = layout.read_text()
    assert "{% block head %}" in text
    layout.write_text(
        text.replace(
            "{% block head %}",
            '{% block head %}\n<link rel="stylesheet" href="file:///etc/passwd">',
        )
    )
    result = run_cli("--project", project, "build", "--format", "pdf", "--paper", "a4")
    assert result.code == 1
    assert "refused to load 'file:///etc/passwd'" in result.err
    assert snapshot(output) == before
