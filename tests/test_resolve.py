"""Stage 3, resolve: a variant's conditions applied and a locale chosen give the handout
one reader gets (only the sections, drugs, glossary terms and references shown)."""

from __future__ import annotations

import pytest

from relapse_handouts.errors import HandoutError
from relapse_handouts.load import load_project
from relapse_handouts.resolve import resolve_handout
from tests.base import config_for, edit_yaml, make_project

CNS_ONLY = "This paragraph is only for CNS relapse."


def resolved_for(project, sites: list[str]):
    """The tiny handout for a variant whose relapse sites are ``sites``."""
    edit_yaml(
        project / "source/variants.yaml",
        lambda data: data["variants"][0].update(attributes={"relapse_site": sites}),
    )
    loaded = load_project(config_for(project))
    return resolve_handout(loaded, loaded.handouts[0], loaded.variants[0], "en-CA")


def paragraphs(resolved) -> list[str]:
    return [
        block.p
        for section in resolved.handout.sections
        for block in section.blocks
        if getattr(block, "p", None)
    ]


def test_a_block_whose_condition_fails_is_left_out(tmp_path):
    project = make_project(tmp_path)
    assert CNS_ONLY not in paragraphs(resolved_for(project, ["marrow"]))


def test_a_block_whose_condition_holds_is_kept(tmp_path):
    project = make_project(tmp_path)
    resolved = resolved_for(project, ["cns"])
    assert CNS_ONLY in paragraphs(resolved)
    assert resolved.locale == "en-CA" and resolved.direction == "ltr"
    assert resolved.source_files[0].endswith("handouts/tiny.yaml")


def test_only_linked_glossary_terms_are_kept(tmp_path):
    project = make_project(tmp_path)
    resolved = resolved_for(project, ["marrow"])
    assert [term.id for term in resolved.glossary] == ["blasts"]


def test_losing_a_required_section_is_a_located_error(tmp_path):
    project = make_project(tmp_path)

    def only_for_cns(data):
        next(s for s in data["sections"] if s["id"] == "treatment")["when"] = "relapse_site.cns"

    edit_yaml(project / "source/handouts/tiny.yaml", only_for_cns)
    with pytest.raises(HandoutError) as caught:
        resolved_for(project, ["marrow"])
    assert "treatment" in caught.value.format()
