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
    take(ann, right=False, count=8)        # older: all wrong
    clock.advance(3600)
    take(ann, right=True, count=8)         # newer: all right
    take(bob, right=True, count=4)
    now = clock()
    assert _window(course, [ann.id, bob.id], now, 8) == {ann.id: (8, 8), bob.id: (4, 4)}
    assert _window(course, [ann.id], now, 12) == {ann.id: (8, 12)}   # then the 4 latest of the older attempt
    assert _window(course, [ann.id], now, 100) == {ann.id: (8, 16)}
    assert _window(course, [ann.id], now, 1) == {ann.id: (1, 1)}


def test_answers_after_now_are_outside_the_window(course, make_user, take, clock):
    ann = make_user(name="Ann")
    take(ann, right=False, count=8)
    before = clock()
    clock.advance(3600)
    take(ann, right=True, count=8)
    assert _window(course, [ann.id], before, 200) == {ann.id: (0, 8)}
