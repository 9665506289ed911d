"""Issued certificates (snapshots written once) and the one-row certificate settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnpm.extensions import db
from learnpm.timeutil import utcnow

DEFAULT_SIGNATORY_NAME = "The Course Director"
DEFAULT_SIGNATORY_TITLE = "Director of Studies"


class CertificateSettings(db.Model):
    """What every new certificate prints about its provider and signatory (a single row, id 1)."""

    __tablename__ = "certificate_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_name: Mapped[str] = mapped_column(String(200))
    provider_number: Mapped[str | None] = mapped_column(String(60))
    signatory_name: Mapped[str] = mapped_column(String(120))
    signatory_title: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(String(254))


class Certificate(db.Model):
    """A contact-hour certificate: the snapshot of what it says, and the PDF rendered from it once."""

    __tablename__ = "certificates"
    __table_args__ = (
        # One live certificate per learner and course; a revoked one makes room for a new one.
        Index("uq_certificates_live_user_course", "user_id", "course_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    snapshot: Mapped[dict] = mapped_column(JSON)
    ledger_seq: Mapped[int]  # the learner's last ledger row at issuance: the audit pack's rows end there
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(254))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_by: Mapped[str | None] = mapped_column(String(254))
    # A revoked certificate blocks a new one for the same learner and course until an admin acts, with a
    # reason: reinstating it (it is valid again) or clearing it for a re-issue on the current ledger.
    reinstated_at: Mapped[datetime | None]
    reinstated_by: Mapped[str | None] = mapped_column(String(254))
    reinstated_reason: Mapped[str | None] = mapped_column(String(500))
    reissued_as: Mapped[str | None] = mapped_column(String(24))
    reissued_at: Mapped[datetime | None]
    reissued_by: Mapped[str | None] = mapped_column(String(254))
    reissued_reason: Mapped[str | None] = mapped_column(String(500))

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    course = relationship("Course", lazy="joined")

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
