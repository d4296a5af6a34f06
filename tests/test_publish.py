"""Stage 6, publish: artifacts written atomically into output/, the manifest recording
them, entries of outputs not rebuilt kept, and what a crash left repaired."""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath

from relapse_handouts.plan import OutputSpec
from relapse_handouts.publish import MANIFEST_NAME, publish, read_manifest, recover
from relapse_handouts.render import Artifact


def artifact(path: str, data: bytes) -> Artifact:
    spec = OutputSpec("tiny", "general", "en-CA", "html", None, PurePosixPath(path))
    return Artifact(spec, data, None, (), "1.0", ("source/handouts/tiny.yaml",))


def test_publish_writes_files_and_the_manifest(tmp_path):
    manifest = publish(tmp_path, (artifact("en-CA/tiny.html", b"<p>hi</p>"),))
    assert (tmp_path / "en-CA/tiny.html").read_bytes() == b"<p>hi</p>"
    [entry] = manifest.entries
    assert entry["sha256"] == hashlib.sha256(b"<p>hi</p>").hexdigest() and entry["bytes"] == 9
    assert entry["media_type"] == "text/html" and entry["edition"] == "standard"
    written = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert written == {"outputs": list(manifest.entries)}
    assert read_manifest(tmp_path) == manifest
    assert not list(tmp_path.rglob("*.tmp")) and not (tmp_path / ".publishing").exists()


def test_entries_of_outputs_not_rebuilt_are_kept_and_removed_ones_dropped(tmp_path):
    publish(tmp_path, (artifact("en-CA/a.html", b"a"), artifact("en-CA/b.html", b"b")))
    manifest = publish(tmp_path, (artifact("en-CA/a.html", b"A"),), removed=("en-CA/b.html",))
    assert [entry["path"] for entry in manifest.entries] == ["en-CA/a.html"]
    assert not (tmp_path / "en-CA/b.html").exists()
    assert (tmp_path / "en-CA/a.html").read_bytes() == b"A"


def test_recover_drops_entries_whose_file_no_longer_matches(tmp_path):
    publish(tmp_path, (artifact("en-CA/a.html", b"a"), artifact("en-CA/b.html", b"b")))
    # A crash while renaming: the marker stands and one file changed under the manifest.
    (tmp_path / ".publishing").write_bytes(b"")
    (tmp_path / "en-CA/b.html").write_bytes(b"half")
    (tmp_path / "en-CA/.c.html.tmp").write_bytes(b"left over")
    assert recover(tmp_path) == ("en-CA/b.html",)
    assert [entry["path"] for entry in read_manifest(tmp_path).entries] == ["en-CA/a.html"]
    assert not (tmp_path / "en-CA/.c.html.tmp").exists()


def test_an_unreadable_manifest_reads_as_empty(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    assert read_manifest(tmp_path).entries == ()
