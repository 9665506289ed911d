"""The crediting rule: what a heartbeat earns, decided from server time only (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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


@dataclass(frozen=True)
class Beat:
    lesson_id: int
    visible: bool
    active: bool
    at: datetime                    # the server's clock when the beat arrived


@dataclass(frozen=True)
class Limits:
    heartbeat_seconds: int
    daily_ceiling_seconds: int
    lesson_cap_seconds: int         # the lesson's rated duration
    lesson_sealed_seconds: int      # engagement already sealed on this lesson


@dataclass(frozen=True)
class Decision:
    credited: int                   # seconds this beat earns
    seal: OpenRecord | None         # the open record to seal into the ledger first, if any
    state: ClockState               # the learner's clock after the beat


def credit(state: ClockState, beat: Beat, limits: Limits) -> Decision:
    """Decide what `beat` earns and how the learner's clock changes.

    A visible and active beat earns the time since the previous accepted beat, at most two
    heartbeat intervals, within the lesson's rated duration and the daily ceiling. The first
    beat, a hidden or idle one, and time that ran backwards earn nothing. The open record is
    sealed when the reading session ends: another lesson, a new day, idleness or a long gap.
    """
    engaged = beat.visible and beat.active
    max_gap = 2 * limits.heartbeat_seconds
    elapsed = (beat.at - state.last_beat_at).total_seconds() if state.last_beat_at else 0.0
    earn = int(min(max(elapsed, 0.0), max_gap)) if engaged else 0

    today = beat.at.date()
    day_seconds = state.day_seconds if state.day == today else 0
    open_record = state.open
    session_over = open_record is not None and (
        open_record.lesson_id != beat.lesson_id or open_record.day != today or not engaged or elapsed > max_gap)
    sealed = open_record if session_over and open_record.seconds > 0 else None
    if session_over:
        open_record = None

    open_on_lesson = open_record.seconds if open_record else 0
    lesson_left = limits.lesson_cap_seconds - limits.lesson_sealed_seconds - open_on_lesson
    earn = max(0, min(earn, lesson_left, limits.daily_ceiling_seconds - day_seconds))

    if earn:
        if open_record is None:
            open_record = OpenRecord(beat.lesson_id, today, earn, beat.at, beat.at)
        else:
            open_record = OpenRecord(open_record.lesson_id, today, open_record.seconds + earn,
                                     open_record.started_at, beat.at)
    last = max(beat.at, state.last_beat_at) if state.last_beat_at else beat.at  # never moves backwards
    new_state = ClockState(last_beat_at=last, day=today, day_seconds=day_seconds + earn, open=open_record)
    return Decision(credited=earn, seal=sealed, state=new_state)


def is_complete(engaged_seconds: int, duration_seconds: int, share: float, check_passed: bool | None) -> bool:
    """A lesson is complete when enough of its rated time was engaged and its check (if any) passed."""
    return engaged_seconds >= share * duration_seconds and check_passed is not False
