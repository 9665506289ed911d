"""The learner's engagement clock, per-lesson progress, and the append-only hours ledger."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnpm.extensions import db
from learnpm.timeutil import utcnow


class EngagementClock(db.Model):
    """One row per learner: the last accepted beat, today's credit and the open record."""

    __tablename__ = "engagement_clocks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)  # compare-and-swap guard against parallel beats
    last_beat_at: Mapped[datetime | None]
    day: Mapped[date | None]
    day_seconds: Mapped[int] = mapped_column(default=0)
    open_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    open_day: Mapped[date | None]
    open_seconds: Mapped[int] = mapped_column(default=0)
    open_started_at: Mapped[datetime | None]
    open_last_credit_at: Mapped[datetime | None]
    # The previous beat: the crediting rule credits the time since it to its lesson when both were engaged.
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    last_engaged: Mapped[bool] = mapped_column(default=False)
    visit_started_at: Mapped[datetime | None]
    # The head of the learner's ledger chain: catches a removed last row, gives the next seq.
    ledger_seq: Mapped[int] = mapped_column(default=0)
    ledger_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    ledger_seconds: Mapped[int] = mapped_column(default=0)
    # Set by quizzes while a timed attempt is open: quiz time is not contact time, so beats earn nothing.
    quiet_until: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}


class LessonProgress(db.Model):
    """Sealed engagement per learner and lesson (the open record is added when read)."""

    __tablename__ = "lesson_progress"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    engaged_seconds: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)


class HoursEntry(db.Model):
    """One append-only ledger row, chained to the learner's previous row by a keyed hash."""

    __tablename__ = "hours_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "seq"),
        Index("ix_hours_entries_user_course", "user_id", "course_id"),
        # Covers the cohort report's hours and last activity per learner of a course.
        Index("ix_hours_entries_course_report", "course_id", "user_id", "seconds", "ended_at", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seq: Mapped[int]                       # 1, 2, 3... per learner: the chain's order
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    seconds: Mapped[int]                   # negative for a correction that removes time
    source: Mapped[str] = mapped_column(String(20))  # engagement | live | correction
    reason: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by: Mapped[str] = mapped_column(String(254))
    occurred_on: Mapped[date]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("hours_entries.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    lesson = relationship("Lesson", lazy="joined")
    course = relationship("Course", lazy="joined")
