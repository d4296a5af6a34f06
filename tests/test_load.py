"""Stage 1: loading and validation. Each bad input gets a located, fixable error."""

from __future__ import annotations

from pathlib import Path

import pytest

from relapse_handouts import BuildErrors, HandoutError, load_project
from tests.base import config_for, edit_yaml, make_project, run_cli, snapshot


def load_errors(project: Path) -> list[str]:
    with pytest.raises(HandoutError) as caught:
        load_project(config_for(project))
    error = caught.value
    return [e.format() for e in (error.errors if isinstance(error, BuildErrors) else [error])]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_minimal_project_loads(tmp_path):
    project = load_project(config_for(make_project(tmp_path)))
    assert [h.id for h in project.handouts] == ["tiny"]
    assert [s.id for s in project.handouts[0].sections] == ["about", "treatment", "questions"]


def test_shipped_source_loads(tmp_path):
    project = load_project(config_for(make_project(tmp_path, "real")))
    handout = project.handouts[0]
    assert handout.id == "relapsed-all"
    assert {"about", "treatment", "questions"} <= {s.role for s in handout.sections}
    assert {d.generic for d in project.drugs} >= {"blinatumomab", "tisagenlecleucel"}


def test_malformed_yaml_names_file_and_line(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    replace_in(handout, "title: Treatment", "title: [Treatment")
    [message] = load_errors(project)
    assert message.startswith("source/handouts/tiny.yaml:")
    assert "malformed YAML" in message and "hint:" in message
    reported = int(message.split(":")[1])
    assert abs(reported - line_of(handout, "title: [Treatment")) <= 2


def test_unknown_field_is_located(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    replace_in(handout, "    role: treatment\n", "    role: treatment\n    colour: red\n")
    [message] = load_errors(project)
    line = line_of(handout, "colour: red")
    assert message.startswith(f"source/handouts/tiny.yaml:{line}: error: sections[1].colour:")
    assert "unknown field" in message and "spelling" in message


def test_missing_field(tmp_path):
    project = make_project(tmp_path)
    replace_in(project / "source/handouts/tiny.yaml", 'content_version: "2.3.4"\n', "")
    [message] = load_errors(project)
    assert "content_version: required field is missing" in message
    assert "add 'content_version:'" in message


def test_wrong_type(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    replace_in(handout, "updated: 2026-01-15", "updated: last spring")
    [message] = load_errors(project)
    assert f"tiny.yaml:{line_of(handout, 'last spring')}: error: updated:" in message
    assert "date" in message


def test_duplicate_section_id(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    replace_in(handout, "  - id: treatment\n", "  - id: about\n")
    [message] = load_errors(project)
    assert "id 'about' is used more than once" in message
    assert message.startswith("source/handouts/tiny.yaml:")


def test_unknown_glossary_term(tmp_path):
    project = make_project(tmp_path)
    replace_in(project / "source/handouts/tiny.yaml", "(glossary:blasts)", "(glossary:blastz)")
    [message] = load_errors(project)
    assert "glossary term 'glossary:blastz' does not exist" in message
    assert "glossary.yaml" in message


def test_unknown_reference(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    replace_in(handout, "references: [ref-one, ref-two]", "references: [ref-one, ref-nine]")
    [message] = load_errors(project)
    assert "reference 'ref-nine' does not exist" in message
    assert f"tiny.yaml:{line_of(handout, 'ref-nine')}:" in message


def test_duplicate_yaml_key(tmp_path):
    project = make_project(tmp_path)
    replace_in(
        project / "source/handouts/tiny.yaml",
        "audience: Test readers\n",
        "audience: Test readers\naudience: Other readers\n",
    )
    [message] = load_errors(project)
    assert "key 'audience' appears twice" in message


def test_unknown_block_kind(tmp_path):
    project = make_project(tmp_path)
    replace_in(
        project / "source/handouts/tiny.yaml",
        "      - p: This paragraph",
        "      - para: This paragraph",
    )
    messages = load_errors(project)
    assert any("a block needs one of the keys p, list" in m for m in messages)


def test_condition_with_unknown_value(tmp_path):
    project = make_project(tmp_path)
    replace_in(
        project / "source/handouts/tiny.yaml", "when: relapse_site.cns", "when: relapse_site.lungs"
    )
    [message] = load_errors(project)
    assert "'lungs' is not a value of 'relapse_site'" in message
    assert "marrow, cns, testicular" in message


def test_condition_code_is_refused(tmp_path):
    project = make_project(tmp_path)
    replace_in(
        project / "source/handouts/tiny.yaml",
        "when: relapse_site.cns",
        "when: __import__('os').system('true')",
    )
    [message] = load_errors(project)
    assert "is not 'and', 'or', 'not'" in message


def test_every_schema_error_is_reported_at_once(tmp_path):
    project = make_project(tmp_path)
    replace_in(project / "source/handouts/tiny.yaml", "audience: Test readers\n", "")
    edit_yaml(project / "source/drugs.yaml", lambda data: data["drugs"][0].update(colour="blue"))
    messages = load_errors(project)
    assert len(messages) == 2
    assert {m.split(":")[0] for m in messages} == {"source/handouts/tiny.yaml", "source/drugs.yaml"}


def test_every_reference_error_is_reported_at_once(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    replace_in(handout, "(glossary:blasts)", "(glossary:nope)")
    replace_in(handout, "references: [ref-one, ref-two]", "references: [ref-one, ref-nine]")
    assert len(load_errors(project)) == 2


def test_bad_source_exits_nonzero_and_leaves_output_alone(tmp_path):
    project = make_project(tmp_path)
    output = project / "output"
    output.mkdir()
    (output / "keep.pdf").write_bytes(b"%PDF- previous build")
    before = snapshot(output)
    replace_in(project / "source/handouts/tiny.yaml", "(glossary:blasts)", "(glossary:nope)")
    result = run_cli("--project", project, "build")
    assert result.code == 1
    assert "source/handouts/tiny.yaml:" in result.err and "error:" in result.err
    assert "Traceback" not in result.err
    assert snapshot(output) == before


def test_section_ids_may_not_take_layout_prefixes(tmp_path):
    project = make_project(tmp_path)
    replace_in(
        project / "source/handouts/tiny.yaml", "  - id: treatment\n", "  - id: term-treatment\n"
    )
    [message] = load_errors(project)
    assert "id 'term-treatment' starts with a prefix the layouts use" in message
