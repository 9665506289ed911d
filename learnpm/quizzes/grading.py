"""Grading an attempt from its stored answers (pure): score, per domain, per item."""

from __future__ import annotations

from dataclasses import dataclass

from learnpm.quizzes.types import question_type


@dataclass(frozen=True)
class GradedItem:
    key: str
    domain: str
    scored: bool
    content: dict
    answer: object | None   # None when unanswered


@dataclass(frozen=True)
class Result:
    score_percent: float
    correct: int
    scored: int
    domains: dict[str, dict]        # key -> {"percent", "rating", "correct", "total"}
    item_correct: dict[str, bool]   # question key -> right or not (unscored items included)
    passed: bool | None


def grade(items: list[GradedItem], rating_for, pass_percent: float | None, domain_order: list[str]) -> Result:
    """Grade every item; only scored items count toward the score and the domain ratings."""
    item_correct = {}
    totals: dict[str, list[int]] = {}
    for item in items:
        right = item.answer is not None and question_type(item.content["type"]).grade(item.answer, item.content)
        item_correct[item.key] = right
        if item.scored:
            counts = totals.setdefault(item.domain, [0, 0])
            counts[0] += right
            counts[1] += 1
    correct = sum(c for c, _ in totals.values())
    scored = sum(t for _, t in totals.values())
    score = round(100 * correct / scored, 1) if scored else 0.0
    domains = {}
    for key in sorted(totals, key=lambda k: domain_order.index(k) if k in domain_order else len(domain_order)):
        right, total = totals[key]
        percent = round(100 * right / total, 1)
        domains[key] = {"percent": percent, "rating": rating_for(percent), "correct": right, "total": total}
    passed = None if pass_percent is None else score >= pass_percent
    return Result(score, correct, scored, domains, item_correct, passed)
