"""Incremental builds, proven by counting what each build renders."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml

from relapse_handouts import build
from tests.base import REPO, config_for, make_project
from tests.test_i18n import translated_tiny


def rendered(result) -> list[str]:
    return sorted(artifact.spec.path.as_posix() for artifact in result.built)


def test_nothing_changed_means_nothing_rendered(tmp_path):
    project = make_project(tmp_path)
    first = build(config_for(project, jobs=1))
    again = build(config_for(project, jobs=1))
    assert len(first.built) == 8  # 6 PDFs (3 editions x 2 papers), EPUB, HTML
    assert again.built == () and again.up_to_date == 8


def test_noop_build_never_imports_weasyprint(tmp_path):
    project = make_project(tmp_path)
    build(config_for(project, jobs=1))
    probe = (
        "import sys; from relapse_handouts import main; "
        f"code = main(['--project', {str(project)!r}, 'build']); "
        "print(code, 'weasyprint' in sys.modules, 'pydantic' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert run.stdout.splitlines()[-1] == "0 False False"


def test_editing_one_locale_rebuilds_only_that_locale(tmp_path):
    project = translated_tiny(tmp_path)
    assert len(build(config_for(project, jobs=1)).built) == 16
    path = project / "source/translations/fr-CA.yaml"
    units = yaml.safe_load(path.read_text())
    units["units"]["tiny.about.0"]["text"] = (
        "FR Les cellules leucémiques s'appellent [blastes](glossary:blasts)."
    )
    path.write_text(yaml.safe_dump(units, allow_unicode=True))
    result = build(config_for(project, jobs=1))
    assert rendered(result) == [
        "fr-CA/tiny.a4.pdf",
        "fr-CA/tiny.booklet.a4.pdf",
        "fr-CA/tiny.booklet.letter.pdf",
        "fr-CA/tiny.epub",
        "fr-CA/tiny.html",
        "fr-CA/tiny.large-print.a4.pdf",
        "fr-CA/tiny.large-print.letter.pdf",
        "fr-CA/tiny.letter.pdf",
    ]


def test_editing_a_style_rebuilds_the_formats_using_it(tmp_path):
    project = make_project(tmp_path)
    build(config_for(project, jobs=1))
    with (project / "styles/print.css").open("a") as css:
        css.write("\nh1 { letter-spacing: 0.01em; }\n")
    assert all(path.endswith(".pdf") for path in rendered(build(config_for(project, jobs=1))))
    with (project / "styles/large-print.css").open("a") as css:
        css.write("\nh1 { letter-spacing: 0.01em; }\n")
    assert rendered(build(config_for(project, jobs=1))) == [
        "en-CA/tiny.large-print.a4.pdf",
        "en-CA/tiny.large-print.letter.pdf",
    ]
    with (project / "styles/content.css").open("a") as css:
        css.write("\np { word-spacing: 0.01em; }\n")
    assert len(build(config_for(project, jobs=1)).built) == 8


def test_force_and_a_deleted_file_rebuild(tmp_path):
    project = make_project(tmp_path)
    build(config_for(project, jobs=1))
    assert len(build(config_for(project, jobs=1), force=True).built) == 8
    (project / "output/en-CA/tiny.epub").unlink()
    assert rendered(build(config_for(project, jobs=1))) == ["en-CA/tiny.epub"]


def test_outputs_of_a_removed_variant_are_cleaned(tmp_path):
    project = make_project(tmp_path)
    variants = project / "source/variants.yaml"
    data = yaml.safe_load(variants.read_text())
    data["variants"].append({**data["variants"][0], "id": "extra", "slug": "tiny-extra"})
    variants.write_text(yaml.safe_dump(data))
    build(config_for(project, jobs=2))
    assert (project / "output/en-CA/tiny-extra.letter.pdf").exists()
    data["variants"].pop()
    variants.write_text(yaml.safe_dump(data))
    result = build(config_for(project, jobs=1))
    # variants.yaml is an input of every output, so the remaining ones are rebuilt too.
    assert len(result.removed) == 8 and len(result.built) == 8
    assert not (project / "output/en-CA/tiny-extra.letter.pdf").exists()
    manifest = json.loads((project / "output/manifest.json").read_text())
    assert all("extra" not in entry["path"] for entry in manifest["outputs"])
    assert (project / "output/en-CA/tiny.letter.pdf").exists()
