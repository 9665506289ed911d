"""Scenario sets: a shared case and two to four questions on it, parsed, stored, drawn together and shown."""

import random

import pytest

from learnpm.quizzes.assembly import Candidate, draw
from learnpm.quizzes.bankfile import parse_bank

FRONT = "---\ntitle: Sets\nprogram: mini\ncourse: mini-course\n---\n\n"


def item(key: str, set_id: str | None = "case-1", domain: str = "alpha") -> str:
    set_line = f"set: {set_id}\n" if set_id else ""
    return f"""## {key}

type: single
domain: {domain}
task: "1.1"
difficulty: medium
lesson: intro
{set_line}
Question {key} on the case: which is right?

- [ ] Wrong one
  Because it is wrong.
- [x] Right one
  Because it is right.
- [ ] Also wrong
  Not this.

Explanation: The right one is right ({key}).

"""


CASE = """## case: case-1

title: The warehouse move
image: cases/warehouse.svg
alt: A floor plan of the old and the new warehouse.

A team moves a warehouse in six weeks.

| Week | Planned | Done |
| --- | --- | --- |
| 1 | 10 % | 8 % |

"""


def test_a_case_and_its_questions_parse_into_a_set_in_order():
    bank = parse_bank(FRONT + CASE + item("s-1") + item("s-2") + item("s-3") + item("alone", None), "b.md")
    assert [p.message for p in bank.problems] == []
    assert [q.id for q in bank.questions] == ["s-1", "s-2", "s-3", "alone"]  # the case is not a question
    first, third, alone = bank.questions[0], bank.questions[2], bank.questions[3]
    assert first.case.title == "The warehouse move" and "| Week | Planned |" in first.case.text
    assert first.case.image == "cases/warehouse.svg" and first.case.alt.startswith("A floor plan")
    assert (first.set_index, first.set_size, third.set_index) == (1, 3, 3) and alone.case is None


@pytest.mark.parametrize(("text", "message"), [
    (CASE + item("s-1"), "has 1 question(s); a scenario set has 2 to 4"),
    (CASE + "".join(item(f"s-{i}") for i in range(5)), "has 5 question(s)"),
    (CASE + item("s-1") + item("alone", None) + item("s-2"), "must directly follow its case"),
    (item("s-0") + CASE + item("s-1") + item("s-2"), "must directly follow its case"),
    (CASE + item("s-1") + item("s-2", "case-9"), "set 'case-9' has no '## case: case-9'"),
    (CASE + item("s-1") + item("s-2", domain="beta"), "in several domains"),
    (CASE.replace("title: The warehouse move\n", "") + item("s-1") + item("s-2"), "has no 'title:'"),
    (CASE.replace("alt: A floor plan of the old and the new warehouse.\n", "") + item("s-1") + item("s-2"),
     "has an image but no 'alt:'"),
    (CASE.replace("title:", "colour: red\ntitle:") + item("s-1") + item("s-2"), "unknown case field 'colour'"),
    ("## case: case-1\n\ntitle: Empty\n\n" + item("s-1") + item("s-2"), "has no text"),
    ("## case: bad id!\n\ntitle: T\n\nText.\n\n", "bad case id"),
])
def test_broken_sets_are_reported_by_line(text, message):
    bank = parse_bank(FRONT + text, "b.md")
    assert any(message in p.message for p in bank.problems), [p.message for p in bank.problems]


def _pool(singles: int = 12, sets=((3, "alpha"), (2, "alpha"), (4, "beta"), (2, "beta"))):
    pool = [Candidate(f"q{i}", "alpha" if i % 2 else "beta", ("a", "b")) for i in range(singles)]
    for number, (size, domain) in enumerate(sets):
        # listed out of order: the draw puts a set's questions in their order
        pool += [Candidate(f"set{number}-{i}", domain, ("a", "b"), (), f"set{number}", i) for i in reversed(range(size))]
    return pool


def _runs(draws):
    """Each set's questions as drawn: (positions, indexes, sections)."""
    runs = {}
    for position, d in enumerate(draws):
        if d.key.startswith("set"):
            group, index = d.key.split("-")
            runs.setdefault(group, []).append((position, int(index), d.section))
    return runs


def test_a_draw_keeps_each_sets_questions_together_in_order_and_in_one_section():
    whole = 0
    for seed in range(300):
        draws = draw(_pool(), {"alpha": 5, "beta": 5}, sections=[5, 5], rng=random.Random(seed))
        assert len(draws) == 10 and len({d.key for d in draws}) == 10
        assert sum(d.domain == "alpha" for d in draws) == 5
        for group, run in _runs(draws).items():
            positions = [p for p, _, _ in run]
            assert positions == list(range(positions[0], positions[0] + len(run))), f"{group} split: {run}"
            assert [i for _, i, _ in run] == list(range(len(run))), f"{group} out of order: {run}"
            assert len({s for _, _, s in run}) == 1, f"{group} straddles a section: {run}"
            whole += len(run) == {"set0": 3, "set1": 2, "set2": 4, "set3": 2}[group]
    assert whole > 300  # sets are drawn, and drawn whole


def test_a_set_too_large_for_what_is_left_gives_its_first_questions():
    pool = [Candidate(f"set0-{i}", "alpha", ("a",), (), "set0", i) for i in range(4)]
    draws = draw(pool, {"alpha": 3}, rng=random.Random(1))
    assert [d.key for d in draws] == ["set0-0", "set0-1", "set0-2"]


def test_unseen_first_counts_a_set_as_shown_when_any_question_of_it_was():
    pool = [Candidate(f"set0-{i}", "alpha", ("a",), (), "set0", i) for i in range(2)]
    pool += [Candidate(f"q{i}", "alpha", ("a",)) for i in range(2)]
    for seed in range(20):
        draws = draw(pool, {"alpha": 2}, rng=random.Random(seed), priority={"set0-1": 5.0})
        assert {d.key for d in draws} == {"q0", "q1"}
