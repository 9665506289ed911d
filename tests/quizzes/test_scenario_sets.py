"""Scenario sets: a shared case and two to four questions on it, parsed, stored, drawn together and shown."""

import random

import pytest

from learnpm.quizzes.assembly import Candidate, draw
from learnpm.quizzes.bankfile import parse_bank
from tests.quizzes.test_attempts_api import api as api  # noqa: F401  (a fixture)
from tests.quizzes.test_attempts_api import app_config as app_config  # noqa: F401
from tests.quizzes.test_attempts_api import clock as clock  # noqa: F401

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
        pool += [Candidate(f"set{number}-{i}", domain, ("a", "b"), (), f"set{number}", i)
                 for i in reversed(range(size))]
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


# ---- stored, drawn and shown ----

@pytest.fixture
def quiz_content(quiz_content):
    """The mini bank plus a bank with one scenario set of three alpha questions (this module only)."""
    (quiz_content / "media/cases").mkdir(parents=True)
    (quiz_content / "media/cases/warehouse.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
        '<rect width="5" height="5"/></svg>')
    (quiz_content / "questions/sets.md").write_text(FRONT + CASE + item("s-1") + item("s-2") + item("s-3"))
    return quiz_content


def test_each_question_of_a_set_stores_the_case_and_its_place(quiz_imported):
    from sqlalchemy import select

    from learnpm.extensions import db
    from learnpm.quizzes.models import Question, QuestionVersion

    rows = db.session.execute(select(Question.key, QuestionVersion.content).join(
        QuestionVersion, QuestionVersion.question_id == Question.id).where(Question.key.like("s-%"))).all()
    cases = {key: content["case"] for key, content in rows}
    assert {k: (c["index"], c["size"]) for k, c in cases.items()} == {"s-1": (1, 3), "s-2": (2, 3), "s-3": (3, 3)}
    assert all(c["title"] == "The warehouse move" and "<table>" in c["html"] for c in cases.values())


def test_an_attempt_keeps_the_set_together_in_order_and_shows_the_case_beside_each(api, client):
    for _ in range(5):
        attempt = api.start(mode="practice", domain="alpha", count=11)  # the whole alpha pool, set included
        keys = [q["id"] for q in attempt["questions"]]
        start = keys.index("s-1")
        assert keys[start:start + 3] == ["s-1", "s-2", "s-3"]
        shown = [q for q in attempt["questions"] if q["id"].startswith("s-")]
        assert [(q["case"]["index"], q["case"]["size"]) for q in shown] == [(1, 3), (2, 3), (3, 3)]
        assert "The warehouse move" in shown[0]["case"]["title"] and "text" not in shown[0]["case"]
    page = client.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert page.count('<aside class="case"') == 3 and "(question 2 of 3 on this case)" in page
    assert 'alt="A floor plan of the old and the new warehouse."' in page
    api.post(f"/attempts/{attempt['id']}/submit")
    results = client.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert results.count("The case: The warehouse move") == 3


def test_a_mock_draws_a_set_whole_inside_one_section(api):
    for _ in range(10):
        attempt = api.start(mode="mock")
        drawn = [q for q in attempt["questions"] if q["id"].startswith("s-")]
        if drawn:
            assert len({q["section"] for q in drawn}) == 1
            positions = [q["position"] for q in drawn]
            assert positions == list(range(positions[0], positions[0] + len(drawn)))
            assert [q["id"] for q in drawn] == [f"s-{i}" for i in range(1, len(drawn) + 1)]
        api.post(f"/attempts/{attempt['id']}/submit")
