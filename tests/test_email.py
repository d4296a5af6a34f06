"""Email drafts: RFC 5322 / MIME that parses, opens as a draft, and sends over SMTP."""

from __future__ import annotations

import email
import email.policy
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.base import REPO, make_project, run_cli


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("email"), "real")


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def test_draft_parses_and_opens_as_a_draft(project, tmp_path):
    draft = tmp_path / "draft.eml"
    result = run_cli(
        "--project", project, "email", "--variant", "cns", "--locale", "fr-CA", "-o", draft
    )
    assert result.code == 0, result.err
    message = parse(draft.read_bytes())
    assert message["X-Unsent"] == "1"
    assert message["Subject"].startswith("Information de l'équipe soignante")
    assert "@" in message["From"] and message["Date"] and message["Message-ID"]
    body = message.get_body(("plain",)).get_content()
    assert "Bonjour," in body and "ne remplace pas" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "relapsed-all-cns.letter.pdf"
    reader = PdfReader(BytesIO(attachment.get_content()))
    assert reader.trailer["/Root"]["/Lang"] == "fr-CA"


def test_personal_draft_keeps_the_name_out_of_the_subject(project, tmp_path):
    draft = tmp_path / "draft.eml"
    result = run_cli(
        "--project",
        project,
        "email",
        "--variant",
        "cns",
        "--sheet",
        REPO / "examples/care-sheet.yaml",
        "-o",
        draft,
    )
    assert result.code == 0, result.err
    message = parse(draft.read_bytes())
    assert "Maya" not in message["Subject"] and "Maya" not in message.get_body().get_content()
    assert "Maya" not in (list(message.iter_attachments())[0].get_filename())
    pdf = PdfReader(BytesIO(list(message.iter_attachments())[0].get_content()))
    assert "Prepared for Maya" in pdf.pages[0].extract_text()


def test_send_to_a_local_smtp_server(project, smtp, monkeypatch):
    monkeypatch.setenv("PDF_PASSWORD", "open sesame 2026")
    result = run_cli(
        "--project", project, "email", "--variant", "refractory", "--locale", "es",
        "--send", "--to", "family@example.org", "--password-env", "PDF_PASSWORD",
    )  # fmt: skip
    assert result.code == 0, result.err
    [content] = smtp.messages
    assert smtp.recipients == [["family@example.org"]]
    message = parse(content)
    assert message["Subject"].startswith("Información del equipo de atención")
    assert "contraseña" in message.get_body().get_content()
    reader = PdfReader(BytesIO(list(message.iter_attachments())[0].get_content()))
    assert reader.is_encrypted and reader.decrypt("open sesame 2026")


def test_send_without_settings_is_a_clear_error(project, monkeypatch):
    monkeypatch.delenv("HANDOUTS_SMTP_HOST", raising=False)
    result = run_cli(
        "--project", project, "email", "--variant", "cns", "--send", "--to", "family@example.org"
    )
    assert result.code == 1 and "HANDOUTS_SMTP_HOST is not set" in result.err
