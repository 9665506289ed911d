"""Every model of every feature, imported in one place for Alembic and the shell."""

from learnpm.audit import AuditEvent
from learnpm.auth.models import LoginSession, User
from learnpm.certificates.models import Certificate, CertificateSettings
from learnpm.classes.models import ClassMember, LearnerClass
from learnpm.glossary.models import Flashcard, GlossaryTerm, ReferencePage
from learnpm.hours.models import EngagementClock, HoursEntry, LessonProgress
from learnpm.lessons.models import Course, Lesson, LessonRevision, MediaFile, Module, Program
from learnpm.mail.models import OutboxMessage
from learnpm.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptAnswer,
    AttemptItem,
    Question,
    QuestionBank,
    QuestionVersion,
)
from learnpm.quizzes.review import ReviewCard
from learnpm.reports.models import ReadinessSnapshot

__all__ = [
    "Accommodation",
    "Attempt",
    "AttemptAnswer",
    "AttemptItem",
    "Question",
    "QuestionBank",
    "QuestionVersion",
    "ReviewCard",
    "ReadinessSnapshot",
    "AuditEvent",
    "Certificate",
    "CertificateSettings",
    "ClassMember",
    "LearnerClass",
    "Course",
    "EngagementClock",
    "Flashcard",
    "GlossaryTerm",
    "ReferencePage",
    "HoursEntry",
    "LessonProgress",
    "LoginSession",
    "OutboxMessage",
    "Lesson",
    "LessonRevision",
    "MediaFile",
    "Module",
    "Program",
    "User",
]


# Search indexes are engine-specific and kept by hand in the migrations, outside the models.
HAND_MADE = ("lesson_search", "ix_lessons_search")


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Tell Alembic to leave the hand-made search indexes alone."""
    return not (name or "").startswith(HAND_MADE)
