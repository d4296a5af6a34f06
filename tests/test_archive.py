"""The release archive (issue 20, 4): every released file kept once by its hash, with who
approved it, found again by hash, printed version or the file itself."""

from __future__ import annotations

import hashlib
import json

from pypdf import PdfReader

from tests.base import make_project, personalize, run_cli, sign


def release(project, *extra):
    args = ("--format", "html", "--edition", "standard")
    return run_cli("--project", project, "build", "--release", *args, *extra)


def index(project):
    path = project / "archive/index.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_two_releases_leave_both_versions_in_the_archive(tmp_path):
    project = make_project(tmp_path)
    sign(project)
    assert release(project).code == 0
    first = (project / "output/en-CA/tiny.html").read_bytes()
    [entry] = index(project)
    assert entry["sha256"] == hashlib.sha256(first).hexdigest()
    assert entry["path"] == "en-CA/tiny.html" and entry["content_version"] == "2.3.4"
    assert entry["approvals"][0]["reviewer"] == "Test Reviewer"
    assert entry["approvals"][0]["meaning"] == "clinical-accuracy"
    assert (project / "archive" / entry["file"]).read_bytes() == first
    lines_before = (project / "archive/index.jsonl").read_text()
    assert release(project).code == 0  # the same file again: nothing added
    assert (project / "archive/index.jsonl").read_text() == lines_before
    handout = project / "source/handouts/tiny.yaml"
    text = handout.read_text().replace("What happens next?", "What comes next?")
    handout.write_text(text.replace('content_version: "2.3.4"', 'content_version: "2.3.5"'))
    sign(project)
    assert release(project).code == 0
    second = (project / "output/en-CA/tiny.html").read_bytes()
    old, new = index(project)
    assert old == entry and (project / "archive/index.jsonl").read_text().startswith(lines_before)
    assert new["content_version"] == "2.3.5" and new["sha256"] != old["sha256"]
    assert (project / "archive" / old["file"]).read_bytes() == first
    assert (project / "archive" / new["file"]).read_bytes() == second
    listed = run_cli("--project", project, "releases")
    assert listed.code == 0 and "2 release(s)" in listed.out
    found = run_cli("--project", project, "releases", "--file", project / "output/en-CA/tiny.html")
    assert found.code == 0 and "1 release(s)" in found.out and "version 2.3.5" in found.out
    assert "Test Reviewer (Clinical nurse educator, clinical-accuracy" in found.out
    by_hash = run_cli("--project", project, "releases", "--hash", old["sha256"][:12])
    assert "version 2.3.4" in by_hash.out and "1 release(s)" in by_hash.out
    by_version = run_cli("--project", project, "releases", "--version", "2.3.5")
    assert new["sha256"] in by_version.out and old["sha256"] not in by_version.out
    missing = run_cli("--project", project, "releases", "--version", "9.9")
    assert missing.code == 1 and "0 release(s)" in missing.out


def test_drafts_are_never_archived_and_the_archive_stays_out_of_output(tmp_path):
    project = make_project(tmp_path)
    assert release(project).code == 1  # unsigned
    assert run_cli("--project", project, "build", "--format", "html").code == 0
    assert not (project / "archive").exists()  # only releases are archived
    sign(project)
    inside = release(project, "--archive", project / "output/archive")
    assert inside.code == 1 and "may not be inside the output folder" in inside.err
    elsewhere = tmp_path / "share/releases"
    assert release(project, "--archive", elsewhere).code == 0
    assert (elsewhere / "index.jsonl").is_file()
    assert run_cli("--project", project, "releases", "--archive", elsewhere).out.startswith("20")


def test_personalized_handout_carries_version_and_approval_in_its_metadata(tmp_path):
    project = make_project(tmp_path)
    sign(project)
    target = tmp_path / "child.pdf"
    result = personalize(project, target, "--child-name", "Sam", variant="general")
    assert result.code == 0, result.err
    reader = PdfReader(target)
    info = reader.metadata
    assert info["/ContentVersion"] == "2.3.4"
    assert info["/Approval"].startswith("Test Reviewer, Clinical nurse educator, clinical")
    assert "Sam" not in json.dumps({k: str(v) for k, v in info.items()})
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still a tagged PDF
    text = reader.pages[0].extract_text()
    assert "Version 2.3.4" in " ".join(text.split())
