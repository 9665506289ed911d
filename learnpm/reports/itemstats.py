"""Classical item analysis: difficulty, discrimination, distractor choice and KR-20 reliability.

Formulas (all variances are population variances, dividing by n):

* difficulty ``p`` = share of responses scored correct; ``q = 1 - p``.
* discrimination = point-biserial correlation between the item score ``x`` (0/1) and the attempt's
  score on the *other* items ``y`` (the corrected item-total, so an item does not correlate with itself):
  ``r_pb = (M1 - M0) / s_y * sqrt(p * q)`` where ``M1``/``M0`` are the mean ``y`` of responses that got
  the item right/wrong and ``s_y`` the standard deviation of ``y``. Equal to Pearson's r of ``x`` and ``y``.
* strong/weak learners = the upper/lower 27 % of an item's responses ranked by ``y`` (at least one each;
  responses tied with the cut score join the group; when the two cut scores meet, nobody is "strong" or
  "weak" and the keyed-answer check is skipped).
* KR-20 = ``k / (k - 1) * (1 - sum(p_i * q_i) / var(total))`` for ``k`` items.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

TOO_EASY = 0.95          # difficulty above this: almost everyone answers correctly
TOO_HARD = 0.30          # difficulty below this: close to guessing on a four-option question
GROUP_SHARE = 0.27       # Kelley's upper and lower groups


class Response(NamedTuple):
    """One scored answer to one question in one attempt (a tuple: a report builds hundreds of thousands)."""

    attempt_id: int
    learner_id: int
    question_id: str
    chosen: tuple[str, ...]
    correct: bool
    first_attempt: bool


@dataclass
class ItemStats:
    """Item analysis results for one question."""

    question_id: str
    n: int
    difficulty: float
    discrimination: float | None
    option_share: dict[str, float]
    flags: list[str] = field(default_factory=list)


def item_statistics(responses: list[Response], keys: dict[str, set[str]], *, first_attempts_only: bool = False,
                    min_responses: int = 5, options: dict[str, Sequence[str]] | None = None) -> dict[str, ItemStats]:
    """Compute statistics for every question that has responses, keyed by question id.

    `keys` maps a question id to its keyed (correct) option ids. `options` optionally lists every option
    id of a question, in display order: only then can an unchosen distractor be flagged. Flags are raised
    only for items with at least `min_responses` responses.
    """
    if first_attempts_only:
        responses = [r for r in responses if r.first_attempt]
    totals: dict[int, int] = defaultdict(int)
    by_question: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        totals[response.attempt_id] += int(response.correct)
        by_question[response.question_id].append(response)
    options = options or {}
    return {question_id: _item(question_id, items, totals, keys.get(question_id, set()),
                               options.get(question_id, ()), min_responses)
            for question_id, items in sorted(by_question.items())}


def _item(question_id: str, items: list[Response], totals: dict[int, int], key: set[str],
          options: Sequence[str], min_responses: int) -> ItemStats:
    n = len(items)
    scores = [int(r.correct) for r in items]
    rest = [totals[r.attempt_id] - int(r.correct) for r in items]
    difficulty = sum(scores) / n
    discrimination = point_biserial(scores, rest)
    shares = _option_shares(items, key, options)
    flags: list[str] = []
    if n >= min_responses:
        flags = _flags(items, rest, key, options, difficulty, discrimination, shares)
    return ItemStats(question_id, n, difficulty, discrimination, shares, flags)


def point_biserial(scores: Sequence[int], other: Sequence[float]) -> float | None:
    """Return r_pb = (M1 - M0) / s_y * sqrt(p q) for 0/1 `scores`, or None when it is undefined."""
    n = len(scores)
    if n < 2 or n != len(other):
        return None
    right = [y for x, y in zip(scores, other, strict=True) if x]
    wrong = [y for x, y in zip(scores, other, strict=True) if not x]
    sd = _sd(other)
    if not right or not wrong or sd == 0:
        return None
    p = len(right) / n
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / sd * math.sqrt(p * (1 - p))


def _sd(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _option_shares(items: list[Response], key: set[str], options: Sequence[str]) -> dict[str, float]:
    counts: dict[str, int] = defaultdict(int)
    for response in items:
        for option in set(response.chosen):
            counts[option] += 1
    order = list(dict.fromkeys(options))
    order += sorted((set(key) | set(counts)) - set(order))
    return {option: counts[option] / len(items) for option in order}


def _groups(items: list[Response], rest: list[int]) -> tuple[list[Response], list[Response]]:
    """Return the lower and upper 27 % of responses ranked by score on the other items (empty if they meet)."""
    ranked = sorted(rest)
    size = max(1, round(GROUP_SHARE * len(ranked)))
    low_cut, high_cut = ranked[size - 1], ranked[-size]
    if low_cut >= high_cut:
        return [], []
    return ([r for r, y in zip(items, rest, strict=True) if y <= low_cut],
            [r for r, y in zip(items, rest, strict=True) if y >= high_cut])


def _share(group: list[Response], option: str) -> float:
    return sum(option in r.chosen for r in group) / len(group) if group else 0.0


def _flags(items: list[Response], rest: list[int], key: set[str], options: Sequence[str], difficulty: float,
           discrimination: float | None, shares: dict[str, float]) -> list[str]:
    flags = []
    if discrimination is not None and discrimination < 0:
        flags.append(f"negative discrimination ({discrimination:.2f}): strong learners miss it more than weak ones")
    for option in options:
        if option not in key and shares.get(option, 0) == 0:
            flags.append(f"distractor {option!r} chosen by nobody")
    lower, upper = _groups(items, rest)
    if lower and upper:
        for option in sorted(key):
            if _share(upper, option) < _share(lower, option):
                flags.append(f"strong learners avoid the keyed answer {option!r}")
    if difficulty > TOO_EASY:
        flags.append(f"too easy ({difficulty * 100:.0f} % correct)")
    elif difficulty < TOO_HARD:
        flags.append(f"too hard ({difficulty * 100:.0f} % correct)")
    return flags


def kr20(score_matrix: list[list[int]]) -> float | None:
    """Return KR-20 = k/(k-1) * (1 - sum(p q) / var(total)), or None when undefined.

    Rows are attempts at the same form, columns items scored 0/1. Undefined with fewer than two
    attempts or items, or when every attempt has the same total (zero variance).
    """
    if len(score_matrix) < 2:
        return None
    k = len(score_matrix[0])
    if any(len(row) != k for row in score_matrix):
        raise ValueError("every row of the score matrix must have the same number of items")
    if k < 2:
        return None
    n = len(score_matrix)
    pq = 0.0
    for column in range(k):
        p = sum(row[column] for row in score_matrix) / n
        pq += p * (1 - p)
    variance = _sd([sum(row) for row in score_matrix]) ** 2
    if variance == 0:
        return None
    return k / (k - 1) * (1 - pq / variance)
