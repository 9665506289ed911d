"""Question banks, versioned questions, attempts with their items and answers, accommodations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnpm.extensions import db
from learnpm.timeutil import utcnow


class QuestionBank(db.Model):
    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    source: Mapped[str] = mapped_column(String(20), default="content")  # content | gift | aiken


class Question(db.Model):
    """A question's stable identity; what it says lives in its versions."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_pool", "program_id", "domain", "retired"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # the id authors write, e.g. fund-001
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    type: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(60))
    task: Mapped[str | None] = mapped_column(String(20))
    difficulty: Mapped[str] = mapped_column(String(10), default="medium")
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"), index=True)
    check: Mapped[bool] = mapped_column(default=False)
    pool: Mapped[str] = mapped_column(String(10), default="exam", server_default="exam")  # exam | final | extra
    retired: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)  # the current version's number
    content_hash: Mapped[str] = mapped_column(String(64))
    # The Moodle category path it came from ("$course$/top/Planning"); None: the category named by its domain.
    category: Mapped[str | None] = mapped_column(String(500))

    lesson = relationship("Lesson")  # loaded when shown: drawing a quiz reads hundreds of questions


class QuestionVersion(db.Model):
    """What a question said at one time; attempts point here so old grading never changes."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)  # type, stem/html, options, choices, answers, explanation
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        Index("ix_attempts_user_created", "user_id", "created_at"),
        # Covers the cohort report's per-learner aggregates (activity, best mock, passed checks).
        Index("ix_attempts_report", "user_id", "program_id", "course_id", "mode", "status", "passed", "lesson_id",
              "score_percent", "created_at", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    mode: Mapped[str] = mapped_column(String(20))  # check | practice | custom | final | mock | review
    domain: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    time_limit_seconds: Mapped[int | None]
    deadline: Mapped[datetime | None]
    # Opaque option ids: each is a keyed hash of this salt and the stored id (presenters.OptionIds).
    salt: Mapped[str] = mapped_column(String(32), default="", server_default="")
    breaks: Mapped[list | None] = mapped_column(JSON)  # per section: the break minutes after it, or None
    break_minutes: Mapped[int | None]        # the break in progress or last taken (the first offered, before)
    break_started_at: Mapped[datetime | None]
    break_ended_at: Mapped[datetime | None]  # when the learner ended the break early
    feedback: Mapped[str | None] = mapped_column(String(10))  # "immediate": tutor mode, each answer graded as given
    locked_section: Mapped[int] = mapped_column(default=0)  # sections 1..N up to this one are locked
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(20))  # submitted | expired
    score_percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]
    result: Mapped[dict | None] = mapped_column(JSON)

    items: Mapped[list[AttemptItem]] = relationship(order_by="AttemptItem.position", back_populates="attempt")


class AttemptItem(db.Model):
    """One question in an attempt, with the order of its options fixed when the attempt began."""

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_attempt_items_attempt_position"),
                      UniqueConstraint("attempt_id", "question_key", name="uq_attempt_items_attempt_question"))

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    position: Mapped[int]
    section: Mapped[int] = mapped_column(default=1)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    question_key: Mapped[str] = mapped_column(String(120))
    version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    domain: Mapped[str] = mapped_column(String(60))
    scored: Mapped[bool] = mapped_column(default=True)  # False for unscored pretest items
    # No earlier attempt of the learner held this question: only first exposures feed readiness.
    first_exposure: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    choice_order: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[bool | None]  # set when the attempt is graded

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship(lazy="joined")
    question: Mapped[Question] = relationship(lazy="joined")


class AttemptAnswer(db.Model):
    """The latest answer and flag for one item; saved the moment it is given."""

    __tablename__ = "attempt_answers"

    item_id: Mapped[int] = mapped_column(ForeignKey("attempt_items.id"), primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    answer: Mapped[object | None] = mapped_column(JSON(none_as_null=True))  # no answer is SQL NULL, not 'null'
    flagged: Mapped[bool] = mapped_column(default=False)
    # Options the learner struck out (stored ids), kept with the answer so a reload keeps them; NULL: none.
    struck: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class Accommodation(db.Model):
    """Extra time for a learner's timed attempts, set by an instructor."""

    __tablename__ = "accommodations"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    time_factor: Mapped[float] = mapped_column(Float, default=1.0)
    reason: Mapped[str] = mapped_column(String(500), default="")
    set_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportUpload(db.Model):
    """A file uploaded to the browser's import page, kept between its dry run and its confirmation.

    Keyed by the sha256 of its bytes: the confirm step imports exactly what the dry run showed, never a plan or
    a file the browser sends back.
    """

    __tablename__ = "import_uploads"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
