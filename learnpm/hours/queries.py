"""Read-only views of a learner's hours: totals, per course, module, lesson and day, the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func, select, union_all

from learnpm.extensions import db
from learnpm.hours.crediting import is_complete
from learnpm.hours.models import EngagementClock, HoursEntry, LessonProgress
from learnpm.lessons.models import Course, Lesson, Module


@dataclass
class LessonHours:
    lesson: Lesson
    seconds: int
    complete: bool


@dataclass
class CourseHours:
    course: Course
    seconds: int
    target_seconds: int
    modules: list[tuple[Module, int]] = field(default_factory=list)


@dataclass
class HoursSummary:
    total_seconds: int
    target_seconds: int
    open_seconds: int
    courses: list[CourseHours]
    lessons: list[LessonHours]
    days: list[tuple[date, int]]
    entries: list[HoursEntry]


_ENGAGED_BY_LESSON = union_all(  # sealed seconds per lesson, and the open record's: one round trip
    select(LessonProgress.lesson_id, LessonProgress.engaged_seconds).where(LessonProgress.user_id == bindparam("user")),
    select(EngagementClock.open_lesson_id, EngagementClock.open_seconds).where(
        EngagementClock.user_id == bindparam("user"), EngagementClock.open_lesson_id.is_not(None)))


def engaged_by_lesson(user_id: int) -> dict[int, int]:
    """Return engaged seconds per lesson id, the open record included."""
    seconds: dict[int, int] = {}
    for lesson_id, engaged in db.session.execute(_ENGAGED_BY_LESSON, {"user": user_id}):
        seconds[lesson_id] = seconds.get(lesson_id, 0) + engaged
    return seconds


def completed_of(user_id: int, rated_seconds: dict[int, int], share: float) -> set[int]:
    """The lessons among `rated_seconds` (lesson id -> rated seconds) the learner completed, in one query."""
    return {lesson_id for lesson_id, engaged in engaged_by_lesson(user_id).items()
            if lesson_id in rated_seconds and is_complete(engaged, rated_seconds[lesson_id], share, None)}


# The learner's engaged seconds in one lesson (bound as "user" and "lesson"), the open record included: a column
# that the lesson page selects with its other per-learner figure in one statement.
ENGAGED_IN_LESSON = (
    func.coalesce(select(LessonProgress.engaged_seconds).where(
        LessonProgress.user_id == bindparam("user"), LessonProgress.lesson_id == bindparam("lesson"))
        .scalar_subquery(), 0)
    + func.coalesce(select(EngagementClock.open_seconds).where(
        EngagementClock.user_id == bindparam("user"), EngagementClock.open_lesson_id == bindparam("lesson"))
        .scalar_subquery(), 0))


def lessons_done_by_course(user_id: int, share: float) -> dict[int, int]:
    """Return {course id: lessons done} for the catalog's progress on each course card (two queries)."""
    engaged = engaged_by_lesson(user_id)
    if not engaged:
        return {}
    done: dict[int, int] = {}
    rows = db.session.execute(select(Lesson.id, Lesson.course_id, Lesson.duration_minutes)
                              .where(Lesson.id.in_(engaged), Lesson.draft.is_(False), Lesson.retired.is_(False)))
    for lesson_id, course_id, minutes in rows:
        if is_complete(engaged[lesson_id], minutes * 60, share, None):
            done[course_id] = done.get(course_id, 0) + 1
    return done


def summary(user_id: int, share: float) -> HoursSummary:
    """Everything the hours page shows, in a handful of aggregate queries."""
    clock = db.session.get(EngagementClock, user_id)
    open_seconds = clock.open_seconds if clock else 0
    open_lesson = db.session.get(Lesson, clock.open_lesson_id) if clock and clock.open_lesson_id else None

    by_course = dict(db.session.execute(select(HoursEntry.course_id, func.sum(HoursEntry.seconds))
                                        .where(HoursEntry.user_id == user_id).group_by(HoursEntry.course_id)).all())
    if open_lesson:
        by_course[open_lesson.course_id] = by_course.get(open_lesson.course_id, 0) + open_seconds
    engaged = engaged_by_lesson(user_id)
    lessons = db.session.scalars(select(Lesson).where(Lesson.id.in_(engaged)).order_by(Lesson.course_id,
                                                                                     Lesson.position)).all()
    by_module: dict[int, int] = {}
    for lesson in lessons:
        by_module[lesson.module_id] = by_module.get(lesson.module_id, 0) + engaged[lesson.id]
    courses = []
    course_rows = db.session.scalars(select(Course).where(Course.id.in_(by_course)).order_by(Course.title)).all()
    modules = db.session.scalars(select(Module).where(Module.id.in_(by_module)).order_by(Module.position)).all()
    for course in course_rows:
        courses.append(CourseHours(course, by_course[course.id], course.program.rules.target_seconds,
                                   [(m, by_module[m.id]) for m in modules if m.course_id == course.id]))

    days = dict(db.session.execute(select(HoursEntry.occurred_on, func.sum(HoursEntry.seconds))
                                   .where(HoursEntry.user_id == user_id).group_by(HoursEntry.occurred_on)).all())
    if clock and clock.open_seconds:
        days[clock.open_day] = days.get(clock.open_day, 0) + open_seconds
    entries = db.session.scalars(select(HoursEntry).where(HoursEntry.user_id == user_id)
                                 .order_by(HoursEntry.seq.desc())).all()
    targets = [c.target_seconds for c in courses] or [_default_target()]
    return HoursSummary(
        total_seconds=(clock.ledger_seconds if clock else 0) + open_seconds,
        target_seconds=max(targets),
        open_seconds=open_seconds,
        courses=courses,
        lessons=[LessonHours(lesson, engaged[lesson.id],
                             is_complete(engaged[lesson.id], lesson.duration_seconds, share, None))
                 for lesson in lessons],
        days=sorted(days.items()),
        entries=list(entries),
    )


def _default_target() -> int:
    """The target of the published courses' program (the largest when there are several)."""
    courses = db.session.scalars(select(Course).where(Course.published.is_(True))).all()
    return max((c.program.rules.target_seconds for c in courses), default=23 * 3600)


def entry_dict(entry: HoursEntry) -> dict:
    return {
        "id": entry.id, "seq": entry.seq, "course": entry.course.slug,
        "lesson": f"{entry.course.slug}/{entry.lesson.slug}" if entry.lesson else None,
        "seconds": entry.seconds, "source": entry.source, "reason": entry.reason,
        "recorded_by": entry.recorded_by, "occurred_on": entry.occurred_on.isoformat(),
        "started_at": entry.started_at.isoformat() + "Z" if entry.started_at else None,
        "ended_at": entry.ended_at.isoformat() + "Z" if entry.ended_at else None,
        "corrects": entry.corrects_id, "created_at": entry.created_at.isoformat() + "Z", "hash": entry.hash,
    }
