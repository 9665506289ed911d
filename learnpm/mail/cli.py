"""`learnpm mail send`: deliver what is due in the outbox (a cron job, or by hand after an outage)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from learnpm.extensions import db
from learnpm.mail import deliver_due
from learnpm.mail.models import OutboxMessage

mail_cli = AppGroup("mail", help="Outgoing mail.")


@mail_cli.command("send")
def send_due() -> None:
    """Deliver the outbox messages that are due; exit 1 if some could not be sent."""
    sent, failed = deliver_due()
    waiting = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)))
    click.echo(f"{sent} sent, {failed} not sent, {waiting} waiting in the outbox.")
    if failed:
        raise SystemExit(1)
