"""The eligibility rule (pure): hours against the target, the end-of-course assessment, in plain words."""

import pytest

from learnpm.certificates.eligibility import evaluate, floor_tenths, format_percent
from learnpm.hours.display import format_hours, format_remaining

TARGET = 23 * 3600


def test_enough_hours_and_no_assessment_is_eligible():
    result = evaluate(TARGET, TARGET, assessment_required=False, assessment_passed=True)
    assert result.eligible and result.missing == ()


def test_more_hours_than_the_target_is_eligible():
    assert evaluate(TARGET + 5000, TARGET, False, True).eligible


def test_missing_hours_are_said_in_hours_rounded_up():
    result = evaluate(TARGET - int(12.35 * 3600), TARGET, False, True)
    assert not result.eligible
    assert result.missing == ("12.4 more hours of study (10.6 of 23.0 so far)",)


def test_a_few_seconds_short_still_says_what_is_missing():
    result = evaluate(TARGET - 1, TARGET, False, True)
    assert result.missing == ("0.1 more hours of study (22.9 of 23.0 so far)",)


def test_no_hours_at_all():
    assert evaluate(0, TARGET, False, True).missing == ("23.0 more hours of study (0.0 of 23.0 so far)",)


def test_assessment_failed_says_the_pass_mark_and_best_score():
    result = evaluate(TARGET, TARGET, True, False, pass_percent=70, best_percent=55.0)
    assert result.missing == ("pass the end-of-course assessment (70 % needed; best so far 55 %)",)


def test_assessment_not_taken():
    result = evaluate(TARGET, TARGET, True, False, pass_percent=70, best_percent=None)
    assert result.missing == ("pass the end-of-course assessment (70 % needed; not taken yet)",)


def test_a_best_score_just_under_the_mark_is_never_shown_as_the_mark():
    result = evaluate(TARGET, TARGET, True, False, pass_percent=70, best_percent=69.96)
    assert "best so far 69.9 %" in result.missing[0]


def test_assessment_passed_with_enough_hours_is_eligible():
    assert evaluate(TARGET, TARGET, True, True, pass_percent=70, best_percent=80.0).eligible


def test_both_missing_are_listed_hours_first():
    result = evaluate(3600, TARGET, True, False, pass_percent=70, best_percent=40.5)
    assert result.missing == ("22.0 more hours of study (1.0 of 23.0 so far)",
                              "pass the end-of-course assessment (70 % needed; best so far 40.5 %)")


@pytest.mark.parametrize("seconds, hours", [(0, 0.0), (359, 0.0), (360, 0.1), (83_880, 23.3), (83_999, 23.3),
                                            (82_799, 22.9), (-1_800, -0.5), (-2_000, -0.5)])
def test_hours_on_a_certificate_are_truncated_to_one_decimal(seconds, hours):
    assert floor_tenths(seconds) == hours


@pytest.mark.parametrize("credited, target, shown, to_go", [
    (300, 82_800, "0.0", "23.0"), (0, 82_800, "0.0", "23.0"), (82_799, 82_800, "22.9", "0.1"),
    (82_800, 82_800, "23.0", "0.0"), (90_000, 82_800, "25.0", "0.0"), (-50, 82_800, "0.0", "23.0")])
def test_hours_still_to_go_agree_with_credited_of_target(credited, target, shown, to_go):
    assert (format_hours(max(credited, 0)), format_remaining(credited, target)) == (shown, to_go)


@pytest.mark.parametrize("percent, text", [(70, "70"), (70.0, "70"), (55.5, "55.5"), (69.99, "69.9")])
def test_percent_format(percent, text):
    assert format_percent(percent) == text
