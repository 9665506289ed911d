"""Whether a learner may have a course's certificate, and what is missing (pure: values in, values out)."""

from __future__ import annotations

from dataclasses import dataclass

from learnpm.hours.display import format_hours, format_remaining, hours_value

SECONDS_PER_TENTH = 360  # a tenth of an hour


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    missing: tuple[str, ...]  # plain sentences, empty when eligible
    credited_seconds: int
    target_seconds: int


def floor_tenths(seconds: int) -> float:
    """Return hours with one decimal, truncated toward zero (22.96 h is 22.9, never 23.0)."""
    return hours_value(seconds)


def format_percent(percent: float) -> str:
    """Format a score truncated to one decimal without a trailing .0 (69.96 is '69.9', never '70')."""
    text = f"{int(percent * 10) / 10:.1f}"
    return text.removesuffix(".0")


def evaluate(credited_seconds: int, target_seconds: int, assessment_required: bool, assessment_passed: bool,
             pass_percent: float | None = None, best_percent: float | None = None,
             revoked: str | None = None) -> Eligibility:
    """Compare a learner's credited hours in a course with the target and the assessment with its pass mark.

    `revoked` describes a revoked certificate that no admin has reinstated or cleared: the hours and the
    assessment behind it earn no new one.
    """
    missing = []
    if revoked:
        missing.append(revoked)
    if credited_seconds < target_seconds:
        missing.append(f"{format_remaining(credited_seconds, target_seconds)} more hours of study "
                       f"({format_hours(max(credited_seconds, 0))} of {format_hours(target_seconds)} so far)")
    if assessment_required and not assessment_passed:
        needed = f"{format_percent(pass_percent)} % needed" if pass_percent is not None else "a pass needed"
        best = f"best so far {format_percent(best_percent)} %" if best_percent is not None else "not taken yet"
        missing.append(f"pass the end-of-course assessment ({needed}; {best})")
    return Eligibility(not missing, tuple(missing), credited_seconds, target_seconds)
