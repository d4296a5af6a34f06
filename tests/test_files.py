"""The one reader and the writers (files.py): nothing outside the project is read, no
device or huge file is swallowed, nothing is half-written, personal files stay private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from relapse_handouts import HandoutError, load_project
from relapse_handouts.catalog import write_catalog
from relapse_handouts.files import (
    MAX_FILE_BYTES,
    FileRefused,
    atomic_write,
    output_lock,
    read_bytes,
    remove_temp_files,
    within,
    write_private,
)
from relapse_handouts.formats import output_format
from relapse_handouts.html import HtmlRenderer
from relapse_handouts.i18n import ui_translations
from relapse_handouts.publish import Manifest
from relapse_handouts.templates import ProjectLoader, layout_environment
from relapse_handouts.translate import load_translation
from tests.base import config_for, make_project, run_cli, snapshot

SECRET = "SECRET-OUTSIDE-THE-PROJECT"


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


@pytest.fixture
def outside(tmp_path):
    path = tmp_path / "outside.txt"
    path.write_text(f"/* {SECRET} */\nlocale: fr-CA\n", encoding="utf-8")
    return path


def link(path, target):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def assert_refused(caught, name):
    message = caught.value.format()
    assert name in message and "outside the project" in message, message
    assert SECRET not in message


def test_inlined_css_refuses_a_symlink_outside(project, outside):
    link(project / "styles/screen.css", outside)
    with pytest.raises(FileRefused) as caught:
        HtmlRenderer(config_for(project)).stylesheets(output_format("html"))
    assert_refused(caught, "styles/screen.css")


def test_epub_styles_refuse_a_symlink_outside(project, outside):
    link(project / "styles/epub.css", outside)
    with pytest.raises(FileRefused) as caught:
        HtmlRenderer(config_for(project)).stylesheets(output_format("epub"))
    assert_refused(caught, "styles/epub.css")


def test_catalog_refuses_a_symlinked_style_and_layout(project, outside):
    config = config_for(project)
    projects = {"en-CA": load_project(config)}
    link(project / "styles/catalog.css", outside)
    with pytest.raises(FileRefused) as caught:
        write_catalog(config, projects, Manifest(()))
    assert_refused(caught, "styles/catalog.css")
    (project / "styles/catalog.css").unlink()
    (project / "styles/catalog.css").write_text("body {}")
    link(project / "layouts/catalog.html.j2", outside)
    with pytest.raises(FileRefused) as caught:
        write_catalog(config, projects, Manifest(()))
    assert_refused(caught, "layouts/catalog.html.j2")
    assert not (config.output_dir / "index.html").exists()


def test_jinja_loader_refuses_symlinks_and_climbing(project, outside):
    env = layout_environment(project / "layouts", project)
    link(project / "layouts/partials/blocks.html.j2", outside)
    with pytest.raises(FileRefused) as caught:
        env.get_template("partials/blocks.html.j2")
    assert_refused(caught, "layouts/partials/blocks.html.j2")
    loader = ProjectLoader(project / "layouts", project)
    with pytest.raises(FileRefused, match="leads outside"):
        loader.get_source(env, "../source/site.yaml")


def test_source_yaml_refuses_a_symlink_outside(project, outside):
    link(project / "source/glossary.yaml", outside)
    with pytest.raises(HandoutError) as caught:
        load_project(config_for(project))
    assert "source/glossary.yaml" in caught.value.format()
    assert "outside the project" in caught.value.format()


def test_translation_and_catalog_refuse_symlinks_outside(project, outside):
    config = config_for(project)
    link(project / "source/translations/fr-CA.yaml", outside)
    with pytest.raises(FileRefused) as caught:
        load_translation(
            load_project(config), config.source_dir, "fr-CA", "source/translations/fr-CA.yaml"
        )
    assert_refused(caught, "source/translations/fr-CA.yaml")
    link(project / "source/locale/fr_CA/LC_MESSAGES/messages.po", outside)
    with pytest.raises(FileRefused) as caught:
        ui_translations(config.source_dir, "fr-CA", "en-CA")
    assert_refused(caught, "messages.po")


def test_build_with_a_symlinked_style_changes_nothing(project, outside):
    output = project / "output"
    output.mkdir()
    (output / "keep.txt").write_text("old")
    before = snapshot(output)
    link(project / "styles/screen.css", outside)
    result = run_cli("--project", project, "build", "--format", "html")
    assert result.code == 1
    assert "styles/screen.css: error: refused to read a file outside the project" in result.err
    assert "Traceback" not in result.err and SECRET not in result.err
    assert snapshot(output) == before


def test_check_report_refuses_a_symlinked_review_style(project, outside):
    link(project / "styles/review.css", outside)
    result = run_cli("--project", project, "check", "--report")
    assert result.code == 1
    assert "styles/review.css: error: refused to read a file outside the project" in result.err
    assert not (project / "output/review.html").exists()


@pytest.mark.parametrize("kind", ["device", "fifo", "huge", "folder"])
def test_source_must_be_a_regular_file_of_bounded_size(project, kind):
    target = project / "source/drugs.yaml"
    target.unlink()
    if kind == "device":
        target.symlink_to("/dev/zero")  # its real path is outside the project
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "huge":
        with open(target, "wb") as handle:
            handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    else:
        target.mkdir()
    result = run_cli("--project", project, "check")
    assert result.code == 1
    assert "source/drugs.yaml" in result.err and "Traceback" not in result.err
    expected = {
        "device": "outside the project",
        "fifo": "not a regular file",
        "huge": "larger than 4 MB",
        "folder": "not a regular file",
    }[kind]
    assert expected in result.err


def test_reader_refuses_devices_and_fifos_directly(tmp_path):
    with pytest.raises(FileRefused, match="not a regular file"):
        read_bytes(Path("/dev/zero"))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="not a regular file"):
        read_bytes(fifo)  # returns at once: no writer is awaited


def test_paths_built_from_data_stay_in_their_folder(tmp_path):
    assert within(tmp_path, "fr-CA.yaml") == tmp_path / "fr-CA.yaml"
    for name in ("../../../../tmp/x.yaml", "/etc/passwd", "a/../../b"):
        with pytest.raises(FileRefused, match="leads outside"):
            within(tmp_path, name)


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "out/handout.pdf"
    atomic_write(target, b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(FileRefused, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["handout.pdf"]


def test_private_file_is_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        write_private(tmp_path / "maya.pdf", b"%PDF")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "maya.pdf").stat().st_mode) == 0o600


def test_private_file_refuses_output_symlinks_and_devices(tmp_path):
    output = tmp_path / "output"
    (output / "en-CA").mkdir(parents=True)
    with pytest.raises(FileRefused, match="inside"):
        write_private(output / "en-CA/cns.letter.pdf", b"x", forbidden=(output,))
    (tmp_path / "real.pdf").write_bytes(b"keep")
    (tmp_path / "link.pdf").symlink_to(tmp_path / "real.pdf")
    with pytest.raises(FileRefused, match="not a regular file"):
        write_private(tmp_path / "link.pdf", b"x")
    assert (tmp_path / "real.pdf").read_bytes() == b"keep"
    with pytest.raises(FileRefused, match="not a regular file"):
        write_private(Path("/dev/null"), b"x")


def test_leftover_temp_files_are_removed(tmp_path):
    (tmp_path / "en-CA").mkdir()
    (tmp_path / "en-CA/.cns.letter.pdf.1a2b3c4d.tmp").write_bytes(b"half")
    (tmp_path / "en-CA/cns.letter.pdf").write_bytes(b"whole")
    removed = remove_temp_files(tmp_path)
    assert [p.name for p in removed] == [".cns.letter.pdf.1a2b3c4d.tmp"]
    assert [p.name for p in (tmp_path / "en-CA").iterdir()] == ["cns.letter.pdf"]


def test_builds_into_sibling_folders_do_not_lock_each_other(tmp_path):
    with output_lock(tmp_path / "a"), output_lock(tmp_path / "b"):
        assert sorted(p.name for p in tmp_path.iterdir()) == [".a.lock", ".b.lock"]
    assert list(tmp_path.iterdir()) == []  # nothing left once the builds end


def test_a_second_lock_on_the_same_folder_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with output_lock(tmp_path / "real"):
        for spelling in (tmp_path / "real", tmp_path / "link", tmp_path / "x/../real"):
            with pytest.raises(FileRefused, match="another build is running"):
                with output_lock(spelling):
                    pass
    with output_lock(tmp_path / "link"):  # free again once the first ends
        pass


def test_a_lock_file_left_by_a_killed_build_does_not_block(tmp_path):
    (tmp_path / ".output.lock").write_bytes(b"")  # kill -9: the kernel freed the lock
    with output_lock(tmp_path / "output"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_translations_update_never_writes_through_a_symlinked_folder(project, tmp_path):
    site = project / "source/site.yaml"
    site.write_text(
        site.read_text().replace("locales:\n", "locales:\n  fr-CA:\n    name: Français\n")
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "source/translations").symlink_to(elsewhere)
    result = run_cli("--project", project, "translations", "update")
    assert result.code == 1
    assert "leads outside" in result.err and "Traceback" not in result.err
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("kind", ["fifo", "huge"])
def test_translation_must_be_a_small_regular_file(project, kind):
    config = config_for(project)
    path = project / "source/translations/fr-CA.yaml"
    path.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        with open(path, "wb") as handle:
            handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(FileRefused) as caught:
        load_translation(load_project(config), config.source_dir, "fr-CA", Path("x/fr-CA.yaml"))
    expected = "not a regular file" if kind == "fifo" else "file is larger than 4 MB"
    assert caught.value.format().startswith(f"x/fr-CA.yaml: error: {expected}")


@pytest.mark.parametrize("name", ["../../../outside.wav", "/etc/outside.wav"])
def test_a_recording_file_name_never_leaves_its_folder(project, tmp_path, name):
    from relapse_handouts.audio.recordings import load_recordings

    (tmp_path / "outside.wav").write_bytes(b"RIFF")
    (project / "source/recordings/en-CA").mkdir(parents=True)
    (project / "source/recordings/en-CA.yaml").write_text(
        f'units:\n  tiny.key_points.0:\n    source: "abc"\n    file: "{name}"\n'
    )
    with pytest.raises(HandoutError) as caught:
        load_recordings(load_project(config_for(project)), project / "source", "en-CA")
    message = caught.value.format()
    assert "source/recordings/en-CA.yaml:2: error: units.tiny.key_points.0.file" in message


def test_a_recordings_list_that_is_a_list_is_a_clear_error(project):
    from relapse_handouts.audio.recordings import load_recordings

    (project / "source/recordings").mkdir()
    (project / "source/recordings/en-CA.yaml").write_text("- a\n- b\n")
    with pytest.raises(HandoutError) as caught:
        load_recordings(load_project(config_for(project)), project / "source", "en-CA")
    assert caught.value.format().startswith(
        "source/recordings/en-CA.yaml:1: error: expected a mapping with the key 'units'"
    )
