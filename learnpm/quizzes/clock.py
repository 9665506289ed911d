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


def break_point(breaks: list[int | None], locked_section: int, per_section: dict[int, tuple[int, int]]
                ) -> int | None:
    """Return the section after which a break may start now, or None.

    `breaks[k - 1]` is the break offered after section k (None: none); `per_section` maps a section to
    (items, answered). A break comes once per boundary, when every question since the last lock is answered
    and none after the boundary is: starting it locks the sections before it. A boundary the learner has
    answered past was skipped, and the next one is looked at.
    """
    for section, minutes in enumerate(breaks, start=1):
        if not minutes or section <= locked_section:
            continue
        if any(per_section.get(later, (0, 0))[1] for later in per_section if later > section):
            continue  # answered past this boundary without the break
        unanswered = sum(items - answered for s, (items, answered) in per_section.items()
                         if locked_section < s <= section)
        return section if unanswered == 0 else None
    return None


def break_ends_at(break_started_at: datetime | None, break_minutes: int | None,
                  ended_at: datetime | None = None) -> datetime | None:
    """When a break that was taken ends (early, if the learner ended it); None when none was taken."""
    if break_started_at is None:
        return None
    planned = break_started_at + timedelta(minutes=break_minutes or 0)
    return min(planned, ended_at) if ended_at else planned


def on_break(break_started_at: datetime | None, break_minutes: int | None, now: datetime,
             ended_at: datetime | None = None) -> bool:
    """During the break the clock stops (its minutes were added to the deadline), so nothing is answered."""
    ends = break_ends_at(break_started_at, break_minutes, ended_at)
    return ends is not None and now < ends


def deadline_after_break(deadline: datetime | None, break_minutes: int) -> datetime | None:
    """The break does not eat exam time: the deadline moves by its length."""
    return None if deadline is None else deadline + timedelta(minutes=break_minutes)


def deadline_after_early_end(deadline: datetime | None, planned_end: datetime, now: datetime) -> datetime | None:
    """A break ended early gives back the minutes it did not use: the deadline moves back by them."""
    return None if deadline is None else deadline - max(timedelta(0), planned_end - now)
