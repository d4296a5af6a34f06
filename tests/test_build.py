"""Whole builds: manifest, atomic writes, reproducibility, clashing outputs."""

from __future__ import annotations

import hashlib
import json

from relapse_handouts import build
from relapse_handouts.formats import FORMATS
from tests.base import config_for, edit_yaml, make_project, run_cli


def test_manifest_lists_every_output(real_build):
    output, result = real_build
    manifest = json.loads((output / "manifest.json").read_text())
    paths = sorted(entry["path"] for entry in manifest["outputs"])
    assert paths == sorted(artifact.spec.path.as_posix() for artifact in result.built)
    assert {
        "en-CA/relapsed-all.a4.pdf",
        "en-CA/relapsed-all.epub",
        "en-CA/relapsed-all.html",
        "en-CA/relapsed-all.letter.pdf",
    } <= set(paths)
    for entry in manifest["outputs"]:
        data = (output / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["handout"] == "relapsed-all"
        assert entry["locale"] in ("en-CA", "fr-CA", "es", "zh-Hans", "ar", "pa")
        assert entry["content_version"] == "1.1.0"
        assert "source/handouts/relapsed-all.yaml" in entry["sources"]
        if entry["format"] == "pdf":
            assert entry["pages"] == 1 if entry["edition"] == "summary" else entry["pages"] > 1
        else:
            assert entry["pages"] is None
        assert entry["paper"] in (("letter", "a4") if entry["format"] == "pdf" else (None,))


def test_two_builds_are_byte_identical(tmp_path):
    project = make_project(tmp_path)
    first = build(config_for(project, jobs=1))
    second = build(config_for(project, output_dir=tmp_path / "again", jobs=2))
    assert [a.sha256 for a in first.built] == [a.sha256 for a in second.built]
    assert {a.spec.format for a in first.built} == set(FORMATS)  # every format compared


def test_two_variants_with_one_slug_are_refused(tmp_path):
    project = make_project(tmp_path)
    edit_yaml(
        project / "source/variants.yaml",
        lambda data: data["variants"].append({**data["variants"][0], "id": "copy"}),
    )
    result = run_cli("--project", project, "build")
    assert result.code == 1
    assert "slug 'tiny' is used more than once" in result.err


def test_variant_losing_a_required_section_is_refused(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(
        handout.read_text().replace(
            "    role: questions\n", "    role: questions\n    when: relapse_site.testicular\n"
        )
    )
    edit_yaml(
        project / "source/variants.yaml",
        lambda data: data["variants"][0].update(attributes={"relapse_site": ["cns"]}),
    )
    result = run_cli("--project", project, "check")
    assert result.code == 1
    assert (
        "source/variants.yaml: error: variants.general.attributes: variant 'general' "
        "leaves handout 'tiny' without its questions section" in result.err
    )
