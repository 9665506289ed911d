"""The audit log: who changed what, for hours, attempts, certificates and accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from learnpm.extensions import db
from learnpm.timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def record(actor, action: str, target: str, **detail) -> AuditEvent:
    """Add an audit event; `actor` is a User or a label such as "command line"."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or str(actor),
        action=action,
        target=target,
        detail=detail,
    )
    db.session.add(event)
    return event
