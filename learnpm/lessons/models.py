"""Programs, courses, modules, lessons, their revisions, and media."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnpm.extensions import db
from learnpm.lessons.programs import Program as ProgramDefinition
from learnpm.lessons.programs import program_from_dict
from learnpm.timeutil import utcnow


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)  # loaded when read, not with every course
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def rules(self) -> ProgramDefinition:
        """The parsed definition, cached per process by (id, updated_at): every change moves updated_at."""
        key = (self.id, self.updated_at)
        if None in key or self in db.session.dirty:  # not stored yet, or changed in this transaction
            return program_from_dict(self.definition)
        rules = _PARSED_RULES.get(key)
        if rules is None:
            if len(_PARSED_RULES) > 64:
                _PARSED_RULES.clear()
            rules = _PARSED_RULES[key] = program_from_dict(self.definition)
        return rules


_PARSED_RULES: dict[tuple[int, datetime], ProgramDefinition] = {}


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    intro_md: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[dict | None] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    program: Mapped[Program] = relationship(lazy="joined")
    modules: Mapped[list[Module]] = relationship(back_populates="course", order_by="Module.position")


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    dirname: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="module", order_by="Lesson.position")


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]  # order within the course, across modules
    title: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int]
    domain: Mapped[str] = mapped_column(String(60))
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    activity_minutes: Mapped[int] = mapped_column(default=0)
    body_md: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list] = mapped_column(JSON, default=list)
    search_text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[int] = mapped_column(default=0)
    draft: Mapped[bool] = mapped_column(default=False)
    retired: Mapped[bool] = mapped_column(default=False)
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(lazy="joined")
    module: Mapped[Module] = relationship(back_populates="lessons")

    @property
    def published(self) -> bool:
        return not self.draft and not self.retired and self.course.published

    @property
    def duration_seconds(self) -> int:
        return self.duration_minutes * 60


# A lesson learners may read: in a published course, neither a draft nor retired (use in a select's where()).
PUBLISHED_LESSON = (Course.published.is_(True), Lesson.draft.is_(False), Lesson.retired.is_(False))


class LessonRevision(db.Model):
    """Every saved version of a lesson, from an import or the browser editor."""

    __tablename__ = "lesson_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    front_matter: Mapped[dict] = mapped_column(JSON)
    body_md: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # "import" or "browser"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


class MediaFile(db.Model):
    """An image that lessons link to, kept in the database so every app server can serve it."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
