"""Hours workflows: heartbeats, sealing, recording live sessions, corrections, verification, totals."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from learnpm import audit
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.hours.crediting import Beat, ClockState, Limits, OpenRecord, SealLimits, credit, sealable
from learnpm.hours.ledger import GENESIS, BrokenLink, RuleLimits, check_rules, ledger_key, row_hash, verify_chain
from learnpm.hours.models import EngagementClock, HoursEntry, LessonProgress
from learnpm.lessons.models import PUBLISHED_LESSON, Course, Lesson
from learnpm.timeutil import utcnow

SOURCES = ("engagement", "live", "correction")
LIVE_MINUTES = (1, 6000)
RETRIES = 8


@dataclass(frozen=True)
class HoursSettings:
    secret_key: str
    heartbeat_seconds: int
    daily_ceiling_seconds: int


@dataclass(frozen=True)
class BeatResult:
    credited_seconds: int
    lesson_seconds: int
    total_seconds: int


def _slugs(ref: str) -> tuple[str, str]:
    """Split "COURSE/LESSON" into its slugs; NotFound for a NUL (no slug has one, PostgreSQL refuses it)."""
    if "\x00" in ref:
        raise NotFound(f"No published lesson {ref!r}.")
    course_slug, _, lesson_slug = ref.partition("/")
    return course_slug, lesson_slug


def find_lesson(ref: str) -> Lesson:
    """Return the published lesson named "COURSE/LESSON"."""
    course_slug, lesson_slug = _slugs(ref)
    lesson = db.session.scalar(select(Lesson).join(Course).where(
        Course.slug == course_slug, Lesson.slug == lesson_slug, *PUBLISHED_LESSON))
    if lesson is None:
        raise NotFound(f"No published lesson {ref!r}.")
    return lesson


def _clock(user_id: int) -> EngagementClock:
    clock = db.session.get(EngagementClock, user_id)
    if clock is None:
        clock = EngagementClock(user_id=user_id)
        db.session.add(clock)
        db.session.flush()
    return clock


def _state(clock: EngagementClock) -> ClockState:
    open_record = None
    if clock.open_lesson_id is not None:
        open_record = OpenRecord(clock.open_lesson_id, clock.open_day, clock.open_seconds, clock.open_started_at,
                                 clock.open_last_credit_at)
    return ClockState(clock.last_beat_at, clock.day, clock.day_seconds, open_record, clock.last_lesson_id,
                      bool(clock.last_engaged), clock.visit_started_at)


def _state_values(state: ClockState) -> dict:
    """Return the clock's columns for `state`."""
    record = state.open
    return {"last_beat_at": state.last_beat_at, "day": state.day, "day_seconds": state.day_seconds,
            "open_lesson_id": record.lesson_id if record else None, "open_day": record.day if record else None,
            "open_seconds": record.seconds if record else 0,
            "open_started_at": record.started_at if record else None,
            "open_last_credit_at": record.last_credit_at if record else None,
            "last_lesson_id": state.last_lesson_id, "last_engaged": state.last_engaged,
            "visit_started_at": state.visit_started_at}


def _store_state(clock: EngagementClock, state: ClockState) -> None:
    for column, value in _state_values(state).items():
        setattr(clock, column, value)


def _sealed_seconds(user_id: int, lesson_id: int) -> int:
    progress = db.session.get(LessonProgress, (user_id, lesson_id))
    return progress.engaged_seconds if progress else 0


def _append(clock: EngagementClock, key: bytes, *, course_id: int, lesson_id: int | None, seconds: int,
            source: str, reason: str, recorded_by_id: int | None, recorded_by: str, occurred_on: date,
            started_at: datetime | None = None, ended_at: datetime | None = None,
            corrects_id: int | None = None) -> HoursEntry:
    """Append a row to the learner's chain and move the chain's head on the clock."""
    row = {"user_id": clock.user_id, "seq": clock.ledger_seq + 1, "course_id": course_id, "lesson_id": lesson_id,
           "seconds": seconds, "source": source, "reason": reason, "recorded_by_id": recorded_by_id,
           "recorded_by": recorded_by, "occurred_on": occurred_on, "started_at": started_at,
           "ended_at": ended_at, "corrects_id": corrects_id, "created_at": utcnow()}
    entry = HoursEntry(**row, prev_hash=clock.ledger_hash, hash=row_hash(key, clock.ledger_hash, row))
    db.session.add(entry)
    clock.ledger_seq, clock.ledger_hash = row["seq"], entry.hash
    clock.ledger_seconds += seconds
    return entry


def _ledger_engagement(user_id: int, *where) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(HoursEntry.seconds), 0)).where(
        HoursEntry.user_id == user_id, HoursEntry.source == "engagement", *where)))


def _seal(clock: EngagementClock, record: OpenRecord, key: bytes, now: datetime, settings: HoursSettings) -> int:
    """Seal the open record into the ledger with what every rule allows, counted from the ledger; return it.

    Whatever the open record claims (an edited row, a race), the sealed row holds at most the time its
    beats span, the rest of the lesson's rated duration and the rest of the day's ceiling.
    """
    lesson = db.session.get(Lesson, record.lesson_id)
    if lesson is None or record.day is None:
        return 0
    limits = SealLimits(settings.daily_ceiling_seconds, lesson.duration_minutes * 60,
                        _ledger_engagement(clock.user_id, HoursEntry.lesson_id == lesson.id),
                        _ledger_engagement(clock.user_id, HoursEntry.occurred_on == record.day))
    seconds = sealable(record, limits, now)
    if seconds <= 0:
        return 0
    _append(clock, key, course_id=lesson.course_id, lesson_id=lesson.id, seconds=seconds,
            source="engagement", reason="", recorded_by_id=None, recorded_by="engagement",
            occurred_on=record.day, started_at=record.started_at, ended_at=record.last_credit_at)
    progress = db.session.get(LessonProgress, (clock.user_id, lesson.id))
    if progress is None:
        progress = LessonProgress(user_id=clock.user_id, lesson_id=lesson.id, course_id=lesson.course_id,
                                  engaged_seconds=0, first_at=record.started_at)
        db.session.add(progress)
    progress.engaged_seconds += seconds
    progress.last_at = record.last_credit_at
    return seconds


def _with_retries(work: Callable[[], object]):
    """Run `work` and commit; retry when a parallel request moved the same learner's clock."""
    for _ in range(RETRIES):
        try:
            result = work()
            db.session.commit()
            return result
        except (StaleDataError, IntegrityError):
            db.session.rollback()
    raise Conflict("Too many simultaneous updates; try again.")


_CLOCKS, _PROGRESS = EngagementClock.__table__, LessonProgress.__table__
# Built once: a heartbeat's statements are the hottest in the app, and building one costs more than running it.
# One read finds the published lesson, the learner's clock (if any) and what is sealed on the lesson already.
# The previous beat's lesson (the one a beat credits) comes with its rated duration and sealed seconds.
_PREV_LESSON, _PREV_PROGRESS = Lesson.__table__.alias("prev_lesson"), _PROGRESS.alias("prev_progress")
_BEAT_READ = (
    select(Lesson.id.label("lesson_id"), Lesson.duration_minutes, _CLOCKS,
           _PROGRESS.c.engaged_seconds.label("sealed_here"),
           _PREV_LESSON.c.duration_minutes.label("prev_minutes"),
           _PREV_PROGRESS.c.engaged_seconds.label("sealed_prev"))
    .join(Course, Course.id == Lesson.course_id)
    .outerjoin(_CLOCKS, _CLOCKS.c.user_id == bindparam("user"))
    .outerjoin(_PROGRESS, (_PROGRESS.c.user_id == bindparam("user")) & (_PROGRESS.c.lesson_id == Lesson.id))
    .outerjoin(_PREV_LESSON, (_PREV_LESSON.c.id == _CLOCKS.c.last_lesson_id) & _PREV_LESSON.c.retired.is_(False)
               & _PREV_LESSON.c.draft.is_(False))
    .outerjoin(_PREV_PROGRESS, (_PREV_PROGRESS.c.user_id == bindparam("user"))
               & (_PREV_PROGRESS.c.lesson_id == _CLOCKS.c.last_lesson_id))
    .where(Course.slug == bindparam("course"), Lesson.slug == bindparam("lesson"), *PUBLISHED_LESSON))
_STATE_COLUMNS = tuple(_state_values(ClockState(None, None, 0, None)))  # every column _store_state writes
_SWAP_CLOCK = (update(_CLOCKS).where(_CLOCKS.c.user_id == bindparam("user"), _CLOCKS.c.version == bindparam("seen"))
               .values(version=bindparam("seen") + 1, **{c: bindparam(f"new_{c}") for c in _STATE_COLUMNS}))


def _beat_read(user_id: int, ref: str):
    """Return the beat's lesson, clock and sealed seconds in one row; NotFound if no published lesson is `ref`."""
    course_slug, lesson_slug = _slugs(ref)
    row = db.session.execute(_BEAT_READ, {"user": user_id, "course": course_slug, "lesson": lesson_slug}).first()
    if row is None:
        raise NotFound(f"No published lesson {ref!r}.")
    return row


def _limits(settings: HoursSettings, prev_minutes: int | None, sealed_prev: int | None) -> Limits:
    """The limits of the lesson the beat credits: the previous beat's (none before a first beat)."""
    return Limits(settings.heartbeat_seconds, settings.daily_ceiling_seconds, (prev_minutes or 0) * 60,
                  sealed_prev or 0)


def _result(decision, lesson_id: int, sealed_here: int, ledger_seconds: int) -> BeatResult:
    """What the page is told: the credit, the lesson's seconds and the learner's total, open record included."""
    record = decision.state.open
    open_seconds = record.seconds if record else 0
    open_here = open_seconds if record and record.lesson_id == lesson_id else 0
    return BeatResult(decision.credited, sealed_here + open_here, ledger_seconds + open_seconds)


def _plain_beat(row, beat: Beat, settings: HoursSettings) -> BeatResult | None:
    """Most beats: one compare-and-swap write after _beat_read; None when heartbeat()'s full path must run.

    That is the learner's first beat (no clock yet), a beat that seals a record into the ledger, and a
    beat that lost the swap to a parallel request (the full path retries it). The rule is the same.
    """
    if row.version is None:
        return None
    sealed_here = row.sealed_here or 0
    decision = credit(_state(row), beat, _limits(settings, row.prev_minutes, row.sealed_prev))
    if decision.seal:
        return None
    values = _state_values(decision.state)
    swapped = db.session.execute(_SWAP_CLOCK, {"user": row.user_id, "seen": row.version,
                                               **{f"new_{c}": v for c, v in values.items()}}).rowcount
    if not swapped:
        db.session.rollback()
        return None
    db.session.commit()
    return _result(decision, beat.lesson_id, sealed_here, row.ledger_seconds)


def heartbeat(user_id: int, lesson_ref: str, visible: bool, active: bool, now: datetime,
              settings: HoursSettings) -> BeatResult:
    """Accept a beat from a lesson page, credit what the rule allows, and commit.

    While the learner has a timed attempt open (the clock's `quiet_until`), a beat counts as not engaged:
    it earns nothing, and neither does the beat after it, so no minute of a timed quiz becomes contact time.
    """
    row = _beat_read(user_id, lesson_ref)
    engaged = row.quiet_until is None or now >= row.quiet_until
    beat = Beat(row.lesson_id, visible and engaged, active and engaged, now)
    plain = _plain_beat(row, beat, settings)
    if plain is not None:
        return plain
    key = ledger_key(settings.secret_key)

    def work() -> BeatResult:
        clock = _clock(user_id)
        sealed_here = _sealed_seconds(user_id, beat.lesson_id)
        prev = db.session.get(Lesson, clock.last_lesson_id) if clock.last_lesson_id else None
        prev = prev if prev is not None and not prev.retired and not prev.draft else None
        limits = _limits(settings, prev.duration_minutes if prev else 0,
                         _sealed_seconds(user_id, prev.id) if prev else 0)
        decision = credit(_state(clock), beat, limits)
        if decision.seal:
            sealed = _seal(clock, decision.seal, key, now, settings)
            if decision.seal.lesson_id == beat.lesson_id:
                sealed_here += sealed
        _store_state(clock, decision.state)
        db.session.flush()
        return _result(decision, beat.lesson_id, sealed_here, clock.ledger_seconds)

    return _with_retries(work)


def set_quiet_until(user_id: int, until: datetime | None) -> None:
    """Credit the learner's beats nothing until `until` (a timed attempt's deadline); None lifts it."""
    insert_ = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert_(_CLOCKS).values(user_id=user_id, quiet_until=until)
    db.session.execute(statement.on_conflict_do_update(index_elements=[_CLOCKS.c.user_id],
                                                       set_={"quiet_until": statement.excluded.quiet_until}))


def seal_stale(now: datetime, settings: HoursSettings) -> int:
    """Seal open records whose reader stopped beating (closed tab); return how many were sealed."""
    key = ledger_key(settings.secret_key)
    cutoff = 2 * settings.heartbeat_seconds
    sealed = 0
    for user_id in db.session.scalars(select(EngagementClock.user_id).where(
            EngagementClock.open_lesson_id.is_not(None))).all():

        def work(user_id=user_id) -> int:
            clock = db.session.get(EngagementClock, user_id)
            if clock.open_lesson_id is None or (now - clock.last_beat_at).total_seconds() <= cutoff:
                return 0
            state = _state(clock)
            _seal(clock, state.open, key, now, settings)
            _store_state(clock, dataclasses.replace(state, open=None))
            db.session.flush()
            return 1

        sealed += _with_retries(work)
    return sealed


def _check_live_date(learner_ids: list[int], actor, occurred_on: date, today: date,
                     early_reason: str | None) -> str | None:
    """Refuse a session dated after today, recorded for oneself, or before a learner's account without a reason."""
    from learnpm.auth.models import User  # noqa: PLC0415 - auth is below hours

    if occurred_on > today:
        raise ValidationError(f"A live session is recorded after it took place: {occurred_on.isoformat()} is after "
                              f"today ({today.isoformat()}).", {"field": "occurred_on"})
    actor_id = getattr(actor, "id", None)
    if actor_id is not None and actor_id in learner_ids:
        raise ValidationError("Nobody records live hours for themself: ask another instructor.",
                              {"field": "learners"})
    created = db.session.execute(select(User.email, User.created_at).where(User.id.in_(learner_ids))).all()
    before = sorted(email for email, at in created if at is not None and occurred_on < at.date())
    if not before:
        return None
    early_reason = " ".join((early_reason or "").split())
    if not 3 <= len(early_reason) <= 200:
        raise ValidationError(f"{occurred_on.isoformat()} is before the account of {', '.join(before[:5])} existed: "
                              "say why (the early-date reason), or correct the date.", {"field": "early_reason"})
    return early_reason


def record_live(learner_ids: list[int], course: Course, minutes: int, reason: str, actor, settings: HoursSettings,
                occurred_on: date, today: date | None = None, early_reason: str | None = None) -> list[HoursEntry]:
    """Record instructor-led time for each learner (not subject to the daily ceiling).

    The session is dated today or earlier, never for the one recording it, and not before a learner's
    account existed unless `early_reason` says why (it is kept in the row's reason).
    """
    if not LIVE_MINUTES[0] <= minutes <= LIVE_MINUTES[1]:
        raise ValidationError(f"Minutes must be from {LIVE_MINUTES[0]} to {LIVE_MINUTES[1]:,}, got {minutes}.",
                              {"field": "minutes"})
    reason = reason.strip()
    if not 3 <= len(reason) <= 500:
        raise ValidationError("Give a reason of 3 to 500 characters (the session's topic and date).",
                              {"field": "reason"})
    if not learner_ids:
        raise ValidationError("Choose at least one learner.", {"field": "learners"})
    early = _check_live_date(learner_ids, actor, occurred_on, today or utcnow().date(), early_reason)
    if early:
        reason = f"{reason} (dated before the account: {early})"[:500]
    key = ledger_key(settings.secret_key)
    label = getattr(actor, "email", None) or str(actor)
    entries = []
    for learner_id in learner_ids:
        def work(learner_id=learner_id) -> HoursEntry:
            entry = _append(_clock(learner_id), key, course_id=course.id, lesson_id=None, seconds=minutes * 60,
                            source="live", reason=reason, recorded_by_id=getattr(actor, "id", None),
                            recorded_by=label, occurred_on=occurred_on)
            audit.record(actor, "hours.live", f"user:{learner_id}", minutes=minutes, course=course.slug,
                         reason=reason, occurred_on=occurred_on.isoformat())
            db.session.flush()
            return entry
        entries.append(_with_retries(work))
    return entries


def correct_entry(entry_id: int, seconds: int, reason: str, actor, settings: HoursSettings) -> HoursEntry:
    """Append a correction row that adds or removes `seconds` for the entry's learner and course."""
    entry = db.session.get(HoursEntry, entry_id)
    if entry is None:
        raise NotFound("No such ledger entry.")
    reason = reason.strip()
    if not 3 <= len(reason) <= 500:
        raise ValidationError("Give a reason of 3 to 500 characters.", {"field": "reason"})
    if seconds == 0 or abs(seconds) > 6000 * 60:
        raise ValidationError("The correction must change the time, by at most 6,000 minutes.",
                              {"field": "minutes"})
    balance = db.session.scalar(select(func.coalesce(func.sum(HoursEntry.seconds), 0)).where(
        HoursEntry.user_id == entry.user_id, HoursEntry.course_id == entry.course_id))
    if balance + seconds < 0:
        raise ValidationError("A correction cannot take the course's hours below zero.", {"field": "minutes"})
    key = ledger_key(settings.secret_key)

    def work() -> HoursEntry:
        correction = _append(_clock(entry.user_id), key, course_id=entry.course_id, lesson_id=entry.lesson_id,
                             seconds=seconds, source="correction", reason=reason, recorded_by_id=actor.id,
                             recorded_by=actor.email, occurred_on=utcnow().date(), corrects_id=entry.id)
        audit.record(actor, "hours.correct", f"hours_entry:{entry.id}", seconds=seconds, reason=reason)
        db.session.flush()
        return correction

    return _with_retries(work)


# Checks that higher features register (certificates: the rows each one was issued on): rows by learner in,
# broken links out. Registering keeps the arrows pointing down.
LEDGER_ANCHORS: list[Callable[[dict[int, list[dict]]], list[BrokenLink]]] = []

_CHAIN_COLUMNS = ("id", "user_id", "seq", "course_id", "lesson_id", "seconds", "source", "reason", "recorded_by_id",
                  "recorded_by", "occurred_on", "started_at", "ended_at", "corrects_id", "created_at", "prev_hash",
                  "hash")


def _head_problem(head: EngagementClock | None, rows: list[dict], progress: dict[int, int],
                  limits: RuleLimits) -> BrokenLink | None:
    """Compare the clock (the chain's head, its total, the open record) and lesson progress with the rows."""
    user_id = rows[0]["user_id"] if rows else (head.user_id if head else 0)
    last_hash = rows[-1]["hash"] if rows else GENESIS
    if head is not None and (head.ledger_seq != len(rows) or head.ledger_hash != last_hash):
        return BrokenLink(user_id, len(rows) + 1, None,
                          f"the chain ends at row {len(rows)} but its head says {head.ledger_seq}: rows removed")
    total = sum(r["seconds"] for r in rows)
    if head is not None and head.ledger_seconds != total:
        return BrokenLink(user_id, len(rows), None, f"the head's total is {head.ledger_seconds} s but the rows "
                                                    f"add up to {total} s: the total was edited")
    engaged: dict[int, int] = {}
    for row in rows:
        if row["source"] == "engagement":
            engaged[row["lesson_id"]] = engaged.get(row["lesson_id"], 0) + row["seconds"]
    for lesson_id, seconds in sorted(progress.items()):
        if engaged.get(lesson_id, 0) != seconds:
            return BrokenLink(user_id, len(rows), None, f"lesson {lesson_id} shows {seconds} s of progress but "
                                                        f"the rows credit {engaged.get(lesson_id, 0)} s")
    if head is not None and head.open_lesson_id is not None and head.open_seconds:
        started, ended = head.open_started_at, head.open_last_credit_at
        span = (ended - started).total_seconds() if started and ended else 0
        cap = limits.lesson_cap_seconds.get(head.open_lesson_id, 0)
        if head.open_seconds > min(span + 2 * limits.heartbeat_seconds, cap):
            return BrokenLink(user_id, len(rows) + 1, None,
                              f"the open reading session holds {head.open_seconds} s over a span of {int(span)} s "
                              f"on a lesson rated {cap} s")
    return None


def verify_all(secret_key: str, settings: HoursSettings | None = None) -> tuple[int, list[BrokenLink]]:
    """Check every learner's chain, head, totals and caps; return (learners checked, first problem of each).

    Beyond the keyed hashes, the rules are recomputed from the rows: engagement within its span, each
    lesson's rated duration and the daily ceiling; live sessions within their bounds and not dated after
    they were recorded; no course below zero. The head on the clock catches a removed tail, its total and
    lesson progress an edited sum, and the anchors higher features register (a certificate's ledger row) a
    tail removed together with the head.
    """
    key = ledger_key(secret_key)
    heartbeat = settings.heartbeat_seconds if settings else 30
    ceiling = settings.daily_ceiling_seconds if settings else 480 * 60
    limits = RuleLimits(heartbeat, ceiling, dict(db.session.execute(select(Lesson.id, Lesson.duration_minutes * 60))
                                                 .all()), (LIVE_MINUTES[0] * 60, LIVE_MINUTES[1] * 60))
    heads = {c.user_id: c for c in db.session.scalars(select(EngagementClock))}
    progress: dict[int, dict[int, int]] = {}
    for user_id, lesson_id, seconds in db.session.execute(select(
            LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.engaged_seconds)):
        progress.setdefault(user_id, {})[lesson_id] = seconds
    columns = [getattr(HoursEntry, name) for name in _CHAIN_COLUMNS]
    rows_by_user: dict[int, list[dict]] = {}
    for row in db.session.execute(select(*columns).order_by(HoursEntry.user_id, HoursEntry.seq)).mappings():
        rows_by_user.setdefault(row["user_id"], []).append(dict(row))
    anchored: dict[int, BrokenLink] = {}
    for anchor in LEDGER_ANCHORS:
        for link in anchor(rows_by_user):
            anchored.setdefault(link.user_id, link)
    broken = []
    users = set(rows_by_user) | {u for u, c in heads.items() if c.ledger_seq or c.open_seconds} | set(progress)
    for user_id in sorted(users | set(anchored)):
        rows = rows_by_user.get(user_id, [])
        link = (verify_chain(key, rows) or _head_problem(heads.get(user_id), rows, progress.get(user_id, {}), limits)
                or check_rules(rows, limits) or anchored.get(user_id))
        if link:
            broken.append(link)
    return len(rows_by_user), broken


def settings_from(config) -> HoursSettings:
    """Read the hours settings from the app's config mapping."""
    return HoursSettings(config["SECRET_KEY"], config["LEARNPM_HEARTBEAT_SECONDS"],
                         config["LEARNPM_DAILY_CEILING_MINUTES"] * 60)


def learner_ids_for(emails: list[str]) -> tuple[list[int], list[str]]:
    """Return the ids of active accounts with these emails, and the emails that match none."""
    from learnpm.auth.models import User, normalize_email

    wanted = {normalize_email(e) for e in emails if e.strip()}
    found = dict(db.session.execute(select(User.email_normalized, User.id).where(
        User.email_normalized.in_(wanted), User.active.is_(True))).all())
    return [found[e] for e in sorted(found)], sorted(wanted - set(found))
