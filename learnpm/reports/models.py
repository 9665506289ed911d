"""Stored report figures: the readiness snapshot per learner and program (see readiness_store)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learnpm.extensions import db


class ReadinessSnapshot(db.Model):
    """The readiness model's estimate for one learner and program, as of the learner's latest close."""

    __tablename__ = "readiness_snapshots"
    __table_args__ = (UniqueConstraint("user_id", "program_id", name="uq_readiness_snapshots_user_program"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    percent: Mapped[float | None] = mapped_column(Float)   # None: no scored answer in the program's domains
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    questions: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime]
