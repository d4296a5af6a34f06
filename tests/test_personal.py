"""One child's handout: care sheet, hostile input, privacy, password protection."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from pypdf import PdfReader

from tests import base
from tests.base import REPO, first_by_default, make_project, pdf_text

NAME = "Zoë-Émilie 🌟"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("personal"), "real")


def write_sheet(tmp_path, **fields):
    sheet = {
        "child_first_name": NAME,
        "care_team": [
            {
                "name": "Dr. Alex Chen",
                "role": "Oncologist",
                "phone": "604-555-0100",
                "after_hours": "604-555-0199",
            }
        ],
        "medicines": ["vincristine", "dexamethasone"],
    }
    sheet.update(fields)
    path = tmp_path / "sheet.yaml"
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8")
    return path


def personalize(project, sheet, out, *extra):
    return base.personalize(project, out, *extra, locale="en-CA", sheet=sheet)


def test_example_sheet_builds(project, tmp_path):
    out = tmp_path / "child.pdf"
    result = personalize(project, REPO / "examples/care-sheet.yaml", out)
    assert result.code == 0, result.err
    text = pdf_text(out)
    assert "Prepared for Maya" in text and "Dr. Alex Chen" in text and "604-555-0199" in text


def test_only_the_chosen_medicines_are_explained(project, tmp_path):
    out = tmp_path / "child.pdf"
    assert personalize(project, write_sheet(tmp_path), out).code == 0
    text = pdf_text(out)
    assert "vincristine" in text and "dexamethasone" in text
    for other in ("cytarabine", "doxorubicin", "Oncaspar", "mitoxantrone"):
        assert other not in text


def test_accents_and_emoji_are_kept(project, tmp_path):
    out = tmp_path / "child.pdf"
    assert personalize(project, write_sheet(tmp_path), out).code == 0
    assert "Zoë-Émilie" in pdf_text(out)


@pytest.mark.parametrize(
    "hostile",
    first_by_default(
        "<script>alert(1)</script>",
        "{{ site.organisation }}{% raw %}",
        "</style><b>x",
        'a"; } body { display: none } /*',
        "${jndi:x}",
        keep=2,
    ),
)
def test_markup_is_shown_as_typed_never_interpreted(project, tmp_path, hostile):
    sheet = write_sheet(tmp_path, notes=hostile, child_first_name="Sam")
    out, epub = tmp_path / "child.pdf", tmp_path / "child.epub"
    result = personalize(project, sheet, out, "--epub", epub)
    assert result.code == 0, result.err
    assert hostile.replace(" ", "") in pdf_text(out).replace(" ", "")
    assert "Paediatric Oncology Family Education Team" not in pdf_text(out).split("Notes")[1][:80]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("child_first_name", "A" * 10_000, "child_first_name: too long: at most 60 characters"),
        ("child_first_name", "Ali\u202egnp.exe", "invisible character U+202E"),
        ("child_first_name", "Bell\x07", "invisible character U+0007"),
        ("notes", "line\x00two", "invisible character U+0000"),
        ("medicines", ["vincristine", "aspirin"], "'aspirin' is not in the drug list"),
        ("care_team", [{"name": "X", "phone": "call me maybe"}], "not a phone number"),
        ("shoe_size", 32, "shoe_size: unknown field"),
    ],
)
def test_odd_input_is_refused_with_a_clear_message(project, tmp_path, field, value, message):
    out = tmp_path / "child.pdf"
    result = personalize(project, write_sheet(tmp_path, **{field: value}), out)
    assert result.code == 1
    assert message in result.err and "sheet.yaml:" in result.err
    assert "AAAA" not in result.err and "gnp" not in result.err  # input is never echoed
    assert not out.exists()


def test_personal_details_stay_out_of_metadata_manifest_and_logs(project, tmp_path):
    out = tmp_path / "handout.pdf"
    result = personalize(
        project,
        write_sheet(tmp_path, child_first_name="Quentinella"),
        out,
        "--epub",
        tmp_path / "handout.epub",
    )
    assert result.code == 0
    assert "Quentinella" not in result.out + result.err
    assert "Quentinella" in pdf_text(out)
    reader = PdfReader(out)
    info = json.dumps({k: str(v) for k, v in reader.metadata.items()})
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert "Quentinella" not in info and b"Quentinella" not in xmp
    outline = json.dumps([str(item) for item in reader.outline])
    assert "Quentinella" not in outline
    for path in project.rglob("*"):  # output/, manifest and anything else in the project
        if path.is_file():
            assert b"Quentinella" not in path.read_bytes(), path


def test_password_protected_pdf_stays_tagged(project, tmp_path, monkeypatch):
    out = tmp_path / "locked.pdf"
    monkeypatch.setenv("HANDOUT_PASSWORD", "correct horse 42")
    result = personalize(project, write_sheet(tmp_path), out, "--password-env", "HANDOUT_PASSWORD")
    assert result.code == 0, result.err
    reader = PdfReader(out)
    assert reader.is_encrypted
    assert reader.decrypt("wrong password") == 0
    assert reader.decrypt("correct horse 42") != 0
    assert reader.trailer["/Encrypt"]["/V"] == 5  # AES-256
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Dr. Alex Chen" in pdf_text(out, "correct horse 42")
    qpdf = subprocess.run(
        ["qpdf", "--show-encryption", "--password=correct horse 42", str(out)],
        capture_output=True,
        text=True,
    )
    assert qpdf.returncode == 0, qpdf.stderr
    assert "AESv3" in qpdf.stdout


def test_short_password_is_refused(project, tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUT_PASSWORD", "short")
    result = personalize(
        project, write_sheet(tmp_path), tmp_path / "x.pdf", "--password-env", "HANDOUT_PASSWORD"
    )
    assert result.code == 1 and "shorter than 8 characters" in result.err
