"""Drawing an attempt's questions (pure): counts by domain weights, pretest items, order, sections."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    key: str
    domain: str
    option_ids: tuple[str, ...]
    choice_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draw:
    key: str
    domain: str
    scored: bool
    section: int
    option_order: list[str]
    choice_order: list[str]


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` by weights with the largest-remainder method (the counts add up to total)."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: (exact[k] - counts[k], weights[k]), reverse=True)
    for key in by_remainder[:total - sum(counts.values())]:
        counts[key] += 1
    return counts


class NotEnoughQuestions(Exception):
    def __init__(self, domain: str, needed: int, available: int):
        super().__init__(f"{domain}: {needed} needed, {available} available")
        self.domain, self.needed, self.available = domain, needed, available


def draw(pool: list[Candidate], counts: dict[str, int], *, pretest: dict[str, int] | None = None,
         sections: list[int] | None = None, rng: random.Random | None = None, shuffle_options: bool = True,
         priority: dict[str, float] | None = None) -> list[Draw]:
    """Draw `counts` scored (and `pretest` unscored) questions per domain without repeats, in random order.

    With `priority`, each domain's questions are taken lowest priority first (ties at random): a mock passes
    when each question was last shown, never-shown ones lowest, so it draws unseen questions first.
    """
    rng = rng or random.SystemRandom()
    pretest = pretest or {}
    by_domain: dict[str, list[Candidate]] = {}
    for candidate in pool:
        by_domain.setdefault(candidate.domain, []).append(candidate)
    chosen: list[tuple[Candidate, bool]] = []
    for domain in sorted(set(counts) | set(pretest)):
        need = counts.get(domain, 0) + pretest.get(domain, 0)
        available = by_domain.get(domain, [])
        if need > len(available):
            raise NotEnoughQuestions(domain, need, len(available))
        if priority is None:
            picked = rng.sample(available, need)
        else:
            order = {c.key: rng.random() for c in available}
            picked = sorted(available, key=lambda c: (priority.get(c.key, float("-inf")), order[c.key]))[:need]
            rng.shuffle(picked)
        unscored = set(rng.sample(range(need), pretest.get(domain, 0)))
        chosen += [(c, i not in unscored) for i, c in enumerate(picked)]
    rng.shuffle(chosen)
    bounds = _section_bounds(sections or [len(chosen)])
    draws = []
    for position, (candidate, scored) in enumerate(chosen):
        options, choices = list(candidate.option_ids), list(candidate.choice_ids)
        if shuffle_options:
            rng.shuffle(options)
            rng.shuffle(choices)
        draws.append(Draw(candidate.key, candidate.domain, scored, bounds(position), options, choices))
    return draws


def _section_bounds(sizes: list[int]):
    limits, running = [], 0
    for size in sizes:
        running += size
        limits.append(running)

    def section(position: int) -> int:
        return next((i + 1 for i, limit in enumerate(limits) if position < limit), len(limits))

    return section
