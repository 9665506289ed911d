"""Three deliberate bugs that the suite let through (issue 18): each of these tests fails when its bug is put back."""

from datetime import date, datetime

import pytest

from learnpm.certificates.eligibility import evaluate
from learnpm.hours.ledger import CHAINED_FIELDS, GENESIS, ledger_key, row_hash
from learnpm.quizzes.assembly import apportion
from learnpm.quizzes.grading import GradedItem, grade

FILL_IN = {"type": "fill_in", "options": [], "choices": [], "answers": ["charter"]}


def _items(right: int, total: int) -> list[GradedItem]:
    return [GradedItem(f"q{n}", "alpha", True, FILL_IN, "charter" if n < right else "nope") for n in range(total)]


@pytest.mark.parametrize("right, passed", [(7, True), (6, False), (10, True)])
def test_a_score_exactly_at_the_pass_mark_passes(right, passed):
    result = grade(_items(right, 10), lambda percent: "", 70, ["alpha"])
    assert (result.score_percent, result.passed) == (right * 10.0, passed)


def test_the_certificate_counts_a_best_score_at_the_pass_mark_as_passed():
    at_mark = evaluate(82_800, 82_800, True, assessment_passed=70 >= 70, pass_percent=70, best_percent=70)
    assert at_mark.eligible and not at_mark.missing


ROW = {"user_id": 7, "seq": 3, "course_id": 2, "lesson_id": 11, "seconds": 600, "source": "engagement",
       "reason": "", "recorded_by_id": None, "recorded_by": "engagement", "occurred_on": date(2026, 11, 25),
       "started_at": datetime(2026, 11, 25, 9), "ended_at": datetime(2026, 11, 25, 9, 10), "corrects_id": None,
       "created_at": datetime(2026, 11, 25, 9, 10, 1)}
CHANGED = {"user_id": 8, "seq": 4, "course_id": 3, "lesson_id": 12, "seconds": 601, "source": "live",
           "reason": "x", "recorded_by_id": 5, "recorded_by": "x@example.com", "occurred_on": date(2026, 11, 24),
           "started_at": datetime(2026, 11, 25, 8), "ended_at": datetime(2026, 11, 25, 9, 11), "corrects_id": 1,
           "created_at": datetime(2026, 11, 25, 9, 10, 2)}


@pytest.mark.parametrize("field", sorted(ROW))
def test_every_field_of_a_ledger_row_is_chained(field):
    """Moving a row to another course (or changing any other field) breaks its hash."""
    key = ledger_key("k" * 40)
    assert field in CHAINED_FIELDS
    assert row_hash(key, GENESIS, ROW) != row_hash(key, GENESIS, {**ROW, field: CHANGED[field]})


def test_apportion_follows_the_domain_weights():
    capm = {"fundamentals": 36, "predictive": 17, "agile": 20, "business-analysis": 27}
    assert apportion(150, capm) == {"fundamentals": 54, "predictive": 25, "agile": 30, "business-analysis": 41}
    assert apportion(135, capm) == {"fundamentals": 49, "predictive": 23, "agile": 27, "business-analysis": 36}
    assert apportion(10, {"a": 3, "b": 1}) == {"a": 8, "b": 2}      # not an equal split
    assert apportion(7, {"a": 1, "b": 1, "c": 1}) == {"a": 3, "b": 2, "c": 2}
    assert sum(apportion(185, {"people": 33, "process": 41, "business": 26}).values()) == 185
