"""Attempt workflows: start, take the break, submit, close on the deadline (saving answers: answering.py)."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update

from learnpm import audit
from learnpm.auth.models import User
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.hours import services as hours_services
from learnpm.hours.services import find_lesson
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
TUTOR_MODES = ("check", "practice", "custom")
SOURCES = ("all", "unseen", "missed", "flagged")
DIFFICULTIES = ("easy", "medium", "hard")
TIME_LIMIT_RANGE = (10, 366 * 24 * 3600)  # "any from 10 up" (PRODUCT.md), within a year: no date overflows
COUNT_RANGE = (1, 200)
MAX_ID = 2**31 - 1
DEFAULT_FINALS_PER_DAY = 2
RETAKE_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class StartRequest:
    mode: str
    program: str | None = None
    course: str | None = None
    lesson: str | None = None
    domain: str | None = None
    count: int | None = None
    time_limit_seconds: int | None = None
    source: str | None = None          # custom: all | unseen | missed | flagged
    domains: list | None = None        # custom: any of the program's domains
    tasks: list | None = None          # custom: task keys
    difficulty: list | None = None     # custom: easy | medium | hard
    include_extra: bool = False        # custom: also draw `extra` items (outside the exam outline)
    feedback: str | None = None        # practice, custom, check: "immediate" (tutor mode)


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


def _pool(program: Program, pools: tuple[str, ...], *, domains=None, lesson_id: int | None = None,
          check: bool | None = None, course: Course | None = None, tasks=None, difficulty=None,
          question_ids=None) -> list[tuple[Question, QuestionVersion]]:
    """The live questions of the given pools (and filters), each with its current version."""
    query = (select(Question, QuestionVersion)
             .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                   & (QuestionVersion.number == Question.version))
             .where(Question.program_id == program.id, Question.retired.is_(False), Question.pool.in_(pools)))
    for column, values in ((Question.domain, domains), (Question.task, tasks), (Question.difficulty, difficulty),
                           (Question.id, question_ids)):
        if values is not None:
            query = query.where(column.in_(list(values)))
    if lesson_id:
        query = query.where(Question.lesson_id == lesson_id)
    if check is not None:
        query = query.where(Question.check.is_(check))
    if course is not None:
        query = query.join(QuestionBank, QuestionBank.id == Question.bank_id).where(
            (QuestionBank.course_id == course.id) | QuestionBank.course_id.is_(None))
    return [(question, version) for question, version in db.session.execute(query)]


def _candidates(pool) -> tuple[list[Candidate], dict[str, tuple[Question, QuestionVersion]]]:
    by_key = {q.key: (q, v) for q, v in pool}
    return [Candidate(q.key, q.domain, tuple(o["id"] for o in v.content["options"]),
                      tuple(c["id"] for c in v.content["choices"]),
                      f"{q.bank_id}:{v.content['case']['id']}" if v.content.get("case") else None,
                      (v.content.get("case") or {}).get("index", 0))
            for q, v in pool], by_key


def _int_in(value, low: int, high: int, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"'{name}' must be a whole number from {low} to {high:,}.", {name: f"{low}..{high}"})
    return value


def _choices(values, allowed, name: str) -> list | None:
    """A list filter of the request: None when left out; every value must be one of `allowed`."""
    if values is None:
        return None
    if not isinstance(values, list) or not values or len(values) > 50 or not all(
            isinstance(v, str) and v in allowed for v in values):
        raise ValidationError(f"'{name}' must be a list of: {', '.join(allowed)}.", {name: list(allowed)})
    return list(dict.fromkeys(values))


def last_shown(user_id: int) -> dict[int, datetime]:
    """When each question was last drawn into one of the learner's attempts (never-shown ones are absent)."""
    return dict(db.session.execute(
        select(AttemptItem.question_id, func.max(Attempt.created_at))
        .join(Attempt, Attempt.id == AttemptItem.attempt_id).where(Attempt.user_id == user_id)
        .group_by(AttemptItem.question_id)).all())


def _latest_outcomes(user_id: int) -> select:
    """Per question, the learner's latest graded item outside finals: (question_id, correct, flagged).

    Graded means in a closed attempt, or answered in tutor mode (graded when given).
    """
    rn = func.row_number().over(partition_by=AttemptItem.question_id,
                                order_by=(Attempt.id.desc(),))
    return (select(AttemptItem.question_id, AttemptItem.correct, AttemptAnswer.flagged, rn.label("rn"))
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .outerjoin(AttemptAnswer, AttemptAnswer.item_id == AttemptItem.id)
            .where(Attempt.user_id == user_id, Attempt.mode != "final",
                   (Attempt.status == "closed")
                   | ((Attempt.feedback == "immediate") & AttemptItem.correct.is_not(None)))
            .subquery())


def question_ids_by_source(user_id: int, source: str, shown: dict[int, datetime]) -> set[int] | None:
    """The questions a custom quiz's `source` allows (None: any); `unseen` is handled by the caller."""
    if source in ("all", "unseen"):
        return None
    latest = _latest_outcomes(user_id)
    condition = latest.c.correct.is_not(True) if source == "missed" else latest.c.flagged.is_(True)
    return set(db.session.scalars(select(latest.c.question_id).where(latest.c.rn == 1, condition)))


def custom_choices(user_id: int, program: Program) -> dict[str, dict[str, int]]:
    """How many exam-pool questions each choice of a custom quiz offers this learner, before it starts."""
    rows = db.session.execute(select(Question.id, Question.domain, Question.task, Question.difficulty).where(
        Question.program_id == program.id, Question.retired.is_(False), Question.pool == "exam")).all()
    shown = last_shown(user_id)
    missed = question_ids_by_source(user_id, "missed", shown)
    flagged = question_ids_by_source(user_id, "flagged", shown)
    return {
        "source": {"all": len(rows), "unseen": sum(r.id not in shown for r in rows),
                   "missed": sum(r.id in missed for r in rows), "flagged": sum(r.id in flagged for r in rows)},
        "domains": dict(Counter(r.domain for r in rows)), "tasks": dict(Counter(r.task for r in rows)),
        "difficulty": dict(Counter(r.difficulty for r in rows)),
    }


def _priority(shown: dict[int, datetime], by_key) -> dict[str, float]:
    """Draw order for mocks and finals: never-shown questions first, then those shown longest ago."""
    return {key: shown[question.id].timestamp() if question.id in shown else float("-inf")
            for key, (question, _version) in by_key.items()}


def _check_retakes(user_id: int, course: Course, assessment: dict, now: datetime) -> None:
    """Refuse a final beyond the course's attempts_per_day, saying when the next one opens."""
    allowed = assessment.get("attempts_per_day", DEFAULT_FINALS_PER_DAY)
    recent = db.session.scalars(select(Attempt.created_at).where(
        Attempt.user_id == user_id, Attempt.course_id == course.id, Attempt.mode == "final",
        Attempt.created_at > now - RETAKE_WINDOW).order_by(Attempt.created_at)).all()
    if len(recent) >= allowed:
        opens = recent[len(recent) - allowed] + RETAKE_WINDOW
        raise Conflict(f"The end-of-course assessment may be taken {allowed} time(s) in 24 hours. "
                       f"Your next attempt opens at {opens:%Y-%m-%d %H:%M} UTC.",
                       {"attempts_per_day": allowed, "next_attempt_at": presenters_iso(opens)})


def _by_weight(rules, count: int, domains: list[str] | None) -> dict[str, int]:
    weights = {d["key"]: d["weight"] for d in rules.domains if domains is None or d["key"] in domains}
    return apportion(count, weights)


def start_attempt(user, request: StartRequest, now: datetime) -> Attempt:
    """Draw the questions for a mode, fix their order and the deadline, and store the attempt."""
    if request.mode not in MODES:
        raise ValidationError(f"Unknown mode {request.mode!r}.", {"mode": list(MODES)})
    course = _course(request.course, required=request.mode == "final")
    lesson = None
    if request.mode == "check":
        if not isinstance(request.lesson, str) or "/" not in request.lesson:
            raise ValidationError("A knowledge check needs 'lesson': \"COURSE/LESSON\".", {"lesson": "required"})
        lesson = find_lesson(request.lesson)
        course = lesson.course
    if request.feedback not in (None, "immediate", "end"):
        raise ValidationError("'feedback' is \"immediate\" (tutor mode) or \"end\".",
                              {"feedback": ["immediate", "end"]})
    if request.feedback == "immediate" and request.mode not in TUTOR_MODES:
        raise ValidationError("Tutor mode is for practice, custom quizzes and knowledge checks.",
                              {"feedback": list(TUTOR_MODES)})
    program = _program(request.program, course)
    rules = program.rules
    shown = last_shown(user.id)
    limit, priority, domain, counts = None, None, None, None
    sections, pretest, breaks = None, None, None
    if request.mode == "check":
        pool = _pool(program, ("exam", "extra"), lesson_id=lesson.id, check=True)
        counts = Counter(q.domain for q, _ in pool)
    elif request.mode in ("practice", "custom"):
        domain = request.domain
        if request.mode == "practice" and domain is None:
            raise ValidationError("Domain practice needs 'domain'.", {"domain": rules.domain_keys()})
        if domain is not None and domain not in rules.domain_keys():
            raise ValidationError(f"Unknown domain {domain!r}.", {"domain": rules.domain_keys()})
        count = _int_in(request.count if request.count is not None else 10, *COUNT_RANGE, "count")
        if request.time_limit_seconds is not None:
            limit = _int_in(request.time_limit_seconds, *TIME_LIMIT_RANGE, "time_limit_seconds")
        domains = [domain] if domain else _choices(request.domains, rules.domain_keys(), "domains")
        if request.mode == "practice":
            pool = _pool(program, ("exam",), domains=domains, course=course)
        else:
            source = request.source or "all"
            if source not in SOURCES:
                raise ValidationError(f"Unknown source {source!r}.", {"source": list(SOURCES)})
            tasks = _choices(request.tasks, [t for d in rules.domain_keys() for t in rules.task_keys(d)], "tasks")
            pool = _pool(program, ("exam", "extra") if request.include_extra is True else ("exam",),
                         domains=domains, course=course, tasks=tasks,
                         difficulty=_choices(request.difficulty, DIFFICULTIES, "difficulty"),
                         question_ids=question_ids_by_source(user.id, source, shown))
            if source == "unseen":
                pool = [(q, v) for q, v in pool if q.id not in shown]
            if tasks or source != "all" or request.difficulty is not None:  # draw from what matches, not by weight
                if len(pool) < count:
                    raise Conflict(f"Only {len(pool)} question(s) match this choice; ask for {len(pool)} or fewer.",
                                   {"available": len(pool)})
                counts = Counter(q.domain for q, _ in secrets.SystemRandom().sample(pool, count))
        if counts is None:
            counts = {domain: count} if domain else _by_weight(rules, count, domains)
    elif request.mode == "final":
        assessment = course.assessment
        if not assessment:
            raise ValidationError(f"The course {course.slug!r} has no end-of-course assessment.", {"mode": "final"})
        _check_retakes(user.id, course, assessment, now)
        pool = _pool(program, ("final",), check=False, course=course)
        counts = _by_weight(rules, assessment["questions"], None)
        limit = assessment["minutes"] * 60
        priority = True
    elif request.mode == "review":
        count = _int_in(request.count if request.count is not None else 20, *COUNT_RANGE, "count")
        due = review.due_question_ids(user.id, now, count)
        if not due:
            raise Conflict("Nothing is due for review now. Missed questions come back on their schedule.",
                           {"next_due": presenters_iso(review.next_due(user.id))})
        pool = _pool(program, ("exam", "extra"), question_ids=due)
        counts = Counter(q.domain for q, _ in pool)
    else:  # mock
        exam = rules.exam
        pool = _pool(program, ("exam",), check=False, course=course)
        counts = _by_weight(rules, exam["questions"] - exam.get("pretest", 0), None)
        pretest = _by_weight(rules, exam.get("pretest", 0), None)
        plan = exam.get("sections", [{"questions": exam["questions"]}])
        sections = [s["questions"] for s in plan]
        breaks = [s.get("break_minutes") for s in plan] if any(s.get("break_minutes") for s in plan) else None
        limit = exam["minutes"] * 60
        priority = True
    candidates, by_key = _candidates(pool)
    if not candidates:
        raise NotFound("There are no questions for this choice yet.")
    try:
        draws = draw(candidates, counts, pretest=pretest, sections=sections,
                     priority=_priority(shown, by_key) if priority else None)
    except NotEnoughQuestions as exc:
        raise Conflict(f"Not enough questions in {exc.domain!r}: {exc.needed} needed, {exc.available} in the bank.",
                       {"domain": exc.domain, "available": exc.available}) from exc
    accommodation = db.session.get(Accommodation, user.id)
    factor = accommodation.time_factor if accommodation and limit else 1.0
    attempt = Attempt(user_id=user.id, program_id=program.id, course_id=course.id if course else None,
                      lesson_id=lesson.id if lesson else None, mode=request.mode, domain=domain, created_at=now,
                      time_limit_seconds=round(limit * factor) if limit else None,
                      deadline=clock.deadline_for(now, limit, factor), salt=secrets.token_hex(16), breaks=breaks,
                      feedback="immediate" if request.feedback == "immediate" else None,
                      break_minutes=next((b for b in breaks if b), None) if breaks else None)
    db.session.add(attempt)
    db.session.flush()
    db.session.execute(insert(AttemptItem), [  # one executemany, not an INSERT per item
        dict(attempt_id=attempt.id, position=position, section=d.section, question_id=by_key[d.key][0].id,
             question_key=d.key, version_id=by_key[d.key][1].id, domain=d.domain, scored=d.scored,
             first_exposure=by_key[d.key][0].id not in shown,
             option_order=list(d.option_order), choice_order=list(d.choice_order))
        for position, d in enumerate(draws, start=1)])
    audit.record(user, "attempt.start", f"attempt:{attempt.id}", mode=request.mode, questions=len(draws))
    db.session.flush()
    if attempt.deadline:
        quiet_while_timed(user.id, now)
    return attempt


def quiet_while_timed(user_id: int, now: datetime) -> None:
    """Tell the hours ledger how long the learner has a timed attempt open: quiz time is not contact time."""
    until = db.session.scalar(select(func.max(Attempt.deadline)).where(
        Attempt.user_id == user_id, Attempt.status == "open", Attempt.deadline.is_not(None),
        Attempt.deadline > now))
    hours_services.set_quiet_until(user_id, until)


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


def _progress_by_section(attempt_id: int) -> dict[int, tuple[int, int]]:
    """Per section of the attempt: (items, answered), in one grouped query."""
    return {section: (items, answered) for section, items, answered in db.session.execute(
        select(AttemptItem.section, func.count(), func.count(AttemptAnswer.answer))  # count() skips NULL answers
        .outerjoin(AttemptAnswer, AttemptAnswer.item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == attempt_id).group_by(AttemptItem.section))}


def _open_for_update(user, attempt_id: int, now: datetime) -> Attempt:
    attempt = get_attempt(user, attempt_id, now, for_update=True)
    if attempt.status != "open":
        raise Conflict("The attempt is closed.", {"status": "closed"})
    return attempt


def on_break(attempt: Attempt, now: datetime) -> bool:
    return clock.on_break(attempt.break_started_at, attempt.break_minutes, now, attempt.break_ended_at)


def start_break(user, attempt_id: int, now: datetime) -> Attempt:
    """Start the break at the end of a section once it is answered: lock the sections before it, move the
    deadline by the break's length, and hold answers (and hide every later question) until the break ends."""
    attempt = _open_for_update(user, attempt_id, now)
    per_section = _progress_by_section(attempt.id)
    section = None if on_break(attempt, now) else clock.break_point(attempt.breaks or [], attempt.locked_section,
                                                                    per_section)
    if section is None:
        unanswered = sum(items - answered for s, (items, answered) in per_section.items()
                         if s > attempt.locked_section)
        raise Conflict("There is no break to take now: a break comes at the end of a section, once every "
                       "question up to it is answered and before any question after it.",
                       {"break": "not at a break point", "unanswered": unanswered})
    minutes = attempt.breaks[section - 1]
    attempt.break_started_at, attempt.break_ended_at, attempt.break_minutes = now, None, minutes
    attempt.locked_section = section
    attempt.deadline = clock.deadline_after_break(attempt.deadline, minutes)
    audit.record(user, "attempt.break", f"attempt:{attempt.id}", after_section=section, minutes=minutes)
    quiet_while_timed(user.id, now)
    return attempt


def end_break(user, attempt_id: int, now: datetime) -> Attempt:
    """End the break early: the next section opens now, and the unused break minutes leave the deadline."""
    attempt = _open_for_update(user, attempt_id, now)
    if not on_break(attempt, now):
        raise Conflict("No break is on.", {"break": "not on"})
    planned = clock.break_ends_at(attempt.break_started_at, attempt.break_minutes)
    attempt.deadline = clock.deadline_after_early_end(attempt.deadline, planned, now)
    attempt.break_ended_at = now
    audit.record(user, "attempt.break_end", f"attempt:{attempt.id}")
    quiet_while_timed(user.id, now)
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
    if attempt.mode != "final":  # a final's questions never come back in spaced review: their keys stay unseen
        learner = db.session.get(User, attempt.user_id)
        review.record_answers(attempt.user_id, [(i.question_id, result.item_correct[i.question_key])
                                                for i in items if i.id in answers], now, learner.exam_date)
    attempt.status, attempt.closed_at, attempt.close_reason = "closed", now, reason  # the claim's update set "closing"
    attempt.score_percent, attempt.passed = result.score_percent, result.passed
    attempt.result = {"score_percent": result.score_percent, "correct": result.correct, "scored": result.scored,
                      "domains": result.domains, "passed": result.passed}
    db.session.flush()
    readiness_store.refresh(attempt.user_id, attempt.program_id, now)
    if attempt.deadline:
        quiet_while_timed(attempt.user_id, now)
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


def mock_trend(user_id: int, program_id: int, limit: int = 20) -> list[Attempt]:
    """The learner's latest closed mock exams of a program, oldest first: the trend their results show."""
    rows = db.session.scalars(select(Attempt).where(
        Attempt.user_id == user_id, Attempt.program_id == program_id, Attempt.mode == "mock",
        Attempt.status == "closed").order_by(Attempt.created_at.desc(), Attempt.id.desc()).limit(limit)).all()
    return list(reversed(rows))


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


# Columns bound as "lesson" (and "user"): the questions of a lesson's knowledge check, and the learner's passes.
CHECK_QUESTIONS = select(func.count(Question.id)).where(
    Question.lesson_id == bindparam("lesson"), Question.check.is_(True), Question.retired.is_(False)).scalar_subquery()
CHECK_PASSES = select(func.count(Attempt.id)).where(
    Attempt.user_id == bindparam("user"), Attempt.mode == "check", Attempt.status == "closed",
    Attempt.lesson_id == bindparam("lesson"), Attempt.passed.is_(True)).scalar_subquery()


def lesson_of(attempt: Attempt) -> Lesson | None:
    return db.session.get(Lesson, attempt.lesson_id) if attempt.lesson_id else None
