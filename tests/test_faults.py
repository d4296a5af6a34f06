"""Faults of the environment and of other processes: a clear line, exit 1, and an
``output/`` that is unchanged or consistent. Concurrency and crashes run real processes."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.base import REPO, make_project, run_cli, snapshot

NARROW = ("build", "--format", "html", "-j", "1")


@pytest.fixture
def built(tmp_path):
    """A tiny project already built once (HTML and EPUB: no PDF renderer needed)."""
    project = make_project(tmp_path)
    result = run_cli("--project", project, "build", "--format", "html", "--format", "epub")
    assert result.code == 0, result.err
    return project


def edit_text(project):
    handout = project / "source/handouts/tiny.yaml"
    text = handout.read_text(encoding="utf-8")
    handout.write_text(text.replace("Test readers", "Test readers today"), encoding="utf-8")


def assert_clean_failure(result, *expected):
    assert result.code == 1
    for text in expected:
        assert text in result.err, result.err
    assert "Traceback" not in result.err


def test_output_that_is_a_file(tmp_path):
    project = make_project(tmp_path)
    (project / "output").write_text("not a folder")
    result = run_cli("--project", project, *NARROW)
    assert_clean_failure(result, f"{project / 'output'}: error: cannot write: not a folder")
    assert (project / "output").read_text() == "not a folder"


def test_read_only_output(built, monkeypatch):
    edit_text(built)
    before = snapshot(built / "output")
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and str(built / "output") in str(path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    result = run_cli("--project", built, *NARROW)
    assert_clean_failure(result, "error: cannot write: Read-only file system", "read-only")
    assert "en-CA/tiny.html" in result.err
    assert snapshot(built / "output") == before


def test_disk_full_changes_nothing(built, monkeypatch):
    edit_text(built)
    before = snapshot(built / "output")

    def full(handle, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    result = run_cli("--project", built, "build", "--format", "html", "--format", "epub", "-j", "1")
    assert_clean_failure(result, "error: cannot write: No space left on device", "free some")
    monkeypatch.undo()
    assert snapshot(built / "output") == before  # not one file replaced, no temp file left


def test_oserror_anywhere_is_one_line(tmp_path, monkeypatch):
    project = make_project(tmp_path)

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error", "/some/file")

    monkeypatch.setattr("relapse_handouts.pipeline.fingerprint", broken)
    result = run_cli("--project", project, *NARROW)
    assert result.code == 1
    assert result.err == "make_docs.py: error: /some/file: Input/output error\n"


HOLD_LOCK = """
import sys
from pathlib import Path
from relapse_handouts.files import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_build_is_refused_while_one_runs(built):
    before = snapshot(built / "output")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(built / "output")],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        edit_text(built)
        result = run_cli("--project", built, *NARROW)
        assert_clean_failure(result, "error: another build is running", "wait for it")
        assert snapshot(built / "output") == before
    finally:
        holder.communicate("")
    assert run_cli("--project", built, *NARROW).code == 0  # the lock is gone with its holder


def test_two_builds_at_once_keep_each_others_records(tmp_path):
    project = make_project(tmp_path)
    runs = [
        subprocess.Popen(
            [sys.executable, "make_docs.py", "--project", str(project), "build", "--format", kind],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kind in ("html", "epub")
    ]
    finished = [(run.wait(120), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    state = json.loads((project / "output/.build-state.json").read_text())
    manifest = json.loads((project / "output/manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["outputs"]}
    for (code, err), path in zip(finished, ("en-CA/tiny.html", "en-CA/tiny.epub"), strict=True):
        assert "Traceback" not in err
        if code == 0:
            assert path in state["outputs"] and path in listed
        else:
            assert code == 1 and "another build is running" in err
    assert any(code == 0 for code, _ in finished)


KILL_DURING_PUBLISH = """
import os, signal, sys
real_replace = os.replace
def replace(src, dst):
    real_replace(src, dst)
    if str(dst).endswith((".html", ".epub")):  # the first output renamed into place
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from relapse_handouts.cli import main
sys.exit(main(sys.argv[1:]))
"""


def manifest_matches_disk(output):
    entries = json.loads((output / "manifest.json").read_text())["outputs"]
    return all(
        hashlib.sha256((output / e["path"]).read_bytes()).hexdigest() == e["sha256"]
        for e in entries
    )


def test_kill_9_while_publishing_then_the_next_build_repairs(built):
    output = built / "output"
    edit_text(built)
    crashed = subprocess.run(
        [sys.executable, "-c", KILL_DURING_PUBLISH, "--project", str(built), "build"]
        + ["--format", "html", "--format", "epub", "-j", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert crashed.returncode == -9
    leftovers = [p for p in output.rglob(".*.tmp")]
    assert leftovers, "the crash should leave the other output's temporary file"
    assert not manifest_matches_disk(output)  # one file replaced, the manifest not yet
    result = run_cli("--project", built, "build", "--format", "html", "--format", "epub")
    assert result.code == 0, result.err
    assert not list(output.rglob(".*.tmp")) and not (output / ".publishing").exists()
    assert manifest_matches_disk(output)
    paths = {e["path"] for e in json.loads((output / "manifest.json").read_text())["outputs"]}
    assert {"en-CA/tiny.html", "en-CA/tiny.epub"} <= paths


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            "concurrent.futures.process.BrokenProcessPool",
            "a rendering process stopped unexpectedly",
        ),
        ("builtins.MemoryError", "out of memory; build fewer outputs at once"),
    ],
)
def test_a_crashed_worker_or_no_memory_is_one_line(built, monkeypatch, fault, message):
    import importlib

    module, name = fault.rsplit(".", 1)
    error = getattr(importlib.import_module(module), name)
    edit_text(built)
    before = snapshot(built / "output")

    def crash(*args, **kwargs):
        raise error()

    monkeypatch.setattr("relapse_handouts.render.render_outputs", crash)
    result = run_cli("--project", built, *NARROW)
    assert result.code == 1
    assert result.err.startswith(f"make_docs.py: error: {message}")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert snapshot(built / "output") == before


def test_a_fifo_in_place_of_the_manifest_or_state_does_not_hang(built):
    for name in ("manifest.json", ".build-state.json"):
        (built / "output" / name).unlink()
        os.mkfifo(built / "output" / name)
    result = subprocess.run(
        [sys.executable, "make_docs.py", "--project", str(built)] + list(NARROW),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (built / "output/manifest.json").is_file()  # replaced by a regular file
    assert manifest_matches_disk(built / "output")


def mount_tmpfs(folder, kilobytes):
    """A real file system of ``kilobytes`` mounted at ``folder`` (root only)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated test covers it")


def test_a_really_full_disk_changes_nothing(built, tmp_path):
    used = sum(p.stat().st_size for p in (built / "output").rglob("*") if p.is_file())
    disk = tmp_path / "disk"
    mount_tmpfs(disk, used // 1024 + 256)
    try:
        output = disk / "output"
        shutil.copytree(built / "output", output)
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill the disk up
            while True:
                os.write(filler, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(filler)
        edit_text(built)
        before = snapshot(output)
        result = run_cli(
            "--project", built, "build", "-o", output, "--format", "html", "--format", "epub"
        )
        assert_clean_failure(result, "error: cannot write: No space left on device", "free some")
        assert snapshot(output) == before
    finally:
        subprocess.run(["umount", str(disk)], check=False)
