"""Attempt workflows: start, take the break, submit, close on the deadline (saving answers: answering.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update

from learnpm import audit
from learnpm.auth.models import User
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson, Program
from learnpm.quizzes import clock, review
from learnpm.quizzes.assembly import Candidate, NotEnoughQuestions, apportion, draw
from learnpm.quizzes.grading import GradedItem, grade
from learnpm.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptAnswer,
    AttemptItem,
    Question,
    QuestionBank,
    QuestionVersion,
)
from learnpm.reports import readiness_store

MODES = ("check", "practice", "custom", "final", "mock", "review")
TIME_LIMIT_RANGE = (10, 366 * 24 * 3600)  # "any from 10 up" (PRODUCT.md), within a year: no date overflows
COUNT_RANGE = (1, 200)
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class StartRequest:
    mode: str
    program: str | None = None
    course: str | None = None
    lesson: str | None = None
    domain: str | None = None
    count: int | None = None
    time_limit_seconds: int | None = None


def presenters_iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def _program(key: str | None, course: Course | None) -> Program:
    if course is not None:
        return course.program
    programs = db.session.scalars(select(Program)).all()
    if key:
        program = next((p for p in programs if p.key == key), None)
        if program is None:
            raise ValidationError(f"Unknown program {key!r}.", {"program": "unknown"})
        return program
    if len(programs) != 1:
        raise ValidationError("Name the program: there are several.", {"program": "required"})
    return programs[0]


def _course(slug: str | None, required: bool) -> Course | None:
    if slug is None:
        if not required:
            return None
        courses = db.session.scalars(select(Course).where(Course.published.is_(True))).all()
        if len(courses) == 1:
            return courses[0]
        raise ValidationError("Name the course.", {"course": "required"})
    course = None if "\x00" in slug else db.session.scalar(  # PostgreSQL refuses NUL in text parameters
        select(Course).where(Course.slug == slug, Course.published.is_(True)))
    if course is None:
        raise NotFound(f"No course {slug!r}.")
    return course


def _pool(program: Program, *, domain: str | None = None, lesson_id: int | None = None, check: bool = False,
          course: Course | None = None) -> list[tuple[Question, QuestionVersion]]:
    query = (select(Question, QuestionVersion)
             .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                   & (QuestionVersion.number == Question.version))
             .where(Question.program_id == program.id, Question.retired.is_(False)))
    if domain:
        query = query.where(Question.domain == domain)
    if lesson_id:
        query = query.where(Question.lesson_id == lesson_id)
    if check:
        query = query.where(Question.check.is_(True))
    if course is not None:
        query = query.join(QuestionBank, QuestionBank.id == Question.bank_id).where(
            (QuestionBank.course_id == course.id) | QuestionBank.course_id.is_(None))
    return [(question, version) for question, version in db.session.execute(query)]


def _candidates(pool) -> tuple[list[Candidate], dict[str, tuple[Question, QuestionVersion]]]:
    by_key = {q.key: (q, v) for q, v in pool}
    return [Candidate(q.key, q.domain, tuple(o["id"] for o in v.content["options"]),
                      tuple(c["id"] for c in v.content["choices"])) for q, v in pool], by_key


def _int_in(value, low: int, high: int, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"'{name}' must be a whole number from {low} to {high:,}.", {name: f"{low}..{high}"})
    return value


def start_attempt(user, request: StartRequest, now: datetime) -> Attempt:
    """Draw the questions for a mode, fix their order and the deadline, and store the attempt."""
    if request.mode not in MODES:
        raise ValidationError(f"Unknown mode {request.mode!r}.", {"mode": list(MODES)})
    course = _course(request.course, required=request.mode == "final")
    lesson = None
    if request.mode == "check":
        if not isinstance(request.lesson, str) or "/" not in request.lesson:
            raise ValidationError("A knowledge check needs 'lesson': \"COURSE/LESSON\".", {"lesson": "required"})
        from learnpm.hours.services import find_lesson

        lesson = find_lesson(request.lesson)
        course = lesson.course
    program = _program(request.program, course)
    rules = program.rules
    limit = None
    sections, pretest, break_minutes, domain = None, None, None, None
    if request.mode == "check":
        pool = _pool(program, lesson_id=lesson.id, check=True)
        counts = {d: sum(1 for q, _ in pool if q.domain == d) for d in {q.domain for q, _ in pool}}
    elif request.mode in ("practice", "custom"):
        domain = request.domain
        if request.mode == "practice" and domain is None:
            raise ValidationError("Domain practice needs 'domain'.", {"domain": rules.domain_keys()})
        if domain is not None and domain not in rules.domain_keys():
            raise ValidationError(f"Unknown domain {domain!r}.", {"domain": rules.domain_keys()})
        count = _int_in(request.count if request.count is not None else 10, *COUNT_RANGE, "count")
        if request.time_limit_seconds is not None:
            limit = _int_in(request.time_limit_seconds, *TIME_LIMIT_RANGE, "time_limit_seconds")
        pool = _pool(program, domain=domain, course=course)
        weights = {d["key"]: d["weight"] for d in rules.domains}
        counts = {domain: count} if domain else apportion(count, weights)
    elif request.mode == "final":
        assessment = course.assessment
        if not assessment:
            raise ValidationError(f"The course {course.slug!r} has no end-of-course assessment.", {"mode": "final"})
        pool = _pool(program, course=course)
        counts = apportion(assessment["questions"], {d["key"]: d["weight"] for d in rules.domains})
        limit = assessment["minutes"] * 60
    elif request.mode == "review":
        count = _int_in(request.count if request.count is not None else 20, *COUNT_RANGE, "count")
        due = review.due_question_ids(user.id, now, count)
        if not due:
            raise Conflict("Nothing is due for review now. Missed questions come back on their schedule.",
                           {"next_due": presenters_iso(review.next_due(user.id))})
        pool = [(q, v) for q, v in _pool(program) if q.id in set(due)]
        counts = {d: sum(1 for q, _ in pool if q.domain == d) for d in {q.domain for q, _ in pool}}
    else:  # mock
        exam = rules.exam
        pool = _pool(program, course=course)
        weights = {d["key"]: d["weight"] for d in rules.domains}
        counts = apportion(exam["questions"] - exam.get("pretest", 0), weights)
        pretest = apportion(exam.get("pretest", 0), weights)
        sections = [s["questions"] for s in exam.get("sections", [{"questions": exam["questions"]}])]
        break_minutes = next((s.get("break_minutes") for s in exam.get("sections", []) if s.get("break_minutes")),
                             None)
        limit = exam["minutes"] * 60
    candidates, by_key = _candidates(pool)
    if not candidates:
        raise NotFound("There are no questions for this choice yet.")
    try:
        draws = draw(candidates, counts, pretest=pretest, sections=sections)
    except NotEnoughQuestions as exc:
        raise Conflict(f"Not enough questions in {exc.domain!r}: {exc.needed} needed, {exc.available} in the bank.",
                       {"domain": exc.domain}) from exc
    accommodation = db.session.get(Accommodation, user.id)
    factor = accommodation.time_factor if accommodation and limit else 1.0
    attempt = Attempt(user_id=user.id, program_id=program.id, course_id=course.id if course else None,
                      lesson_id=lesson.id if lesson else None, mode=request.mode, domain=domain, created_at=now,
                      time_limit_seconds=round(limit * factor) if limit else None,
                      deadline=clock.deadline_for(now, limit, factor), break_minutes=break_minutes)
    db.session.add(attempt)
    db.session.flush()
    db.session.execute(insert(AttemptItem), [  # one executemany, not an INSERT per item
        dict(attempt_id=attempt.id, position=position, section=d.section, question_id=by_key[d.key][0].id,
             question_key=d.key, version_id=by_key[d.key][1].id, domain=d.domain, scored=d.scored,
             option_order=list(d.option_order), choice_order=list(d.choice_order))
        for position, d in enumerate(draws, start=1)])
    audit.record(user, "attempt.start", f"attempt:{attempt.id}", mode=request.mode, questions=len(draws))
    db.session.flush()
    return attempt


def get_attempt(user, attempt_id: int, now: datetime, *, for_update: bool = False) -> Attempt:
    """Return the user's own attempt, closing it first if its deadline has passed.

    `for_update` locks the attempt's row until commit (PostgreSQL): a change to an open attempt then
    never interleaves with its closing, which claims the same row, so no save lands after the grading.
    """
    if not 0 < attempt_id <= MAX_ID:  # the URL takes any digits; the database's integers are 32-bit
        raise NotFound("No such attempt.")
    attempt = db.session.get(Attempt, attempt_id, with_for_update=True if for_update else None,
                             populate_existing=for_update)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("No such attempt.")
    if attempt.status == "open" and clock.expired(attempt.deadline, now):
        close(attempt, "expired", now)
    return attempt


def answers_of(attempt: Attempt) -> dict[int, AttemptAnswer]:
    return {a.item_id: a for a in db.session.scalars(select(AttemptAnswer).where(
        AttemptAnswer.attempt_id == attempt.id))}


def start_break(user, attempt_id: int, now: datetime) -> Attempt:
    """Start the optional break once the first section is answered: lock that section, move the deadline by the
    break's length, and hold answers until the break ends."""
    attempt = get_attempt(user, attempt_id, now, for_update=True)
    if attempt.status != "open":
        raise Conflict("The attempt is closed.", {"status": "closed"})
    per_section = {section: (items, answered) for section, items, answered in db.session.execute(
        select(AttemptItem.section, func.count(), func.count(AttemptAnswer.answer))  # count() skips NULL answers
        .outerjoin(AttemptAnswer, AttemptAnswer.item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == attempt.id).group_by(AttemptItem.section))}
    items, answered = per_section.get(1, (0, 0))
    unanswered = items - answered
    answered_sections = {section for section, (_, count) in per_section.items() if count}
    if not clock.can_start_break(attempt.break_minutes, attempt.break_started_at is not None, answered_sections,
                                 unanswered):
        raise Conflict("There is no break to take now: it comes once, when every question of the first section "
                       "is answered and before any of the second.",
                       {"break": "not at the break point", "unanswered_in_first_section": unanswered})
    attempt.break_started_at = now
    attempt.locked_section = 1
    attempt.deadline = clock.deadline_after_break(attempt.deadline, attempt.break_minutes)
    audit.record(user, "attempt.break", f"attempt:{attempt.id}")
    return attempt


def close(attempt: Attempt, reason: str, now: datetime) -> Attempt:
    """Grade and close an open attempt from its saved answers; a second close changes nothing."""
    claimed = db.session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "open")
                                 .values(status="closing")).rowcount
    if not claimed:
        db.session.refresh(attempt)
        return attempt
    program = db.session.get(Program, attempt.program_id).rules
    answers = dict(db.session.execute(select(AttemptAnswer.item_id, AttemptAnswer.answer)
                                      .where(AttemptAnswer.attempt_id == attempt.id)).all())
    items = db.session.execute(
        select(AttemptItem.id, AttemptItem.question_id, AttemptItem.question_key, AttemptItem.domain,
               AttemptItem.scored, QuestionVersion.content)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)).all()
    graded = [GradedItem(i.question_key, i.domain, i.scored, i.content, answers.get(i.id)) for i in items]
    result = grade(graded, program.rating_for, _pass_percent(attempt, program), program.domain_keys())
    db.session.execute(update(AttemptItem), [{"id": i.id, "correct": result.item_correct[i.question_key]}
                                             for i in items])
    learner = db.session.get(User, attempt.user_id)
    review.record_answers(attempt.user_id, [(i.question_id, result.item_correct[i.question_key])
                                            for i in items if i.id in answers], now, learner.exam_date)
    db.session.refresh(attempt)
    attempt.status, attempt.closed_at, attempt.close_reason = "closed", now, reason
    attempt.score_percent, attempt.passed = result.score_percent, result.passed
    attempt.result = {"score_percent": result.score_percent, "correct": result.correct, "scored": result.scored,
                      "domains": result.domains, "passed": result.passed}
    db.session.flush()
    readiness_store.refresh(attempt.user_id, attempt.program_id, now)
    return attempt


def _pass_percent(attempt: Attempt, program) -> float | None:
    if attempt.mode == "final":
        return db.session.get(Course, attempt.course_id).assessment["pass_percent"]
    return program.exam.get("pass_percent")


def submit(user, attempt_id: int, now: datetime) -> Attempt:
    attempt = get_attempt(user, attempt_id, now)
    if attempt.status == "open":
        close(attempt, "submitted", now)
    return attempt


def close_expired(now: datetime) -> int:
    """Close every open attempt whose deadline has passed; return how many."""
    due = db.session.scalars(select(Attempt).where(Attempt.status == "open", Attempt.deadline.is_not(None))).all()
    count = 0
    for attempt in due:
        if clock.expired(attempt.deadline, now):
            close(attempt, "expired", now)
            count += 1
    return count


def history(user_id: int, limit: int = 50) -> list[tuple[Attempt, int]]:
    """Return the learner's latest attempts with their question counts, in one query."""
    counts = (select(AttemptItem.attempt_id, func.count().label("n")).group_by(AttemptItem.attempt_id).subquery())
    rows = db.session.execute(select(Attempt, counts.c.n).join(counts, counts.c.attempt_id == Attempt.id)
                              .where(Attempt.user_id == user_id)
                              .order_by(Attempt.created_at.desc(), Attempt.id.desc()).limit(limit))
    return [(attempt, n) for attempt, n in rows]


def set_accommodation(actor, learner_id: int, factor: float, reason: str) -> Accommodation:
    if not 1.0 <= factor <= 4.0:
        raise ValidationError("The time multiplier must be from 1.0 to 4.0.", {"factor": "1.0..4.0"})
    row = db.session.get(Accommodation, learner_id) or Accommodation(user_id=learner_id)
    row.time_factor, row.reason, row.set_by = factor, reason.strip()[:500], actor.email
    db.session.add(row)
    audit.record(actor, "attempt.accommodation", f"user:{learner_id}", factor=factor, reason=reason)
    return row


def lesson_check_passed(user_id: int, lesson_ids: list[int]) -> dict[int, bool]:
    """Return, per lesson with a knowledge check attempt, whether the learner has passed one."""
    rows = db.session.execute(select(Attempt.lesson_id, Attempt.passed).where(
        Attempt.user_id == user_id, Attempt.mode == "check", Attempt.status == "closed",
        Attempt.lesson_id.in_(lesson_ids))).all()
    passed: dict[int, bool] = {}
    for lesson_id, ok in rows:
        passed[lesson_id] = passed.get(lesson_id, False) or bool(ok)
    return passed


_CHECK_STATUS = select(  # built once: the lesson page asks it on every view
    select(func.count(Question.id)).where(Question.lesson_id == bindparam("lesson"), Question.check.is_(True),
                                          Question.retired.is_(False)).scalar_subquery(),
    select(func.count(Attempt.id)).where(Attempt.user_id == bindparam("user"), Attempt.mode == "check",
                                         Attempt.status == "closed", Attempt.lesson_id == bindparam("lesson"),
                                         Attempt.passed.is_(True)).scalar_subquery())


def check_status(user_id: int, lesson_id: int) -> tuple[int, bool]:
    """Return (questions in the lesson's knowledge check, whether the learner passed one), in one query."""
    count, passes = db.session.execute(_CHECK_STATUS, {"user": user_id, "lesson": lesson_id}).one()
    return int(count), bool(count and passes)


def lesson_of(attempt: Attempt) -> Lesson | None:
    return db.session.get(Lesson, attempt.lesson_id) if attempt.lesson_id else None
