"""A transparent exam-readiness model: recent domain scores weighted like the exam, with an honest range.

The model, in full:

1. Take the learner's most recent `window` scored answers (answers after `now` and answers in domains
   the program does not know are ignored). Only first exposures count: a question answered again after
   its feedback was seen is remembered, not known, so the queries pass only each question's first
   attempt, and never the practice items outside the exam outline (pool `extra`).
2. Per domain, the score is the share answered correctly, ``c / n``, with a 90 % Wilson score interval
   ``(center ± z * sqrt(p q / n + z² / 4n²)) / (1 + z² / n)`` around it, ``z = 1.645``.
3. The exam estimate is the domain scores weighted by the exam's domain weights. A domain without answers
   is assumed to be at the learner's weighted average of the practiced domains.
4. The range combines the domains' interval half-widths by root-sum-square, each scaled by its weight
   (domains are treated as independent; for one domain this is exactly its Wilson interval). A domain
   without answers could be anywhere from 0 to 100 %, so it lowers the low end to 0 and raises the high end
   to 100 % over its whole weight: the band widens by the full weight of every unpracticed domain.
5. A pass is called likely when the estimate reaches the pass mark and the low end of the range is no
   more than `LIKELY_MARGIN` points below it; with no answers it is unknown (None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

Z90 = 1.6448536269514722     # two-sided 90 % normal quantile
LIKELY_MARGIN = 10.0         # how far the low end may fall below the pass mark for a "likely" pass


@dataclass(frozen=True)
class ScoredAnswer:
    """One scored answer, tagged with the exam domain of its question."""

    domain: str
    correct: bool
    answered_at: datetime


@dataclass
class DomainReadiness:
    """A domain's recent score and rating (percent and rating are None without answers)."""

    key: str
    title: str
    weight: float
    answered: int
    percent: float | None
    rating: str | None


@dataclass
class Readiness:
    """The readiness estimate with its range, the domains behind it and a plain-words explanation."""

    percent: float | None
    low: float | None
    high: float | None
    questions: int
    domains: list[DomainReadiness] = field(default_factory=list)
    likely_pass: bool | None = None
    explanation: str = ""


def wilson_interval(correct: int, n: int, z: float = Z90) -> tuple[float, float]:
    """Return the Wilson score interval (low, high) for `correct` out of `n`, as shares 0..1."""
    if n <= 0:
        return 0.0, 1.0
    p = correct / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, center - half), min(1.0, center + half)


def rating_for(percent: float, ratings: list[dict]) -> str:
    """Return the label of the best band (ratings best first) whose min_percent `percent` reaches."""
    for band in ratings:
        if percent >= band["min_percent"]:
            return band["label"]
    return ratings[-1]["label"]


def estimate_readiness(answers: list[ScoredAnswer], domains: list[dict], ratings: list[dict], pass_percent: float,
                       *, now: datetime, window: int = 200) -> Readiness:
    """Estimate the exam score from the most recent `window` answers, weighted by domain (see module doc)."""
    if window < 1:
        raise ValueError("window must be at least 1")
    total_weight = sum(float(d["weight"]) for d in domains)
    if total_weight <= 0:
        raise ValueError("domain weights must add up to more than 0")
    known = {d["key"] for d in domains}
    usable = [a for a in answers if a.domain in known and a.answered_at <= now]
    recent = sorted(usable, key=lambda a: a.answered_at, reverse=True)[:window]
    counts = {key: [0, 0] for key in known}
    for answer in recent:
        counts[answer.domain][0] += int(answer.correct)
        counts[answer.domain][1] += 1

    rows: list[DomainReadiness] = []
    point = below = above = 0.0
    unknown_weight = 0.0
    for domain in domains:
        correct, n = counts[domain["key"]]
        share = float(domain["weight"]) / total_weight
        percent = 100 * correct / n if n else None
        rows.append(DomainReadiness(key=domain["key"], title=str(domain.get("title", domain["key"])),
                                    weight=float(domain["weight"]), answered=n, percent=percent,
                                    rating=rating_for(percent, ratings) if percent is not None else None))
        if not n:
            unknown_weight += share
            continue
        low, high = wilson_interval(correct, n)
        point += share * correct / n
        below += (share * (correct / n - low)) ** 2
        above += (share * (high - correct / n)) ** 2

    if not recent:
        return Readiness(None, None, None, 0, rows, None, _explain(None, rows, pass_percent, window))
    known_weight = 1 - unknown_weight
    estimate = point / known_weight                       # practiced domains' weighted average
    low = max(0.0, point - math.sqrt(below))              # unpracticed domains could score 0 ...
    high = min(1.0, point + math.sqrt(above) + unknown_weight)   # ... or 100 %
    readiness = Readiness(percent=100 * estimate, low=100 * low, high=100 * high, questions=len(recent),
                          domains=rows)
    readiness.likely_pass = (readiness.percent >= pass_percent
                             and readiness.low >= pass_percent - LIKELY_MARGIN)
    readiness.explanation = _explain(readiness, rows, pass_percent, window)
    return readiness


def _pct(value: float) -> str:
    return f"{value:.0f} %"


def _explain(readiness: Readiness | None, rows: list[DomainReadiness], pass_percent: float, window: int) -> str:
    """Return one plain-words paragraph describing the model and what it rests on."""
    weights = "; ".join(f"{r.title} {_pct(r.weight / sum(x.weight for x in rows) * 100)}" for r in rows)
    model = (f"The estimate uses up to your {window} most recent scored practice answers, each to a question you "
             "saw for the first time (answering a question again after seeing its key does not raise it). "
             "Each domain's share of "
             f"correct answers is weighted by its share of the exam ({weights}). ")
    rule = (f"We call a pass likely when the estimate reaches the pass mark of {_pct(pass_percent)} and the low end "
            f"of the range is no more than {LIKELY_MARGIN:.0f} points below it.")
    if readiness is None:
        return "There are no scored answers yet, so there is no estimate. " + model + rule
    untried = [r.title for r in rows if not r.answered]
    parts = [model,
             f"It rests on {readiness.questions} answers. The range {_pct(readiness.low)} to "
             f"{_pct(readiness.high)} is where your exam score would fall about nine times in ten, given "
             "how many questions you answered in each domain; it narrows as you answer more. "]
    if untried:
        parts.append(f"You have not answered questions in {'; '.join(untried)} yet: we assume you would do as "
                     "well there as elsewhere, but since you could score anywhere from 0 to 100 % there, "
                     "the range widens by their weight. ")
    parts.append(rule)
    return "".join(parts)
