"""The instructor's cohort of a course: one row per learner, built from GROUP BY subqueries joined together.

The cohort is the learners with activity in the course: ledger rows (or an open reading record) on its
lessons, or attempts in it (its knowledge checks and final assessment, and course-less quizzes and mock
exams on its program). Filtered to a class, it is the class's members, whether they have started or not.
A page is one statement whatever the cohort's size: it joins the per-learner
aggregates, filters, sorts and cuts the page (with the total as a window count). Readiness comes from the
stored snapshots (readiness_store), the model's figures as of each learner's latest closed attempt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Select, and_, cast, func, literal, or_, select, type_coerce

from learnpm.auth.models import Role, User
from learnpm.classes.models import ClassMember, LearnerClass
from learnpm.extensions import db
from learnpm.hours.models import EngagementClock, HoursEntry
from learnpm.lessons.models import Course, Lesson
from learnpm.quizzes.models import Attempt
from learnpm.reports import queries
from learnpm.reports.models import ReadinessSnapshot
from learnpm.reports.readiness import Readiness
from learnpm.reports.readiness_store import as_readiness

PER_PAGE = 50
INACTIVE_DAYS = 14
SORTS = ("name", "email", "hours", "lessons", "last_active", "best_mock", "readiness")
SEARCH_MAX = 100


@dataclass(frozen=True)
class CohortFilter:
    search: str = ""
    below_target: bool = False
    inactive: bool = False
    sort: str = "name"
    descending: bool = False
    page: int = 1
    class_slug: str = ""           # a class of the course: its members, active or not yet
    class_id: int | None = None    # set by the caller once the slug is known to name a class of the course

    def args(self, **changes) -> dict:
        """Return the query-string arguments of this filter (with `changes`), defaults left out."""
        f = replace(self, **changes)
        args = {"q": f.search, "below_target": "1" if f.below_target else "", "inactive": "1" if f.inactive else "",
                "sort": f.sort if f.sort != "name" else "", "dir": "desc" if f.descending else "",
                "page": f.page if f.page != 1 else "", "class": f.class_slug}
        return {k: v for k, v in args.items() if v}


def parse_filter(args) -> CohortFilter:
    """Build a filter from query-string arguments, ignoring what is unknown or malformed."""
    page = args.get("page", "1")
    sort = args.get("sort", "name")
    return CohortFilter(search=" ".join(args.get("q", "").split())[:SEARCH_MAX],
                        below_target=args.get("below_target") == "1", inactive=args.get("inactive") == "1",
                        sort=sort if sort in SORTS else "name", descending=args.get("dir") == "desc",
                        page=int(page) if page.isdigit() and len(page) < 7 and int(page) > 0 else 1,
                        class_slug=args.get("class", "")[:80])


@dataclass
class CohortRow:
    user_id: int
    name: str
    email: str
    hours_seconds: int
    lessons_done: int
    last_active: datetime | None
    best_mock: float | None
    readiness: Readiness | None = None


@dataclass
class CohortPage:
    course: Course
    filters: CohortFilter
    rows: list[CohortRow]
    total: int
    pages: int
    lessons_total: int
    target_seconds: int


def _entry_time():
    """When a ledger entry happened: the end of its reading session, else the day of the live session."""
    day = HoursEntry.occurred_on
    as_time = type_coerce(day, DateTime) if db.engine.dialect.name == "sqlite" else cast(day, DateTime)
    return func.coalesce(HoursEntry.ended_at, as_time)


def _activity(course: Course) -> Select:
    """Select (user_id, seconds, at) per learner and source: ledger entries, the open reading record, attempts."""
    open_lesson = Lesson.__table__.alias("open_lesson")
    return (
        select(HoursEntry.user_id.label("user_id"), func.sum(HoursEntry.seconds).label("seconds"),
               func.max(_entry_time()).label("at"))
        .where(HoursEntry.course_id == course.id).group_by(HoursEntry.user_id)
        .union_all(
            select(EngagementClock.user_id, EngagementClock.open_seconds, EngagementClock.open_last_credit_at)
            .join(open_lesson, open_lesson.c.id == EngagementClock.open_lesson_id)
            .where(open_lesson.c.course_id == course.id, EngagementClock.open_seconds > 0),
            select(Attempt.user_id, literal(0), func.max(func.coalesce(Attempt.closed_at, Attempt.created_at)))
            .where(queries.in_course(course)).group_by(Attempt.user_id)))


def _base(course: Course, filters: CohortFilter, now: datetime, share: float) -> Select:
    """Join the per-learner aggregates and readiness snapshots, filter and order them."""
    activity = _activity(course).subquery("activity")
    per_user = (select(activity.c.user_id, func.coalesce(func.sum(activity.c.seconds), 0).label("seconds"),
                       func.max(activity.c.at).label("last_active"))
                .group_by(activity.c.user_id).subquery("per_user"))
    done = queries.completed_lessons_query(course, share).subquery("done")
    best = (select(Attempt.user_id, func.max(Attempt.score_percent).label("best"))
            .where(queries.in_course(course), Attempt.mode == "mock", Attempt.status == "closed")
            .group_by(Attempt.user_id).subquery("best"))
    ready = ReadinessSnapshot
    seconds = func.coalesce(per_user.c.seconds, 0)
    columns = [User.id, User.name, User.email, seconds.label("seconds"), func.coalesce(done.c.done, 0).label("done"),
               per_user.c.last_active, best.c.best, ready.percent, ready.low, ready.high, ready.questions]
    query = select(*columns)
    if filters.class_id is not None:
        # A class's cohort is its members, those who have not started yet included.
        query = (query.join(ClassMember, and_(ClassMember.user_id == User.id, ClassMember.class_id == filters.class_id))
                 .outerjoin(per_user, per_user.c.user_id == User.id))
    else:
        query = query.join(per_user, per_user.c.user_id == User.id)
    query = (query.outerjoin(done, done.c.user_id == User.id).outerjoin(best, best.c.user_id == User.id)
             .outerjoin(ready, and_(ready.user_id == User.id, ready.program_id == course.program_id))
             .where(User.role == Role.LEARNER.value))
    if filters.search:
        pattern = "%" + filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
    if filters.below_target:
        query = query.where(seconds < course.program.rules.target_seconds)
    if filters.inactive:
        query = query.where(or_(per_user.c.last_active.is_(None),
                                per_user.c.last_active < now - timedelta(days=INACTIVE_DAYS)))
    sort_column = {"name": func.lower(User.name), "email": User.email_normalized, "hours": seconds,
                   "lessons": func.coalesce(done.c.done, 0), "last_active": per_user.c.last_active,
                   "best_mock": best.c.best, "readiness": ready.percent}.get(filters.sort, func.lower(User.name))
    ordered = sort_column.desc() if filters.descending else sort_column.asc()
    return query.order_by(sort_column.is_(None), ordered, User.id)  # learners without a value go last


def _row(values) -> CohortRow:
    user_id, name, email, seconds, done, last_active, best, percent, low, high, questions = values[:11]
    return CohortRow(user_id, name, email, int(seconds or 0), int(done or 0), last_active,
                     float(best) if best is not None else None, as_readiness(percent, low, high, questions))


def cohort_page(course: Course, filters: CohortFilter, now: datetime, share: float) -> CohortPage:
    """Return one page (PER_PAGE learners) of the cohort, filtered and sorted."""
    query = _base(course, filters, now, share)
    page = filters.page
    result = db.session.execute(query.add_columns(func.count().over().label("total"))
                                .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    if result:
        total = result[0][-1]
    else:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = [_row(values) for values in result]
    return CohortPage(course, filters, rows, total, max(1, math.ceil(total / PER_PAGE)), queries.lesson_total(course),
                      course.program.rules.target_seconds)


def cohort_all(course: Course, filters: CohortFilter, now: datetime, share: float) -> CohortPage:
    """Return every learner of the cohort that the filters keep, in order (for CSV)."""
    rows = [_row(values) for values in db.session.execute(_base(course, filters, now, share))]
    return CohortPage(course, filters, rows, len(rows), 1, queries.lesson_total(course),
                      course.program.rules.target_seconds)


def in_cohort(course: Course, user_id: int) -> User | None:
    """Return the learner if they have activity in the course or are in one of its classes, else None."""
    activity = _activity(course).subquery("activity")
    member = db.session.scalar(select(activity.c.user_id).where(activity.c.user_id == user_id).limit(1))
    if member is None:
        member = db.session.scalar(
            select(ClassMember.user_id).join(LearnerClass, LearnerClass.id == ClassMember.class_id)
            .where(LearnerClass.course_id == course.id, ClassMember.user_id == user_id).limit(1))
    if member is None:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.role == Role.LEARNER.value else None
