"""Email and personal files as health information: addresses validated and never a way
to inject headers, one deadline for the whole SMTP exchange, private files stay private.
Every refusal here comes before anything is rendered, so these tests are fast."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time
from email.message import EmailMessage

import pytest

from relapse_handouts import HandoutError
from relapse_handouts.emaildraft import SmtpSettings, checked_address, send_email
from tests import base
from tests.base import make_project, run_cli, snapshot


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


def email(project, *args):
    return run_cli("--project", project, "email", "--variant", "general", *args)


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("family@example.org\r\nBcc: all@example.org", "the address contains a line break"),
        ("family@example.org\nSubject: x", "the address contains a line break"),
        ("not an address", "not a valid email address"),
        ("a@example.org, b@example.org", "not a valid email address"),
        ("famïly@example.org", "not a valid email address: Internationalized characters before"),
    ],
)
def test_bad_recipient_is_refused(project, tmp_path, to, message):
    result = email(project, "--to", to, "-o", tmp_path / "d.eml")
    assert result.code == 1
    assert f"error: --to: {message}" in result.err and "hint:" in result.err, result.err
    assert "\r" not in result.err and "Bcc: all" not in result.err.split("--to:")[0]
    assert "Traceback" not in result.err
    assert not (tmp_path / "d.eml").exists()


def test_bad_sender_is_refused(project, tmp_path):
    result = email(project, "--from", "x@y.org\rBcc: z@y.org", "-o", tmp_path / "d.eml")
    assert result.code == 1 and "error: --from: the address contains a line break" in result.err


def test_internationalized_domain_is_encoded():
    assert str(checked_address("family@exämple.org", "--to")) == "family@xn--exmple-cua.org"
    assert str(checked_address("Clinic <desk@example.org>", "--from")) == (
        "Clinic <desk@example.org>"
    )


@pytest.mark.parametrize("port", ["abc", "0", "99999", "25; rm -rf /"])
def test_smtp_port_not_a_number(project, monkeypatch, port):
    monkeypatch.setenv("HANDOUTS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HANDOUTS_SMTP_PORT", port)
    result = email(project, "--send", "--to", "family@example.org")
    assert result.code == 1
    assert "error: HANDOUTS_SMTP_PORT: HANDOUTS_SMTP_PORT must be a number" in result.err
    assert "Traceback" not in result.err


def slow_server(stop: threading.Event) -> int:
    """An SMTP server on 127.0.0.1 that sends its greeting one byte every 0.3 s."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        connection, _ = listener.accept()
        with connection, listener:
            for byte in b"220 slow.example ESMTP at your service\r\n" * 100:
                if stop.wait(0.3):
                    return
                try:
                    connection.send(bytes([byte]))
                except OSError:
                    return

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def test_send_has_one_deadline_for_the_whole_exchange():
    stop = threading.Event()
    port = slow_server(stop)
    message = EmailMessage()
    message["To"] = "family@example.org"
    message["From"] = "desk@example.org"
    message.set_content("hello")
    started = time.monotonic()
    try:
        with pytest.raises(HandoutError) as caught:
            send_email(message, SmtpSettings("127.0.0.1", port, False, None, None, deadline=2))
    finally:
        stop.set()
    elapsed = time.monotonic() - started
    assert 1.5 < elapsed < 6, elapsed  # one byte every 0.3 s never trips a per-read timeout
    assert "did not finish within 2 s" in caught.value.format()


def personalize(project, out, *extra):
    return base.personalize(project, out, *extra, variant="general")


def test_personal_file_refused_inside_output(project):
    output = project / "output"
    (output / "en-CA").mkdir(parents=True)
    published = output / "en-CA/tiny.letter.pdf"
    published.write_bytes(b"%PDF published")
    before = snapshot(output)
    result = personalize(project, published, "--child-name", "Maya")
    assert result.code == 1
    assert "error: refused to write a personal file inside" in result.err
    assert snapshot(output) == before
    draft = email(project, "-o", output / "draft.eml")
    assert draft.code == 1 and "refused to write a personal file inside" in draft.err
    assert snapshot(output) == before


def test_personal_file_refuses_to_replace_a_symlink_or_device(project, tmp_path):
    target = tmp_path / "elsewhere.pdf"
    target.write_bytes(b"keep")
    (tmp_path / "maya.pdf").symlink_to(target)
    for out in (tmp_path / "maya.pdf", "/dev/null"):
        result = personalize(project, out, "--child-name", "Maya")
        assert result.code == 1 and "not a regular file" in result.err, result.err
    assert target.read_bytes() == b"keep"


def test_personal_files_are_0600_whatever_the_umask(project, tmp_path):
    old = os.umask(0)
    try:
        result = personalize(project, tmp_path / "maya.pdf", "--child-name", "Maya")
        draft = email(project, "-o", tmp_path / "maya.eml", "--child-name", "Maya")
    finally:
        os.umask(old)
    assert result.code == 0 and draft.code == 0, result.err + draft.err
    for name in ("maya.pdf", "maya.eml"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
