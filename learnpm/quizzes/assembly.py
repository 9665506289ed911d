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
    group: str | None = None  # a scenario set's case id: its questions are drawn together, in order
    group_index: int = 0


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


def _units(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Each question alone, or a scenario set's questions together in their order (one unit per set)."""
    units: list[list[Candidate]] = []
    sets: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.group is None:
            units.append([candidate])
        else:
            if candidate.group not in sets:
                sets[candidate.group] = []
                units.append(sets[candidate.group])
            sets[candidate.group].append(candidate)
    for unit in units:
        unit.sort(key=lambda c: c.group_index)
    return units


def _fill(units: list[list[Candidate]], need: int) -> list[list[Candidate]]:
    """Take whole units in the given order while they fit in `need`; close a gap with the start of a set."""
    picked, room, skipped = [], need, []
    for unit in units:
        if room == 0:
            break
        if len(unit) <= room:
            picked.append(unit)
            room -= len(unit)
        else:
            skipped.append(unit)
    if room:  # only sets larger than the gap are left: its first questions still read well in order
        picked.append(skipped[0][:room])
    return picked


def _exact(units: list[list], size: int) -> list[int] | None:
    """Indexes of units whose lengths add up to `size` exactly (earlier units preferred), or None."""
    reach: dict[int, list[int]] = {0: []}
    for index, unit in enumerate(units):
        for total in sorted(reach, reverse=True):
            grown = total + len(unit)
            if grown <= size and grown not in reach:
                reach[grown] = [*reach[total], index]
        if size in reach:
            return reach[size]
    return None


def _layout(units: list[list], sizes: list[int]) -> list:
    """Lay units out section by section without splitting one across a section's end where it can be helped."""
    remaining, ordered = list(units), []
    for size in sizes:
        fits = _exact(remaining, size)
        if fits is not None:
            taken = set(fits)
            for index in fits:
                ordered.extend(remaining[index])
            remaining = [unit for index, unit in enumerate(remaining) if index not in taken]
            continue
        room = size  # no exact fit: fill what fits, then one unit must straddle the section's end
        index = 0
        while room > 0 and index < len(remaining):
            if len(remaining[index]) <= room:
                unit = remaining.pop(index)
                ordered.extend(unit)
                room -= len(unit)
            else:
                index += 1
        if room > 0 and remaining:
            unit = remaining.pop(0)
            ordered.extend(unit[:room])
            remaining.insert(0, unit[room:])
    for unit in remaining:
        ordered.extend(unit)
    return ordered


def draw(pool: list[Candidate], counts: dict[str, int], *, pretest: dict[str, int] | None = None,
         sections: list[int] | None = None, rng: random.Random | None = None, shuffle_options: bool = True,
         priority: dict[str, float] | None = None) -> list[Draw]:
    """Draw `counts` scored (and `pretest` unscored) questions per domain without repeats, in random order.

    A scenario set's questions come as one unit, together and in their order, and are kept inside one section
    where the sections allow. With `priority`, each domain's units are taken lowest priority first (ties at
    random): a mock passes when each question was last shown, never-shown ones lowest, so it draws unseen
    questions first (a set counts as shown when any of its questions was).
    """
    rng = rng or random.SystemRandom()
    pretest = pretest or {}
    by_domain: dict[str, list[list[Candidate]]] = {}
    for unit in _units(pool):
        for candidate in unit:  # a set spanning domains (the bank check refuses one) splits by domain
            domain_units = by_domain.setdefault(candidate.domain, [])
            if not domain_units or domain_units[-1][0].group is None or domain_units[-1][0].group != candidate.group:
                domain_units.append([])
            domain_units[-1].append(candidate)
    chosen: list[list[tuple[Candidate, bool]]] = []
    for domain in sorted(set(counts) | set(pretest)):
        need = counts.get(domain, 0) + pretest.get(domain, 0)
        available = by_domain.get(domain, [])
        total = sum(len(unit) for unit in available)
        if need > total:
            raise NotEnoughQuestions(domain, need, total)
        order = {id(unit): rng.random() for unit in available}
        if priority is None:
            ranked = sorted(available, key=lambda unit: order[id(unit)])
        else:
            ranked = sorted(available, key=lambda unit: (max(priority.get(c.key, float("-inf")) for c in unit),
                                                         order[id(unit)]))
        picked = _fill(ranked, need)
        unscored = set(rng.sample(range(need), pretest.get(domain, 0)))
        position = 0
        for unit in picked:
            chosen.append([(c, position + i not in unscored) for i, c in enumerate(unit)])
            position += len(unit)
    rng.shuffle(chosen)
    placed = _layout(chosen, sections or [sum(len(unit) for unit in chosen)])
    bounds = _section_bounds(sections or [len(placed)])
    draws = []
    for position, (candidate, scored) in enumerate(placed):
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
