"""The attempt clock (pure): deadlines, the grace for the network, sections and the break."""

from __future__ import annotations

from datetime import datetime, timedelta

GRACE = timedelta(seconds=1)  # an answer sent just before the deadline may arrive just after it


def deadline_for(started: datetime, limit_seconds: int | None, time_factor: float = 1.0) -> datetime | None:
    """Return when an attempt must end, with an accommodation's extra time; None when untimed."""
    if limit_seconds is None:
        return None
    return started + timedelta(seconds=round(limit_seconds * time_factor))


def expired(deadline: datetime | None, now: datetime) -> bool:
    """Return whether the deadline (with the network grace) has passed."""
    return deadline is not None and now > deadline + GRACE


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    return None if deadline is None else max(0, int((deadline - now).total_seconds()))


def section_locked(section: int, locked_section: int) -> bool:
    return section <= locked_section


def can_start_break(break_minutes: int | None, break_started: bool, answered_sections: set[int],
                    unanswered_in_first: int) -> bool:
    """The break comes once, between the sections: every first-section question answered, no second-section one."""
    return (bool(break_minutes) and not break_started and unanswered_in_first == 0
            and not any(s > 1 for s in answered_sections))


def break_ends_at(break_started_at: datetime | None, break_minutes: int | None) -> datetime | None:
    """When a break that was taken ends; None when none was taken."""
    return None if break_started_at is None else break_started_at + timedelta(minutes=break_minutes or 0)


def on_break(break_started_at: datetime | None, break_minutes: int | None, now: datetime) -> bool:
    """During the break the clock stops (its minutes were added to the deadline), so nothing is answered."""
    ends = break_ends_at(break_started_at, break_minutes)
    return ends is not None and now < ends


def deadline_after_break(deadline: datetime | None, break_minutes: int) -> datetime | None:
    """The break does not eat exam time: the deadline moves by its length."""
    return None if deadline is None else deadline + timedelta(minutes=break_minutes)
