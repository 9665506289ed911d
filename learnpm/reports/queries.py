"""Read-only aggregate queries that the dashboard, the cohort and the learner detail share.

Every function here is one or two statements, whatever the number of learners, lessons or attempts:
the rows are grouped in SQL and the pure rules (completion, readiness, ratings) run on the aggregates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Float, Select, and_, case, exists, func, literal, or_, select

from learnpm.extensions import db
from learnpm.hours.models import EngagementClock, LessonProgress
from learnpm.lessons.models import PUBLISHED_LESSON, Course, Lesson, Module
from learnpm.lessons.models import Program as ProgramRow
from learnpm.lessons.programs import Program
from learnpm.quizzes.models import Attempt, AttemptItem, Question
from learnpm.reports.readiness import Readiness, ScoredAnswer, estimate_readiness

WINDOW = 200                 # the readiness model's most recent scored answers (readiness.estimate_readiness)
DEFAULT_PASS_PERCENT = 70.0  # when a program file names no pass mark (PMI publishes none)


def pass_percent(rules: Program) -> float:
    return float(rules.exam.get("pass_percent", DEFAULT_PASS_PERCENT))


def program_for_learner(user_id: int, key: str | None) -> ProgramRow | None:
    """Return the program asked for, else the one of the learner's latest attempt, else the first course's."""
    programs = db.session.scalars(select(ProgramRow).order_by(ProgramRow.id)).all()
    if key:
        return next((p for p in programs if p.key == key), None)
    if len(programs) <= 1:
        return programs[0] if programs else None
    latest = db.session.scalar(select(Attempt.program_id).where(Attempt.user_id == user_id)
                               .order_by(Attempt.created_at.desc(), Attempt.id.desc()).limit(1))
    if latest is None:
        latest = db.session.scalar(select(Course.program_id).where(Course.published.is_(True))
                                   .order_by(Course.title).limit(1))
    return next((p for p in programs if p.id == latest), programs[0])


def in_course(course: Course) -> ColumnElement[bool]:
    """Attempts that belong to a course: its own (checks, finals) and course-less quizzes on its program."""
    return or_(Attempt.course_id == course.id,
               and_(Attempt.course_id.is_(None), Attempt.program_id == course.program_id))


# Recent scored answers, per domain (and task): the readiness model's window, in SQL


def _recent_scored(program_id: int, domain_keys: list[str], now: datetime, user_ids: Iterable[int] | None,
                   with_task: bool):
    """The learner's scored items of closed attempts, numbered from the most recent (rn = 1)."""
    rn = func.row_number().over(partition_by=Attempt.user_id,
                                order_by=(Attempt.closed_at.desc(), Attempt.id.desc(), AttemptItem.position.desc()))
    columns = [Attempt.user_id.label("user_id"), AttemptItem.domain.label("domain"),
               AttemptItem.correct.label("correct"), rn.label("rn")]
    if with_task:
        columns.append(Question.task.label("task"))
    # Only first exposures: an item answered again after its feedback was seen says little about the exam.
    # Items outside the exam outline (pool 'extra') are practice, not evidence.
    query = (select(*columns).join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
             .join(Question, Question.id == AttemptItem.question_id)
             .where(Attempt.program_id == program_id, Attempt.status == "closed", Attempt.closed_at <= now,
                    AttemptItem.scored.is_(True), AttemptItem.correct.is_not(None),
                    AttemptItem.first_exposure.is_(True), Question.pool != "extra",
                    AttemptItem.domain.in_(domain_keys)))
    if user_ids is not None:
        query = query.where(Attempt.user_id.in_(list(user_ids)))
    return query.subquery("recent")


def recent_counts_query(program_id: int, domain_keys: list[str], now: datetime,
                        user_ids: Iterable[int] | None = None, *, with_task: bool = False,
                        window: int = WINDOW) -> Select:
    """Select (user_id, domain[, task], correct, answered) over each learner's `window` latest scored answers."""
    recent = _recent_scored(program_id, domain_keys, now, user_ids, with_task)
    keys = [recent.c.user_id, recent.c.domain] + ([recent.c.task] if with_task else [])
    right = func.sum(case((recent.c.correct.is_(True), 1), else_=0))
    return (select(*keys, right.label("correct"), func.count().label("answered"))
            .where(recent.c.rn <= window).group_by(*keys))


def recent_domain_counts(program_id: int, domain_keys: list[str], now: datetime,
                         user_ids: Iterable[int] | None = None) -> dict[int, dict[str, tuple[int, int]]]:
    """Return {user_id: {domain: (correct, answered)}} over each learner's recent scored answers."""
    counts: dict[int, dict[str, tuple[int, int]]] = {}
    for user_id, domain, right, answered in db.session.execute(
            recent_counts_query(program_id, domain_keys, now, user_ids)):
        counts.setdefault(user_id, {})[domain] = (int(right), int(answered))
    return counts


def readiness_from_counts(counts: dict[str, tuple[int, int]], rules: Program, now: datetime) -> Readiness:
    """Run the readiness model on per-domain counts of the recent window (they are all it reads)."""
    answers: list[ScoredAnswer] = []
    for domain, (right, answered) in counts.items():  # equal answers may share one immutable object
        answers += [ScoredAnswer(domain, True, now)] * right + [ScoredAnswer(domain, False, now)] * (answered - right)
    return estimate_readiness(answers, rules.domains, rules.ratings, pass_percent(rules), now=now, window=WINDOW)


def questions_per_domain(program_id: int) -> dict[str, int]:
    """Return how many live exam-pool questions each domain of the program has (what domain practice draws)."""
    return dict(db.session.execute(select(Question.domain, func.count()).where(
        Question.program_id == program_id, Question.retired.is_(False), Question.pool == "exam")
        .group_by(Question.domain)).all())


def unseen_mock_questions(user_id: int, program_id: int) -> tuple[int, int]:
    """Return (questions a mock exam may draw that the learner was never shown, all such questions)."""
    shown = (select(AttemptItem.question_id).join(Attempt, Attempt.id == AttemptItem.attempt_id)
             .where(Attempt.user_id == user_id, AttemptItem.question_id == Question.id))
    unseen, total = db.session.execute(
        select(func.count(case((~exists(shown), 1))), func.count())
        .where(Question.program_id == program_id, Question.retired.is_(False), Question.pool == "exam",
               Question.check.is_(False))).one()
    return int(unseen), int(total)


# Lessons and their completion


@dataclass
class LessonRow:
    id: int
    slug: str
    title: str
    duration_seconds: int
    module_id: int
    module_title: str
    course_id: int
    course_slug: str
    course_title: str


def published_lessons(course_ids: Iterable[int] | None = None) -> list[LessonRow]:
    """Return the published lessons of published courses (or of `course_ids`), in course order."""
    query = (select(Lesson.id, Lesson.slug, Lesson.title, Lesson.duration_minutes, Module.id, Module.title,
                    Course.id, Course.slug, Course.title)
             .join(Module, Module.id == Lesson.module_id).join(Course, Course.id == Lesson.course_id)
             .where(Lesson.draft.is_(False), Lesson.retired.is_(False))
             .order_by(Course.title, Course.id, Lesson.position))
    if course_ids is None:
        query = query.where(Course.published.is_(True))
    else:
        query = query.where(Course.id.in_(list(course_ids)))
    return [LessonRow(lid, slug, title, minutes * 60, mid, mtitle, cid, cslug, ctitle)
            for lid, slug, title, minutes, mid, mtitle, cid, cslug, ctitle in db.session.execute(query)]


def lessons_with_checks(lesson_ids: Iterable[int]) -> set[int]:
    """Return the lessons (of `lesson_ids`) that have a knowledge check."""
    ids = list(lesson_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Question.lesson_id).where(
        Question.lesson_id.in_(ids), Question.check.is_(True), Question.retired.is_(False)).distinct()))


def completed_lessons_query(course: Course, share: float) -> Select:
    """Select (user_id, done): lessons of `course` each learner completed, by the rule of crediting.is_complete.

    Engaged time is the sealed progress plus the open reading record; a lesson with a knowledge check
    also needs a passed check. Lessons with sealed progress and lessons with only an open record are
    counted apart (they never overlap) and added, which keeps both counts simple index joins.
    """
    clock = EngagementClock
    checked = (select(Question.lesson_id.label("lesson_id"))
               .where(Question.check.is_(True), Question.retired.is_(False), Question.lesson_id.is_not(None))
               .distinct().subquery("checked"))
    passed = (select(Attempt.user_id.label("user_id"), Attempt.lesson_id.label("lesson_id"))
              .where(Attempt.course_id == course.id, Attempt.mode == "check", Attempt.status == "closed",
                     Attempt.passed.is_(True)).distinct().subquery("passed"))

    def done(user_id, lesson_id, seconds, query: Select) -> Select:
        return (query.join(Lesson, Lesson.id == lesson_id)
                .outerjoin(checked, checked.c.lesson_id == lesson_id)
                .outerjoin(passed, and_(passed.c.user_id == user_id, passed.c.lesson_id == lesson_id))
                .where(Lesson.course_id == course.id, Lesson.draft.is_(False), Lesson.retired.is_(False),
                       seconds >= literal(share * 60, Float) * Lesson.duration_minutes,
                       or_(checked.c.lesson_id.is_(None), passed.c.lesson_id.is_not(None)))
                .group_by(user_id))

    progress = LessonProgress
    sealed = done(progress.user_id, progress.lesson_id, progress.engaged_seconds + func.coalesce(clock.open_seconds, 0),
                  select(progress.user_id.label("user_id"), func.count().label("done"))
                  .select_from(progress).where(progress.course_id == course.id)
                  .outerjoin(clock, and_(clock.user_id == progress.user_id,
                                         clock.open_lesson_id == progress.lesson_id)))
    open_only = done(clock.user_id, clock.open_lesson_id, clock.open_seconds,
                     select(clock.user_id, func.count()).select_from(clock)
                     .where(~exists().where(progress.user_id == clock.user_id,
                                            progress.lesson_id == clock.open_lesson_id)))
    both = sealed.union_all(open_only).subquery("done_parts")
    return select(both.c.user_id, func.sum(both.c.done).label("done")).group_by(both.c.user_id)


def lesson_total(course: Course) -> int:
    return db.session.scalar(select(func.count(Lesson.id)).where(
        Lesson.course_id == course.id, Lesson.draft.is_(False), Lesson.retired.is_(False)))


# The score trend and the lessons behind weak areas


@dataclass
class TrendPoint:
    attempt_id: int
    closed_at: datetime
    mode: str
    domain: str | None
    score: float


def score_trend(user_id: int, program_id: int, course: Course | None = None, limit: int = 20) -> list[TrendPoint]:
    """Return the learner's latest `limit` closed, scored attempts on the program, oldest first."""
    query = (select(Attempt.id, Attempt.closed_at, Attempt.mode, Attempt.domain, Attempt.score_percent)
             .where(Attempt.user_id == user_id, Attempt.program_id == program_id, Attempt.status == "closed",
                    Attempt.score_percent.is_not(None))
             .order_by(Attempt.closed_at.desc(), Attempt.id.desc()).limit(limit))
    if course is not None:
        query = query.where(in_course(course))
    rows = [TrendPoint(i, at, mode, domain, float(score)) for i, at, mode, domain, score in db.session.execute(query)]
    rows.reverse()
    return rows


@dataclass(frozen=True)
class LessonLink:
    course_slug: str
    slug: str
    title: str


def lessons_teaching(program_id: int, domains: Iterable[str]) -> dict[tuple[str, str | None], list[LessonLink]]:
    """Return {(domain, task): lessons} that the program's questions in `domains` point to (published only)."""
    keys = list(domains)
    if not keys:
        return {}
    rows = db.session.execute(
        select(Question.domain, Question.task, Course.slug, Lesson.slug, Lesson.title, Lesson.position)
        .join(Lesson, Lesson.id == Question.lesson_id).join(Course, Course.id == Lesson.course_id)
        .where(Question.program_id == program_id, Question.domain.in_(keys), Question.retired.is_(False),
               *PUBLISHED_LESSON)
        .distinct().order_by(Course.slug, Lesson.position))
    found: dict[tuple[str, str | None], list[LessonLink]] = {}
    for domain, task, course_slug, slug, title, _position in rows:
        link = LessonLink(course_slug, slug, title)
        for key in ((domain, task), (domain, None)):
            if link not in found.setdefault(key, []):
                found[key].append(link)
    return found
