"""Outgoing mail against a real SMTP server: after the commit, retried, TLS, and the development fallback."""

from __future__ import annotations

import socket
import ssl
import subprocess
import time

import pytest
from sqlalchemy import select

from learnpm import mail
from learnpm.extensions import db
from learnpm.mail import outbox
from learnpm.mail.models import OutboxMessage
from learnpm.mail.transport import MailConfigError, parse_smtp_url
from tests.mail_fixtures import Inbox, free_port, start_server, text_of


@pytest.fixture(autouse=True)
def _clean_database(app):
    """The `app` fixture empties the tables after each test, also for the extra apps these tests build."""


def _smtp_app(another_app, url, **extra):
    return another_app(LEARNPM_SMTP_URL=url, LEARNPM_MAIL_FROM="Course Office <office@school.example>", **extra)


def test_a_message_is_sent_after_the_commit_with_text_and_html(another_app, smtp_server):
    inbox, url = smtp_server
    app = _smtp_app(another_app, url)
    with app.app_context():
        mail.send("lena@example.com", "Hello", "Plain words", "<p>Rich words</p>")
        assert inbox.messages == []  # nothing leaves before the commit
        db.session.commit()
        [message] = inbox.wait_for(1)
        assert message["From"] == "Course Office <office@school.example>"
        assert message["To"] == "lena@example.com" and message["Subject"] == "Hello"
        assert text_of(message).strip() == "Plain words"
        assert "<p>Rich words</p>" in message.get_body(("html",)).get_content()
        row = db.session.scalar(select(OutboxMessage))
        assert row.sent_at is not None and row.attempts == 1


def test_a_rolled_back_transaction_sends_nothing(another_app, smtp_server):
    inbox, url = smtp_server
    app = _smtp_app(another_app, url)
    with app.app_context():
        mail.send("lena@example.com", "Hello", "Plain words")
        db.session.rollback()
        db.session.commit()
        time.sleep(0.2)
        assert inbox.messages == []
        assert db.session.scalar(select(OutboxMessage)) is None


def test_a_rolled_back_savepoint_keeps_the_message_queued_before_it(another_app, smtp_server):
    inbox, url = smtp_server
    app = _smtp_app(another_app, url)
    with app.app_context():
        mail.send("lena@example.com", "Kept", "Body")
        savepoint = db.session.begin_nested()
        mail.send("lena@example.com", "Dropped", "Body")
        savepoint.rollback()
        db.session.commit()
        assert [m["Subject"] for m in inbox.wait_for(1)] == ["Kept"]


def test_a_transient_failure_is_retried(another_app, smtp_server, monkeypatch):
    inbox, url = smtp_server
    monkeypatch.setattr(outbox, "IN_RUN_RETRIES", (0.05, 0.05))
    inbox.fail_next = 2
    app = _smtp_app(another_app, url)
    with app.app_context():
        mail.send("lena@example.com", "Retry me", "Body")
        db.session.commit()
        inbox.wait_for(1)
        row = db.session.scalar(select(OutboxMessage))
        assert row.attempts == 3 and row.sent_at is not None


def test_a_server_that_is_down_leaves_the_message_for_a_later_run(another_app, smtp_server, monkeypatch):
    inbox, url = smtp_server
    monkeypatch.setattr(outbox, "IN_RUN_RETRIES", (0.01,))
    dead_port = free_port()  # nothing listens there
    down = _smtp_app(another_app, f"smtp://127.0.0.1:{dead_port}")
    with down.app_context():
        mail.send("lena@example.com", "Later", "Body")
        db.session.commit()
        row = db.session.scalar(select(OutboxMessage))
        assert row.sent_at is None and row.attempts == 2 and row.failed_at is None
        assert "ConnectionRefused" in row.last_error
        row.next_attempt_at = row.created_at  # the backoff has passed
        db.session.commit()
    up = _smtp_app(another_app, url)
    with up.app_context():
        result = up.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 not sent, 0 waiting" in result.output
    assert inbox.wait_for(1)[0]["Subject"] == "Later"


def test_a_slow_server_is_given_up_on_within_the_timeout(another_app, monkeypatch):
    monkeypatch.setattr(outbox, "IN_RUN_RETRIES", ())
    with socket.socket() as silent:  # accepts the connection, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app = _smtp_app(another_app, f"smtp://127.0.0.1:{silent.getsockname()[1]}", LEARNPM_SMTP_TIMEOUT=0.5)
        with app.app_context():
            mail.send("lena@example.com", "Slow", "Body")
            started = time.monotonic()
            db.session.commit()
            assert time.monotonic() - started < 3
            row = db.session.scalar(select(OutboxMessage))
            assert row.sent_at is None and "timed out" in row.last_error.lower()


def test_a_permanent_refusal_is_not_retried(another_app, smtp_server):
    inbox, url = smtp_server
    inbox.refuse = True
    app = _smtp_app(another_app, url)
    with app.app_context():
        mail.send("nobody@example.com", "No", "Body")
        db.session.commit()
        row = db.session.scalar(select(OutboxMessage))
        assert row.failed_at is not None and row.attempts == 1 and "550" in row.last_error


def test_credentials_are_never_sent_without_tls(another_app, smtp_server, monkeypatch):
    inbox, url = smtp_server
    monkeypatch.setattr(outbox, "IN_RUN_RETRIES", ())
    app = _smtp_app(another_app, url.replace("smtp://", "smtp://user:secret@"))
    with app.app_context():
        mail.send("lena@example.com", "No TLS", "Body")
        db.session.commit()
        row = db.session.scalar(select(OutboxMessage))
        assert row.sent_at is None and "STARTTLS" in row.last_error
    assert inbox.messages == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return str(cert), str(key)


def _tls_context(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def test_starttls_is_used_when_the_server_offers_it(another_app, certificate):
    inbox = Inbox()
    controller, port = start_server(inbox, tls_context=_tls_context(certificate), require_starttls=True)
    try:
        app = _smtp_app(another_app, f"smtp://127.0.0.1:{port}", LEARNPM_SMTP_CAFILE=certificate[0])
        with app.app_context():
            mail.send("lena@example.com", "Over TLS", "Body")
            db.session.commit()
            assert inbox.wait_for(1)[0]["Subject"] == "Over TLS"
    finally:
        controller.stop()


def test_smtps_uses_implicit_tls(another_app, certificate):
    inbox = Inbox()
    controller, port = start_server(inbox, ssl_context=_tls_context(certificate))
    try:
        app = _smtp_app(another_app, f"smtps://127.0.0.1:{port}", LEARNPM_SMTP_CAFILE=certificate[0])
        with app.app_context():
            mail.send("lena@example.com", "Implicit", "Body")
            db.session.commit()
            assert inbox.wait_for(1)[0]["Subject"] == "Implicit"
    finally:
        controller.stop()


def test_without_smtp_messages_go_to_the_instance_folder_and_the_log(app, caplog, tmp_path):
    with caplog.at_level("INFO", logger="learnpm.mail"):
        mail.send("lena@example.com", "Dev mail", "Open http://127.0.0.1:5000/x")
        db.session.commit()
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    assert b"Subject: Dev mail" in eml.read_bytes()
    assert "http://127.0.0.1:5000/x" in caplog.text


@pytest.mark.parametrize("url, problem", [("http://host", "smtp://"), ("smtp://", "no host"),
                                          ("smtp://host:notaport", "bad port")])
def test_a_bad_smtp_url_is_refused_clearly(url, problem):
    with pytest.raises(MailConfigError, match=problem):
        parse_smtp_url(url)


def test_smtp_url_credentials_are_url_decoded():
    settings = parse_smtp_url("smtp://me%40school.example:p%3Ass@mail.example:587")
    assert (settings.username, settings.password, settings.port, settings.implicit_tls) == \
        ("me@school.example", "p:ss", 587, False)
    assert parse_smtp_url("smtps://mail.example").port == 465
