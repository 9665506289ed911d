"""`content export` of question banks: each bank written by `content import` or the browser, as questions/SLUG.md."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from learnpm.lessons.models import Course, Lesson, Program
from learnpm.quizzes.bankwriter import StoredQuestion, bank_text
from learnpm.quizzes.models import Question, QuestionBank, QuestionVersion

EXPORTED_SOURCES = ("content",)  # GIFT and Aiken banks go back out with `questions export-gift`


def short_ref(ref: str | None, bank_course: str | None) -> str | None:
    """Write a lesson of the bank's own course as `slug`, as banks are written by hand."""
    if ref and bank_course and ref.startswith(bank_course + "/"):
        return ref.removeprefix(bank_course + "/")
    return ref


def export_banks(session, root: Path) -> tuple[int, list[str]]:
    """Write every content bank's active questions; return (files written, banks left out with why)."""
    lessons = {lesson_id: f"{course}/{slug}" for lesson_id, course, slug in session.execute(
        select(Lesson.id, Course.slug, Lesson.slug).join(Course, Course.id == Lesson.course_id))}
    written, skipped = 0, []
    for bank in session.scalars(select(QuestionBank).order_by(QuestionBank.slug)):
        if bank.source not in EXPORTED_SOURCES:
            skipped.append(f"bank {bank.slug} came from {bank.source}: write it with `questions export-gift`")
            continue
        rows = session.execute(select(Question, QuestionVersion.content).join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id) & (QuestionVersion.number == Question.version))
            .where(Question.bank_id == bank.id, Question.retired.is_(False)).order_by(Question.id)).all()
        program = session.get(Program, bank.program_id)
        course = session.get(Course, bank.course_id) if bank.course_id else None
        questions = [StoredQuestion(q.key, q.type, q.domain, q.task, q.difficulty,
                                    short_ref(lessons.get(q.lesson_id), course.slug if course else None), q.check,
                                    q.pool, content) for q, content in rows]
        path = root / "questions" / f"{bank.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bank_text(bank.title, program.key, course.slug if course else None, questions),
                        encoding="utf-8")
        written += 1
    return written, skipped
