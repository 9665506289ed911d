"""The outbox workflow: queue in the transaction, deliver after the commit, retry what failed for a while."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, render_template
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from learnpm.extensions import db
from learnpm.mail.models import OutboxMessage
from learnpm.mail.transport import (
    FileTransport,
    PermanentMailError,
    SmtpTransport,
    TransientMailError,
    parse_smtp_url,
)
from learnpm.timeutil import utcnow

log = logging.getLogger("learnpm.mail")

CLAIM_SECONDS = 120          # a deliverer that died lets go of its messages after this long
IN_RUN_RETRIES = (1.0, 3.0)  # pauses before the second and third try within one run
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360)  # before later runs, by the tries made so far
MAX_ATTEMPTS = 12                           # then the message is failed for good (about a day)
BATCH = 200
_PENDING = "learnpm_mail_pending"


def send(to: str, subject: str, text: str, html: str | None = None) -> OutboxMessage:
    """Queue a message in the current transaction; it is delivered after the commit."""
    message = OutboxMessage(to_address=to, subject=subject[:200], text_body=text, html_body=html)
    db.session.add(message)
    db.session.info.setdefault(_PENDING, []).append(message)
    return message


def send_template(to: str, subject: str, template: str, **context) -> OutboxMessage:
    """Queue a message whose bodies are templates/mail/TEMPLATE.txt and .html."""
    context.setdefault("provider", current_app.config.get("LEARNPM_PROVIDER_NAME", "learnpm"))
    text = render_template(f"mail/{template}.txt", subject=subject, **context)
    html = render_template(f"mail/{template}.html", subject=subject, **context)
    return send(to, subject, text, html)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    ids = [m.id for m in pending if m.id is not None]
    if not ids:
        return
    if has_request_context():
        g.setdefault("learnpm_mail_ids", []).extend(ids)
    else:
        # The command line (or a script): deliver now, before the command exits, on a connection of
        # its own (the committing session cannot run statements from inside its commit).
        deliver(current_app._get_current_object(), ids)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Deliver what a request committed once its response is out; check the settings."""
    app.extensions["learnpm.mail"] = True
    if not app.config.get("LEARNPM_SMTP_URL"):
        if app.config.get("LEARNPM_PRODUCTION"):
            app.logger.warning("LEARNPM_SMTP_URL is not set: mail is off, messages only go to the log and %s",
                               _mail_dir(app))
    else:
        parse_smtp_url(app.config["LEARNPM_SMTP_URL"])  # a bad URL fails at start-up, not at the first mail

    @app.after_request
    def _deliver_after_response(response):
        ids = g.pop("learnpm_mail_ids", None)
        if ids:
            response.call_on_close(lambda: deliver(app, ids))
        return response


@event.listens_for(Session, "after_commit")
def _on_commit(session: Session) -> None:
    _after_commit(session)


@event.listens_for(Session, "after_soft_rollback")
def _on_rollback(session: Session, previous) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint inside it
        _after_rollback(session)


def _mail_dir(app: Flask) -> Path:
    return Path(app.instance_path) / "mail"


def _transport(app: Flask):
    url = app.config.get("LEARNPM_SMTP_URL")
    if not url:
        return FileTransport(_mail_dir(app))
    return SmtpTransport(parse_smtp_url(url, timeout=app.config["LEARNPM_SMTP_TIMEOUT"],
                                        cafile=app.config.get("LEARNPM_SMTP_CAFILE") or None))


def build_message(app: Flask, row: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = app.config["LEARNPM_MAIL_FROM"]
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=app.config["LEARNPM_MAIL_FROM"].rpartition("@")[2].strip("> ")
                                       or "learnpm.invalid")
    message["X-Learnpm-Id"] = str(row.id)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    return message


def _claim(session: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message for this run, unless another deliverer has it or it is done."""
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return session.get(OutboxMessage, message_id) if claimed else None


def _deliver_one(app: Flask, session: Session, transport, row: OutboxMessage, retry_now: bool) -> bool:
    message = build_message(app, row)
    pauses = IN_RUN_RETRIES if retry_now else ()
    for attempt in range(len(pauses) + 1):
        row.attempts += 1
        try:
            transport.send(message)
        except PermanentMailError as exc:
            row.failed_at, row.last_error, row.claimed_until = utcnow(), str(exc)[:500], None
            log.error("mail %s to %s refused for good: %s", row.id, row.to_address, exc)
            session.commit()
            return False
        except TransientMailError as exc:
            row.last_error = str(exc)[:500]
            log.warning("mail %s to %s: try %d failed: %s", row.id, row.to_address, row.attempts, exc)
            if attempt < len(pauses):
                time.sleep(pauses[attempt])
                continue
            if row.attempts >= MAX_ATTEMPTS:
                row.failed_at = utcnow()
                log.error("mail %s to %s given up after %d tries", row.id, row.to_address, row.attempts)
            else:
                minutes = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
                row.next_attempt_at = utcnow() + timedelta(minutes=minutes)
            row.claimed_until = None
            session.commit()
            return False
        else:
            row.sent_at, row.claimed_until, row.last_error = utcnow(), None, None
            session.commit()
            return True
    return False  # pragma: no cover


def deliver(app: Flask, ids: list[int] | None = None, retry_now: bool = True) -> tuple[int, int]:
    """Deliver the messages `ids` (and any others that are due); return (sent, not sent)."""
    with app.app_context():
        session = Session(db.engine)
        transport = _transport(app)
        sent = failed = 0
        try:
            now = utcnow()
            due = session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                       OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id).limit(BATCH)).all()
            todo = list(dict.fromkeys([*(ids or []), *due]))
            for message_id in todo:
                row = _claim(session, message_id, now)
                if row is None:
                    continue
                if _deliver_one(app, session, transport, row, retry_now):
                    sent += 1
                else:
                    failed += 1
                    retry_now = False  # the server is in trouble: do not hold this run for every message
        except Exception:  # delivery runs after the response: never let it break the worker
            log.exception("mail delivery run failed")
            session.rollback()
        finally:
            transport.close()
            session.close()
        return sent, failed


def deliver_due(app: Flask | None = None) -> tuple[int, int]:
    """Deliver every due message (the outbox's cron job: `learnpm mail send`)."""
    return deliver(app or current_app._get_current_object(), [], retry_now=False)
