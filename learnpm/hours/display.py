"""The one way hours are shown, on every page, export and PDF (pure).

Credited hours are truncated to a tenth (22.96 h is 22.9, never 23.0). What is still needed is the
target's tenths less the credited tenths, so "22.9 of 23.0 hours" always goes with "0.1 hours to go",
whichever page says it.
"""

from __future__ import annotations

SECONDS_PER_TENTH = 360


def tenths(seconds: int | float) -> int:
    """Whole tenths of an hour in `seconds`, truncated toward zero."""
    whole = int(abs(seconds)) // SECONDS_PER_TENTH
    return whole if seconds >= 0 else -whole


def hours_value(seconds: int | float) -> float:
    """Hours with one decimal, truncated: the number every display shows."""
    return tenths(seconds) / 10


def format_hours(seconds: int | float) -> str:
    """Format seconds as hours with one decimal, truncated ("22.9")."""
    value = tenths(seconds)
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 10}.{abs(value) % 10}"


def remaining_tenths(credited_seconds: int | float, target_seconds: int | float) -> int:
    """Tenths still needed: the shown target less the shown credit, never below zero."""
    return max(tenths(target_seconds) - tenths(max(credited_seconds, 0)), 0)


def format_remaining(credited_seconds: int | float, target_seconds: int | float) -> str:
    """Format the hours still needed so that it agrees with "credited of target" ("0.1")."""
    return format_hours(remaining_tenths(credited_seconds, target_seconds) * SECONDS_PER_TENTH)
