"""The crediting rule: what a heartbeat earns, decided from server time only (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class OpenRecord:
    """Engagement accumulating on one lesson, not yet sealed into the ledger."""

    lesson_id: int
    day: date
    seconds: int
    started_at: datetime
    last_credit_at: datetime


@dataclass(frozen=True)
class ClockState:
    last_beat_at: datetime | None   # the learner's previous accepted beat, from any tab or lesson
    day: date | None                # the day `day_seconds` counts
    day_seconds: int                # engagement credited that day, sealed and open
    open: OpenRecord | None
    last_lesson_id: int | None = None       # the lesson of the previous beat: where the learner was
    last_engaged: bool = False              # whether the previous beat was visible and active
    visit_started_at: datetime | None = None  # the first of the consecutive beats on `last_lesson_id`


@dataclass(frozen=True)
class Beat:
    lesson_id: int
    visible: bool
    active: bool
    at: datetime                    # the server's clock when the beat arrived


@dataclass(frozen=True)
class Limits:
    """The limits of the lesson a beat credits: the lesson of the previous beat."""

    heartbeat_seconds: int
    daily_ceiling_seconds: int
    lesson_cap_seconds: int         # the lesson's rated duration
    lesson_sealed_seconds: int      # engagement already sealed on this lesson


@dataclass(frozen=True)
class Decision:
    credited: int                   # seconds this beat earns (for the lesson of the previous beat)
    credited_lesson_id: int | None  # that lesson, when `credited` is not zero
    seal: OpenRecord | None         # the open record to seal into the ledger first, if any
    state: ClockState               # the learner's clock after the beat


def credit(state: ClockState, beat: Beat, limits: Limits) -> Decision:
    """Decide what `beat` earns and how the learner's clock changes.

    The time since the previous accepted beat (from any tab, on any lesson), at most two heartbeat
    intervals, is credited to the lesson of the previous beat when both beats were visible and active and
    the learner had been on that lesson for at least one heartbeat interval: a glance earns nothing, a
    hidden or idle beat earns nothing and neither does the beat after it, the first beat earns nothing,
    and time that ran backwards earns nothing. The lesson's rated duration (counting what is sealed and
    open) and the daily ceiling bound the credit. The open record is sealed when the reading session
    ends: the credit moves to another lesson, a new day starts, a beat is not engaged, or a long gap.
    """
    engaged = beat.visible and beat.active
    interval = limits.heartbeat_seconds
    max_gap = 2 * interval
    elapsed = (beat.at - state.last_beat_at).total_seconds() if state.last_beat_at else 0.0
    lesson_id = state.last_lesson_id
    visit = (beat.at - state.visit_started_at).total_seconds() if state.visit_started_at else 0.0
    pair = (engaged and state.last_engaged and lesson_id is not None and elapsed > 0 and visit >= interval)
    earn = int(min(elapsed, max_gap)) if pair else 0

    today = beat.at.date()
    day_seconds = state.day_seconds if state.day == today else 0
    open_record = state.open
    session_over = open_record is not None and (
        not pair or open_record.lesson_id != lesson_id or open_record.day != today or elapsed > max_gap)
    sealed = open_record if session_over and open_record.seconds > 0 else None
    if session_over:
        open_record = None

    open_on_lesson = open_record.seconds if open_record else 0
    if sealed is not None and sealed.lesson_id == lesson_id:
        open_on_lesson += sealed.seconds  # sealed by this very beat: not in `lesson_sealed_seconds` yet
    lesson_left = limits.lesson_cap_seconds - limits.lesson_sealed_seconds - open_on_lesson
    earn = max(0, min(earn, lesson_left, limits.daily_ceiling_seconds - day_seconds))

    if earn:
        if open_record is None:
            open_record = OpenRecord(lesson_id, today, earn, beat.at - timedelta(seconds=earn), beat.at)
        else:
            open_record = OpenRecord(lesson_id, today, open_record.seconds + earn, open_record.started_at, beat.at)
    moved_on = beat.lesson_id != state.last_lesson_id or state.visit_started_at is None or elapsed > max_gap
    last = max(beat.at, state.last_beat_at) if state.last_beat_at else beat.at  # never moves backwards
    new_state = ClockState(last_beat_at=last, day=today, day_seconds=day_seconds + earn, open=open_record,
                           last_lesson_id=beat.lesson_id, last_engaged=engaged,
                           visit_started_at=beat.at if moved_on else state.visit_started_at)
    return Decision(credited=earn, credited_lesson_id=lesson_id if earn else None, seal=sealed, state=new_state)


@dataclass(frozen=True)
class SealLimits:
    """What the ledger already holds, for re-applying every rule when a record is sealed."""

    daily_ceiling_seconds: int
    lesson_cap_seconds: int
    lesson_sealed_seconds: int      # engagement rows already in the ledger for the lesson
    day_sealed_seconds: int         # engagement rows already in the ledger for the record's day


def sealable(record: OpenRecord, limits: SealLimits, now: datetime) -> int:
    """Return the seconds a sealed row may hold for `record`, whatever the open record claims.

    At most the time its beats span (no later than now), the rest of the lesson's rated duration and the
    rest of the day's ceiling.
    """
    if record.started_at is None or record.last_credit_at is None:
        return 0
    ended = min(record.last_credit_at, now)
    span = int((ended - record.started_at).total_seconds())
    return max(0, min(record.seconds, span, limits.lesson_cap_seconds - limits.lesson_sealed_seconds,
                      limits.daily_ceiling_seconds - limits.day_sealed_seconds))


def is_complete(engaged_seconds: int, duration_seconds: int, share: float, check_passed: bool | None) -> bool:
    """A lesson is complete when enough of its rated time was engaged and its check (if any) passed."""
    return engaged_seconds >= share * duration_seconds and check_passed is not False
