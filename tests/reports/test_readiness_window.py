"""The readiness window in SQL: each learner's `window` most recent scored answers, newest first, and no others."""

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Course
from learnpm.reports import queries


@pytest.fixture
def course(quiz_imported) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == "mini-course"))


def _window(course, user_ids, now, window):
    rules = course.program.rules
    totals: dict[int, list[int]] = {}
    for user_id, _domain, right, answered in db.session.execute(queries.recent_counts_query(
            course.program_id, rules.domain_keys(), now, user_ids, window=window)):
        counts = totals.setdefault(user_id, [0, 0])
        counts[0] += int(right)
        counts[1] += int(answered)
    return {user_id: tuple(counts) for user_id, counts in totals.items()}


def test_the_window_keeps_each_learners_most_recent_answers(course, make_user, take, clock):
    ann, bob = make_user(name="Ann"), make_user(name="Bob")
    # Different questions in each attempt: readiness counts each question's first exposure only.
    take(ann, mode="practice", domain="alpha", right=False, count=4)   # older: all wrong
    clock.advance(3600)
    take(ann, mode="practice", domain="beta", right=True, count=4)     # newer: all right
    take(bob, mode="practice", domain="beta", right=True, count=4)
    now = clock()
    assert _window(course, [ann.id, bob.id], now, 4) == {ann.id: (4, 4), bob.id: (4, 4)}
    assert _window(course, [ann.id], now, 6) == {ann.id: (4, 6)}   # then the 2 latest of the older attempt
    assert _window(course, [ann.id], now, 100) == {ann.id: (4, 8)}
    assert _window(course, [ann.id], now, 1) == {ann.id: (1, 1)}


def test_answers_after_now_are_outside_the_window(course, make_user, take, clock):
    ann = make_user(name="Ann")
    take(ann, mode="practice", domain="alpha", right=False, count=4)
    before = clock()
    clock.advance(3600)
    take(ann, mode="practice", domain="beta", right=True, count=4)
    assert _window(course, [ann.id], before, 200) == {ann.id: (0, 4)}
