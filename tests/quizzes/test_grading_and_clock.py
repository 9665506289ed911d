"""Grading per question type and the attempt clock, as pure rules with an injected time."""

from datetime import datetime, timedelta

import pytest

from learnpm.errors import ValidationError
from learnpm.quizzes import clock
from learnpm.quizzes.grading import GradedItem, grade
from learnpm.quizzes.types import question_type

SINGLE = {"type": "single", "options": [{"id": "a", "correct": False}, {"id": "b", "correct": True}],
          "choices": [], "answers": []}
MULTIPLE = {"type": "multiple", "options": [{"id": "a", "correct": True}, {"id": "b", "correct": False},
                                            {"id": "c", "correct": True}], "choices": [], "answers": []}
MATCHING = {"type": "matching", "options": [{"id": "a", "correct": True, "match": "r1"},
                                            {"id": "b", "correct": True, "match": "r2"}],
            "choices": [{"id": "r1"}, {"id": "r2"}, {"id": "r3"}], "answers": []}
FILL_IN = {"type": "fill_in", "options": [], "choices": [], "answers": ["charter", "project charter"]}


@pytest.mark.parametrize("content, answer, right", [
    (SINGLE, "b", True), (SINGLE, "a", False),
    (MULTIPLE, ["c", "a"], True), (MULTIPLE, ["a"], False), (MULTIPLE, ["a", "b", "c"], False),
    (MATCHING, {"a": "r1", "b": "r2"}, True), (MATCHING, {"a": "r1"}, False), (MATCHING, {"a": "r2", "b": "r1"}, False),
    (FILL_IN, "  Project   CHARTER ", True), (FILL_IN, "charters", False),
])
def test_each_type_grades_all_or_nothing(content, answer, right):
    kind = question_type(content["type"])
    assert kind.grade(kind.validate(answer, content), content) is right


@pytest.mark.parametrize("content, answer", [
    (SINGLE, ["b"]), (SINGLE, "z"), (MULTIPLE, "a"), (MULTIPLE, ["a", "a"]), (MULTIPLE, ["z"]),
    (MATCHING, ["a"]), (MATCHING, {"a": "r9"}), (MATCHING, {"z": "r1"}), (FILL_IN, 5), (FILL_IN, "x" * 501),
])
def test_answers_of_the_wrong_shape_are_refused(content, answer):
    with pytest.raises(ValidationError):
        question_type(content["type"]).validate(answer, content)


def test_public_view_never_carries_the_key():
    view = question_type("matching").public({**MATCHING, "options": [
        {"id": "a", "text": "A", "html": "A", "correct": True, "match": "r1", "rationale": "why"}],
        "choices": [{"id": "r1", "text": "one", "html": "one"}]}, ["a"], ["r1"], {"a": "x7", "r1": "y9"})
    assert "match" not in str(view) and "correct" not in str(view) and "why" not in str(view)


def test_grade_counts_only_scored_items_and_rates_each_domain():
    def rating(percent):
        return "High" if percent >= 50 else "Low"

    items = [GradedItem("q1", "alpha", True, SINGLE, "b"), GradedItem("q2", "alpha", True, SINGLE, "a"),
             GradedItem("q3", "beta", True, SINGLE, None), GradedItem("q4", "beta", False, SINGLE, "b")]
    result = grade(items, rating, 50, ["alpha", "beta"])
    assert (result.correct, result.scored, result.score_percent, result.passed) == (1, 3, 33.3, False)
    assert result.domains == {"alpha": {"percent": 50.0, "rating": "High", "correct": 1, "total": 2},
                              "beta": {"percent": 0.0, "rating": "Low", "correct": 0, "total": 1}}
    assert result.item_correct == {"q1": True, "q2": False, "q3": False, "q4": True}


T0 = datetime(2026, 11, 25, 10, 0, 0)


def test_deadline_with_extra_time_and_one_second_of_grace():
    deadline = clock.deadline_for(T0, 600, 1.5)
    assert deadline == T0 + timedelta(minutes=15)
    assert not clock.expired(deadline, deadline + timedelta(seconds=1))
    assert clock.expired(deadline, deadline + timedelta(seconds=1, microseconds=1))
    assert clock.deadline_for(T0, None) is None and not clock.expired(None, T0 + timedelta(days=9))
    assert clock.seconds_left(deadline, T0) == 900 and clock.seconds_left(deadline, deadline + timedelta(1)) == 0


def test_the_break_comes_once_between_sections_and_stops_the_clock():
    breaks = [10, None]
    assert clock.break_point(breaks, 0, {1: (4, 4), 2: (4, 0)}) == 1
    assert clock.break_point(breaks, 0, {1: (4, 3), 2: (4, 0)}) is None  # the first section is not done
    assert clock.break_point(breaks, 1, {1: (4, 4), 2: (4, 0)}) is None  # taken already
    assert clock.break_point(breaks, 0, {1: (4, 4), 2: (4, 1)}) is None  # answered past it
    assert clock.break_point([None, None], 0, {1: (4, 4), 2: (4, 0)}) is None
    assert clock.deadline_after_break(T0, 10) == T0 + timedelta(minutes=10)
    assert clock.section_locked(1, 1) and not clock.section_locked(2, 1)
    assert clock.break_ends_at(T0, 10) == T0 + timedelta(minutes=10) and clock.break_ends_at(None, 10) is None
    assert clock.on_break(T0, 10, T0 + timedelta(minutes=9, seconds=59))
    assert not clock.on_break(T0, 10, T0 + timedelta(minutes=10)) and not clock.on_break(None, 10, T0)
    ended = T0 + timedelta(minutes=3)
    assert not clock.on_break(T0, 10, T0 + timedelta(minutes=4), ended) and clock.break_ends_at(T0, 10, ended) == ended
    assert clock.deadline_after_early_end(T0 + timedelta(hours=3), T0 + timedelta(minutes=10), ended) == \
        T0 + timedelta(hours=3) - timedelta(minutes=7)


def test_several_breaks_come_one_at_each_boundary_in_order():
    breaks = [10, 10, None]
    assert clock.break_point(breaks, 0, {1: (3, 3), 2: (3, 0), 3: (3, 0)}) == 1
    assert clock.break_point(breaks, 1, {1: (3, 3), 2: (3, 3), 3: (3, 0)}) == 2
    assert clock.break_point(breaks, 1, {1: (3, 3), 2: (3, 2), 3: (3, 0)}) is None
    # the first boundary skipped: the second break is still offered, and locks both sections
    assert clock.break_point(breaks, 0, {1: (3, 3), 2: (3, 3), 3: (3, 0)}) == 2
