"""Stage 2, plan: the output matrix (handout x variant x locale x formats-table entry x
paper), filtered by the command line, refusing two outputs to one path."""

from __future__ import annotations

import pytest

from relapse_handouts.errors import HandoutError
from relapse_handouts.formats import OUTPUTS
from relapse_handouts.load import load_project
from relapse_handouts.plan import plan_outputs
from tests.base import config_for, make_project


@pytest.fixture
def project_dir(tmp_path):
    return make_project(tmp_path)


def test_the_plan_is_every_entry_of_the_formats_table_per_paper(project_dir):
    config = config_for(project_dir)
    specs = plan_outputs(load_project(config), config)
    papers = 2  # letter and a4 in the tiny site.yaml
    assert len(specs) == sum(papers if entry.per_paper else 1 for entry in OUTPUTS)
    assert len({spec.path for spec in specs}) == len(specs)
    assert {(s.format, s.edition) for s in specs} == {entry.key for entry in OUTPUTS}
    standard = next(s for s in specs if s.format == "pdf" and s.edition == "standard")
    assert str(standard.path) == "en-CA/tiny.letter.pdf" and standard.paper == "letter"


def test_filters_select_from_the_plan(project_dir):
    config = config_for(project_dir, formats=("pdf",), papers=("a4",), editions=("large-print",))
    specs = plan_outputs(load_project(config), config)
    assert [str(spec.path) for spec in specs] == ["en-CA/tiny.large-print.a4.pdf"]


def test_an_unknown_variant_filter_is_a_located_error(project_dir):
    config = config_for(project_dir, variants=("nope",))
    with pytest.raises(HandoutError) as caught:
        plan_outputs(load_project(config), config)
    assert caught.value.format().startswith("source/variants.yaml: error: unknown variant 'nope'")
    assert "choose from general" in caught.value.format()


def test_two_outputs_to_one_path_are_refused_even_when_filtered(project_dir):
    """Loading already refuses a repeated slug; the plan refuses any clash it is given."""
    config = config_for(project_dir, variants=("general",), formats=("html",))
    project = load_project(config)
    twin = project.variants[0].model_copy(update={"id": "twin"})
    project = project.model_copy(update={"variants": (*project.variants, twin)})
    with pytest.raises(HandoutError) as caught:
        plan_outputs(project, config)
    message = caught.value.format()
    assert "two outputs would be written to output/en-CA/tiny" in message
    assert "'general'" in message and "'twin'" in message and "slug" in message
