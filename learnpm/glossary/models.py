"""A course's glossary terms, its reference pages, and each learner's flashcard state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnpm.extensions import db
from learnpm.timeutil import utcnow


class GlossaryTerm(db.Model):
    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(140))
    term: Mapped[str] = mapped_column(String(120))
    also: Mapped[list] = mapped_column(JSON, default=list)
    definition: Mapped[str] = mapped_column(Text)
    definition_html: Mapped[str] = mapped_column(Text)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"), index=True)
    retired: Mapped[bool] = mapped_column(default=False)

    lesson = relationship("Lesson", lazy="joined")


class ReferencePage(db.Model):
    """A printable page beside the lessons (the formula sheet, the artifact reference): no contact hours."""

    __tablename__ = "reference_pages"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    body_html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list] = mapped_column(JSON, default=list)  # [{"id", "title", "level"}], as a lesson's
    source_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(default=False)


class Flashcard(db.Model):
    """One glossary term a learner studies, with its FSRS memory state and next due time."""

    __tablename__ = "flashcards"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("glossary_terms.id"), primary_key=True)
    card: Mapped[dict] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(index=True)
    reviews: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # first studied: new cards are paced per day
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
