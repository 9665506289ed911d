"""Item analysis checked against values computed by hand on a small data set."""

import math

import pytest

from learnpm.reports.itemstats import ItemStats, Response, item_statistics, kr20, point_biserial

# Six learners (attempts 101..106, learners 1..6) answer four questions. Options a-d; Q1 is a true/false
# item with options a and b only.
#
#   keys:  Q1 a    Q2 b    Q3 c    Q4 d   (Q4 is the broken item: the strong learners all miss it)
#
#   attempt  Q1     Q2     Q3     Q4   | total T
#   101      a 1    b 1    c 1    d 1  |  4
#   102      a 1    b 1    c 1    a 0  |  3
#   103      a 1    b 1    c 1    b 0  |  3
#   104      a 1    b 1    a 0    d 1  |  3
#   105      a 1    a 0    b 0    c 0  |  1
#   106      b 0    c 0    d 0    d 1  |  1
#
# Difficulty p = share correct: Q1 5/6, Q2 4/6, Q3 3/6, Q4 3/6.
#
# Discrimination r = (M1 - M0) / s_y * sqrt(p q), y = T - x (score on the other items), s_y population SD.
# Q1: x = 1 1 1 1 1 0, y = 3 2 2 2 0 1.  M1 = 9/5, M0 = 1, mean y = 5/3, sum y^2 = 22,
#     var = 22/6 - 25/9 = 8/9, s_y = 2*sqrt(2)/3, sqrt(pq) = sqrt(5)/6
#     r = (4/5) * 3/(2*sqrt(2)) * sqrt(5)/6 = sqrt(5/2)/5 = 0.3162
# Q2: x = 1 1 1 1 0 0, y = 3 2 2 2 1 1.  M1 = 9/4, M0 = 1, mean y = 11/6, sum y^2 = 23,
#     var = 23/6 - 121/36 = 17/36, s_y = sqrt(17)/6, sqrt(pq) = sqrt(2)/3
#     r = (5/4) * 6/sqrt(17) * sqrt(2)/3 = 2.5*sqrt(2/17) = 0.8575
# Q3: x = 1 1 1 0 0 0, y = 3 2 2 3 1 1.  M1 = 7/3, M0 = 5/3, mean y = 2, sum y^2 = 28,
#     var = 28/6 - 4 = 2/3, sqrt(pq) = 1/2
#     r = (2/3) / sqrt(2/3) * 1/2 = sqrt(2/3)/2 = 0.4082
# Q4: x = 1 0 0 1 0 1, y = 3 3 3 2 1 0.  M1 = 5/3, M0 = 7/3, mean y = 2, sum y^2 = 32,
#     var = 32/6 - 4 = 4/3, s_y = 2/sqrt(3), sqrt(pq) = 1/2
#     r = (-2/3) * sqrt(3)/2 * 1/2 = -1/(2*sqrt(3)) = -0.2887
#
# KR-20 = k/(k-1) * (1 - sum(pq) / var(T)), k = 4.
#     sum(pq) = 5/36 + 8/36 + 9/36 + 9/36 = 31/36; T = 4 3 3 3 1 1, mean 5/2, sum T^2 = 45,
#     var(T) = 45/6 - 25/4 = 5/4; KR-20 = 4/3 * (1 - 31/45) = 56/135 = 0.4148
#
# Upper/lower 27 %: round(0.27 * 6) = 2 responses each, ranked by y; responses tied with a cut join its group.
# Q4 ranked by y: 106 (0), 105 (1), 104 (2), 101, 102, 103 (3). Lower = y <= 1 = 106, 105: 'd' chosen by 1 of 2;
#     upper = y >= 3 = 101, 102, 103: 'd' chosen by 1 of 3, so the strong learners avoid the keyed answer.
# Q1, Q2, Q3: the upper group chooses the key more often than the lower one (1 vs 1/2, 1 vs 0, 1/2 vs 0).
# Q2 option shares: a 1/6, b 4/6, c 1/6, d 0 -> distractor 'd' chosen by nobody.

KEYS = {"Q1": {"a"}, "Q2": {"b"}, "Q3": {"c"}, "Q4": {"d"}}
OPTIONS = {"Q1": ["a", "b"], "Q2": ["a", "b", "c", "d"], "Q3": ["a", "b", "c", "d"], "Q4": ["a", "b", "c", "d"]}
CHOICES = {
    101: "abcd",
    102: "abca",
    103: "abcb",
    104: "abad",
    105: "aabc",
    106: "bcdd",
}
MATRIX = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 0, 0], [0, 0, 0, 1]]


def responses(choices: dict[int, str], *, first: bool = True, learner_of=lambda attempt: attempt - 100):
    out = []
    for attempt, picks in choices.items():
        for index, option in enumerate(picks):
            question = f"Q{index + 1}"
            out.append(Response(attempt, learner_of(attempt), question, (option,), option in KEYS[question], first))
    return out


def hand_data() -> list[Response]:
    # A retake by learner 6 (all correct) that the first-attempts filter must drop.
    return responses(CHOICES) + responses({107: "abcd"}, first=False, learner_of=lambda _: 6)


def stats(**kwargs) -> dict[str, ItemStats]:
    return item_statistics(hand_data(), KEYS, first_attempts_only=True, options=OPTIONS, **kwargs)


def test_difficulty_is_the_share_correct():
    result = stats()
    assert [result[q].difficulty for q in ("Q1", "Q2", "Q3", "Q4")] == pytest.approx([5 / 6, 4 / 6, 3 / 6, 3 / 6])
    assert all(item.n == 6 for item in result.values())


def test_discrimination_matches_the_hand_computed_point_biserial():
    result = stats()
    assert result["Q1"].discrimination == pytest.approx(math.sqrt(5 / 2) / 5)
    assert result["Q2"].discrimination == pytest.approx(2.5 * math.sqrt(2 / 17))
    assert result["Q3"].discrimination == pytest.approx(math.sqrt(2 / 3) / 2)
    assert result["Q4"].discrimination == pytest.approx(-1 / (2 * math.sqrt(3)))


def test_the_broken_item_is_flagged():
    flags = stats()["Q4"].flags
    assert flags == ["negative discrimination (-0.29): strong learners miss it more than weak ones",
                     "strong learners avoid the keyed answer 'd'"]


def test_an_unused_distractor_is_flagged_and_healthy_items_are_not():
    result = stats()
    assert result["Q2"].option_share == pytest.approx({"a": 1 / 6, "b": 4 / 6, "c": 1 / 6, "d": 0})
    assert list(result["Q2"].option_share) == ["a", "b", "c", "d"]
    assert result["Q2"].flags == ["distractor 'd' chosen by nobody"]
    assert result["Q1"].flags == [] and result["Q3"].flags == []


def test_first_attempts_only_drops_retakes():
    everything = item_statistics(hand_data(), KEYS, options=OPTIONS)
    assert everything["Q1"].n == 7 and everything["Q1"].difficulty == pytest.approx(6 / 7)
    assert stats()["Q1"].n == 6


def test_flags_wait_for_enough_responses():
    result = stats(min_responses=7)
    assert all(item.flags == [] for item in result.values())
    assert result["Q4"].discrimination == pytest.approx(-1 / (2 * math.sqrt(3)))   # statistics still computed


def test_kr20_matches_the_hand_computation():
    assert kr20(MATRIX) == pytest.approx(56 / 135)


def test_kr20_is_undefined_without_variance_or_enough_data():
    assert kr20([]) is None
    assert kr20([[1, 0, 1]]) is None
    assert kr20([[1], [0], [1]]) is None
    assert kr20([[1, 1], [1, 1], [1, 1]]) is None
    with pytest.raises(ValueError):
        kr20([[1, 0], [1]])


def test_point_biserial_equals_pearson_correlation():
    x, y = [1, 0, 0, 1, 0, 1], [3, 3, 3, 2, 1, 0]
    mx, my = sum(x) / 6, sum(y) / 6
    pearson = (sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
               / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y)))
    assert point_biserial(x, y) == pytest.approx(pearson)
    assert point_biserial([1], [2]) is None
    assert point_biserial([1, 1, 1], [1, 2, 3]) is None         # nobody got it wrong
    assert point_biserial([1, 0, 1], [2, 2, 2]) is None         # the other items do not vary


def single_item(correct: int, total: int) -> list[Response]:
    return [Response(i, i, "Q", ("a",) if i < correct else ("b",), i < correct, True) for i in range(total)]


def test_too_easy_and_too_hard():
    easy = item_statistics(single_item(50, 50), {"Q": {"a"}})["Q"]
    assert easy.discrimination is None
    assert easy.flags == ["too easy (100 % correct)"]
    hard = item_statistics(single_item(2, 10), {"Q": {"a"}})["Q"]
    assert hard.flags == ["too hard (20 % correct)"]
    assert item_statistics(single_item(2, 4), {"Q": {"a"}})["Q"].flags == []     # below min_responses


def test_no_strong_or_weak_learners_when_everyone_ties_on_the_other_items():
    # Attempts 0..9 score 1 on another item each; on Q only 0 and 1 are right. Ranking by the other
    # items separates nobody, so there is no upper or lower group and no keyed-answer flag.
    data = single_item(2, 10) + [Response(i, i, "R", ("a",), True, True) for i in range(10)]
    assert "strong learners avoid the keyed answer 'a'" not in item_statistics(data, {"Q": {"a"}})["Q"].flags


def test_multiple_response_shares_can_sum_above_one_and_unanswered_counts():
    data = [Response(1, 1, "M", ("a", "b"), True, True), Response(2, 2, "M", ("a", "c"), False, True),
            Response(3, 3, "M", (), False, True), Response(4, 4, "M", ("a", "a"), False, True)]
    item = item_statistics(data, {"M": {"a", "b"}})["M"]
    assert item.option_share == {"a": 0.75, "b": 0.25, "c": 0.25}
    assert sum(item.option_share.values()) > 1
    assert item.n == 4 and item.difficulty == 0.25


def test_no_responses_no_items():
    assert item_statistics([], KEYS) == {}
