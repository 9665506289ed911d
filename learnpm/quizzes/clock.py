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


def can_start_break(break_minutes: int | None, break_started: bool, answered_sections: set[int]) -> bool:
    """The break comes once, between the first and second sections, before any second-section answer."""
    return bool(break_minutes) and not break_started and not any(s > 1 for s in answered_sections)


def deadline_after_break(deadline: datetime | None, break_minutes: int) -> datetime | None:
    """The break does not eat exam time: the deadline moves by its length."""
    return None if deadline is None else deadline + timedelta(minutes=break_minutes)
