"""Incremental builds, proven by counting what each build renders."""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from relapse_handouts import build
from relapse_handouts.incremental import rendering_modules
from relapse_handouts.render import Artifact
from tests.base import REPO, config_for, edit_yaml, make_project, only_in_ci, translated_tiny


def rendered(result) -> list[str]:
    return sorted(artifact.spec.path.as_posix() for artifact in result.built)


def built_copy(tiny_build, tmp_path) -> Path:
    """A copy of the session's built tiny project (``tiny_build``: a plain build of
    ``tests/roots/minimal``), files and times as they are, in ``tmp_path``."""
    output, _ = tiny_build
    return Path(shutil.copytree(output.parent, tmp_path / "project", symlinks=True))


def test_nothing_changed_means_nothing_rendered(tiny_build, tmp_path):
    _, first = tiny_build
    project = built_copy(tiny_build, tmp_path)  # moved, too: nothing in the key is a path
    again = build(config_for(project, jobs=1))
    # 8 PDFs (4 editions x 2 papers), EPUB, HTML, and read aloud: EPUB, HTML, MP3
    assert len(first.built) == 13
    assert again.built == () and again.up_to_date == 13


def test_noop_build_never_imports_weasyprint(tiny_build, tmp_path):
    project = built_copy(tiny_build, tmp_path)
    probe = (
        "import sys; from relapse_handouts import main; "
        f"code = main(['--project', {str(project)!r}, 'build']); "
        "print(code, 'weasyprint' in sys.modules, 'pydantic' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert run.stdout.splitlines()[-1] == "0 False False"


def test_editing_one_locale_rebuilds_only_that_locale(tmp_path, monkeypatch):
    monkeypatch.setattr("relapse_handouts.render.render_outputs", fake_render)
    project = translated_tiny(tmp_path)
    assert len(build(config_for(project, jobs=1)).built) == 26
    path = project / "source/translations/fr-CA.yaml"
    units = yaml.safe_load(path.read_text())
    units["units"]["tiny.about.0"]["text"] = (
        "FR Les cellules leucémiques s'appellent [blasts](glossary:blasts)."
    )
    path.write_text(yaml.safe_dump(units, allow_unicode=True))
    result = build(config_for(project, jobs=1))
    assert rendered(result) == [
        "fr-CA/tiny.a4.pdf",
        "fr-CA/tiny.audio.epub",
        "fr-CA/tiny.audio.html",
        "fr-CA/tiny.booklet.a4.pdf",
        "fr-CA/tiny.booklet.letter.pdf",
        "fr-CA/tiny.epub",
        "fr-CA/tiny.html",
        "fr-CA/tiny.large-print.a4.pdf",
        "fr-CA/tiny.large-print.letter.pdf",
        "fr-CA/tiny.letter.pdf",
        "fr-CA/tiny.mp3",
        "fr-CA/tiny.summary.a4.pdf",
        "fr-CA/tiny.summary.letter.pdf",
    ]


def test_editing_a_style_rebuilds_the_formats_using_it(tiny_build, tmp_path, monkeypatch):
    project = built_copy(tiny_build, tmp_path)
    monkeypatch.setattr("relapse_handouts.render.render_outputs", fake_render)
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
    assert len(build(config_for(project, jobs=1)).built) == 12  # all but the MP3


def test_force_and_a_deleted_file_rebuild(tiny_build, tmp_path):
    project = built_copy(tiny_build, tmp_path)
    assert len(build(config_for(project, jobs=1), force=True).built) == 13
    (project / "output/en-CA/tiny.epub").unlink()
    assert rendered(build(config_for(project, jobs=1))) == ["en-CA/tiny.epub"]


def test_outputs_of_a_removed_variant_are_cleaned(tmp_path, monkeypatch):
    monkeypatch.setattr("relapse_handouts.render.render_outputs", fake_render)
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
    assert len(result.removed) == 13 and len(result.built) == 13
    assert not (project / "output/en-CA/tiny-extra.letter.pdf").exists()
    manifest = json.loads((project / "output/manifest.json").read_text())
    assert all("extra" not in entry["path"] for entry in manifest["outputs"])
    assert (project / "output/en-CA/tiny.letter.pdf").exists()


def every_planned_output_is_current(project) -> None:
    """Every output of the whole plan exists and a plain build finds nothing to do."""
    state = json.loads((project / "output/.build-state.json").read_text())
    assert state["planned"] and set(state["planned"]) == set(state["outputs"])
    for path in state["planned"]:
        assert (project / "output" / path).is_file(), path
    assert build(config_for(project, jobs=1)).built == ()


@only_in_ci("test_any_filtered_build_then_a_full_build_leaves_every_output")  # real renders
def test_full_build_after_an_edition_filtered_build_writes_the_other_editions(tmp_path):
    """The reported bug: 'build --edition standard' then 'build' said all was up to date."""
    project = make_project(tmp_path)
    first = build(config_for(project, jobs=1, editions=("standard",)))
    assert rendered(first) == [
        "en-CA/tiny.a4.pdf",
        "en-CA/tiny.epub",
        "en-CA/tiny.html",
        "en-CA/tiny.letter.pdf",
        "en-CA/tiny.mp3",  # one edition only: --edition does not filter it
    ]
    assert rendered(build(config_for(project, jobs=1))) == [
        "en-CA/tiny.audio.epub",
        "en-CA/tiny.audio.html",
        "en-CA/tiny.booklet.a4.pdf",
        "en-CA/tiny.booklet.letter.pdf",
        "en-CA/tiny.large-print.a4.pdf",
        "en-CA/tiny.large-print.letter.pdf",
        "en-CA/tiny.summary.a4.pdf",
        "en-CA/tiny.summary.letter.pdf",
    ]
    every_planned_output_is_current(project)


def fake_render(config, documents, specs, on_done=None):
    """Stands in for the renderers where only the incremental bookkeeping is tested (what
    each output's bytes are is tested with real renders in test_force_and_a_deleted_file_rebuild
    and the stage tests)."""
    return tuple(
        Artifact(spec, spec.path.as_posix().encode(), 1, (), "1.0.0", ()) for spec in specs
    )


@pytest.mark.parametrize(
    "selection",
    [
        {"editions": ("large-print",)},
        {"locales": ("fr-CA",)},
        {"variants": ("second",)},
        {"formats": ("epub",)},
        {"papers": ("a4",)},
    ],
)
def test_any_filtered_build_then_a_full_build_leaves_every_output(tmp_path, monkeypatch, selection):
    monkeypatch.setattr("relapse_handouts.render.render_outputs", fake_render)
    project = translated_tiny(tmp_path)
    edit_yaml(
        project / "source/variants.yaml",
        lambda data: data["variants"].append(
            {**data["variants"][0], "id": "second", "slug": "two"}
        ),
    )

    def translate_second(data):
        for name in ("title", "description"):
            data["units"][f"variant.second.{name}"] = dict(data["units"][f"variant.general.{name}"])

    edit_yaml(project / "source/translations/fr-CA.yaml", translate_second)
    filtered = build(config_for(project, jobs=1, **selection))
    assert 0 < len(filtered.built) < 52
    # The same filtered build again is up to date; the full build writes the rest.
    assert build(config_for(project, jobs=1, **selection)).built == ()
    assert len(build(config_for(project, jobs=1)).built) == 52 - len(filtered.built)
    every_planned_output_is_current(project)
    # A filtered build after a full one has nothing to do either.
    assert build(config_for(project, jobs=1, **selection)).built == ()


def test_a_full_build_gathers_once(tmp_path, monkeypatch):
    """Loading, translating and resolving happen once, in the main process: the worker
    processes (forked after these counters are installed) never do any of it."""
    project = translated_tiny(tmp_path)
    calls = tmp_path / "calls.txt"

    def counted(name, function):
        def wrapper(*args, **kwargs):
            with calls.open("a") as log:
                log.write(f"{name}\n")
            return function(*args, **kwargs)

        return wrapper

    for module in [m for n, m in sys.modules.items() if n.startswith("relapse_handouts.")]:
        for name in ("load_project", "translate_project", "resolve_handout"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, counted(name, getattr(module, name)))
    # Workers render (jobs=2); which outputs does not matter here, so only a few.
    result = build(config_for(project, jobs=2, editions=("standard",), papers=("letter",)))
    assert len(result.built) == 2 * 4  # PDF, EPUB, web page and MP3 in two languages
    counts = collections.Counter(calls.read_text().split())
    # One load; one translation (fr-CA; en-CA is the source); two documents resolved.
    assert counts == {"load_project": 1, "translate_project": 1, "resolve_handout": 2}


def test_rendering_modules_are_derived_from_the_imports():
    """The code in every output's key is what the gather and render stages import; the
    audit, the CLI, the desk and the catalog are not in it, so editing them rebuilds nothing."""
    code = rendering_modules()
    for module in ("render", "gather", "pdf", "html", "epub", "fonts", "audio/speech", "cover"):
        assert f"relapse_handouts/{module}.py" in code, module
    for module in ("audit", "checkers", "cli", "pipeline", "catalog", "desk/views", "publish"):
        assert f"relapse_handouts/{module}.py" not in code, module


def test_only_type_checking_imports_do_not_count(tmp_path):
    package = tmp_path / "relapse_handouts"
    (package / "audio").mkdir(parents=True)
    (package / "gather.py").write_text("from .plan import x\n", encoding="utf-8")
    (package / "render.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .cli import main\n\n"
        "def f():\n    from .audio.speech import (\n        a,\n        b as c,\n    )\n",
        encoding="utf-8",
    )
    (package / "audio/speech.py").write_text("from ..errors import E\n", encoding="utf-8")
    for name in ("plan", "cli", "errors", "unused"):
        (package / f"{name}.py").write_text("", encoding="utf-8")
    assert rendering_modules(package) == {
        f"relapse_handouts/{name}.py"
        for name in ("gather", "render", "plan", "audio/speech", "errors")
    }
