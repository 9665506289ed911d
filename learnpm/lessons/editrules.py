"""The lesson rules that `content check` applies and a browser save applies too (pure: no Flask, no database)."""

from __future__ import annotations

import re

READING_WORDS_PER_MINUTE = 130
CHECK_QUESTION_MINUTES = 1.5
WARN_FACTOR, FAIL_FACTOR, FAIL_SLACK = 1.2, 1.5, 5
ACTIVITY_HEADING = re.compile(r"^#{1,6} .*\((\d+) minutes?\)", re.M)


def estimate_minutes(words: int, activity_minutes: int, check_questions: int) -> float:
    """Return the minutes a lesson can honestly claim: reading, activities, knowledge check."""
    return words / READING_WORDS_PER_MINUTE + activity_minutes + CHECK_QUESTION_MINUTES * check_questions


def edit_problems(*, title: str, duration: int, activity_minutes: int, body: str, words: int,
                  check_questions: int, broken_links: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Return what `content check` would fail in a lesson saved from the browser (the same rules, no file)."""
    problems = []
    if not title.strip():
        problems.append("title is required")
    if not 1 <= duration <= 600:
        problems.append(f"duration must be whole minutes from 1 to 600, got {duration!r}")
    stated = sum(int(m) for m in ACTIVITY_HEADING.findall(body))
    if activity_minutes < 0:
        problems.append(f"activity_minutes must be whole minutes, got {activity_minutes!r}")
    elif stated != activity_minutes:
        problems.append(f"activity_minutes is {activity_minutes!r} but the text's '(N minutes)' headings add up to "
                        f"{stated}")
    if not body.strip():
        problems.append("lesson is empty: it has no text")
    estimate = estimate_minutes(words, activity_minutes, check_questions)
    if duration > FAIL_FACTOR * estimate + FAIL_SLACK:
        problems.append(f"duration {duration} is above the estimate of {estimate:.1f} minutes ({words} words, "
                        f"{activity_minutes} activity minutes, {check_questions} check questions): the text "
                        "cannot support it")
    problems.extend(f"broken link to {target!r}" for target in broken_links)
    return problems
