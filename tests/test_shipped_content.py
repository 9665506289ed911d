"""The shipped curriculum: it checks clean, meets the issue's figures, and supports a full mock exam."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons.models import Lesson
from learnpm.quizzes.models import Question
from learnpm.quizzes.services import StartRequest, start_attempt
from learnpm.timeutil import utcnow
from tests.conftest import csrf_from

CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.fixture
def app_config():
    return {"LEARNPM_ANSWER_LIMIT": "100000 per second"}  # five mocks answered as fast as a test can


def test_stats_meet_the_curriculum_targets(runner):
    stats = json.loads(runner.invoke(args=["content", "stats", str(CONTENT), "--json"]).output)
    assert stats["lessons"] >= 30 and stats["rated_minutes"] >= 1560 and stats["questions"] >= 400
    # Enough for five mock exams without a repeat, by the exam's domain weights (issue 14).
    mock = stats["mock_items_by_domain"]
    assert mock["fundamentals"] >= 270 and mock["predictive"] >= 128 and mock["agile"] >= 150, mock
    assert mock["business-analysis"] >= 203 and sum(mock.values()) >= 750, mock
    assert stats["questions_by_pool"]["final"] >= 100 and stats["questions_by_type"]["hotspot"] >= 30, stats
    assert stats["key_longest_share"] <= 0.35, stats


def test_a_full_mock_exam_and_the_final_assessment_draw_without_repeats(runner, learner):
    result = runner.invoke(args=["content", "import", str(CONTENT)])
    assert result.exit_code == 0, result.output
    mock = start_attempt(learner, StartRequest(mode="mock"), utcnow())
    keys = [item.question_key for item in mock.items]
    assert len(keys) == 150 and len(set(keys)) == 150
    assert sum(not item.scored for item in mock.items) == 15
    final = start_attempt(learner, StartRequest(mode="final"), utcnow())
    assert len({item.question_key for item in final.items}) == 50


BRITISH = re.compile(  # the commonest British forms; American English is the exam's (and PMI's) spelling
    r"\b(\w*(organis|prioritis|recognis|visualis|utilis|optimis|minimis|maximis|summaris|categoris|standardis|"
    r"authoris|finalis|formalis|stabilis|projectis)(e|ed|es|ing|ation|ations|ational)|emphasis(e|ed|ing)|"
    r"analys(e|ed|ing)|realis(e|ed|es|ing|ation)|(un)?practis(e|ed|es|ing)|behaviour\w*|colour\w*|centre[sd]?|"
    r"favour\w*|labour|licences?|judgements?|programmes?|catalogue|artefacts?|cancelled|modelling|labelled|"
    r"travelling|fulfil|fulfilment|enrol|enrolment|neighbour\w*|endeavour)\b", re.IGNORECASE)


def test_the_course_is_written_in_american_english_as_the_exam_is():
    """Accepted fill-in answers may list both spellings: they are what a learner may type, not prose."""
    found = [f"{path.relative_to(CONTENT)}:{number}: {match.group(0)}"
             for path in sorted(CONTENT.rglob("*.md"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if not line.startswith("answer:")
             for match in BRITISH.finditer(line)]
    assert not found, found


def test_five_mocks_repeat_nothing_and_the_longest_option_does_not_pass(client, runner, learner, login):
    """A test-wise learner who always picks the longest option (the k longest when choosing k) scores near chance."""
    assert runner.invoke(args=["content", "import", str(CONTENT)]).exit_code == 0
    login(learner)
    token = csrf_from(client)
    seen: set[str] = set()
    scores = []
    for _ in range(5):
        mock = client.post("/api/v1/attempts", json={"mode": "mock"}, headers={"X-CSRFToken": token}).get_json()
        keys = {q["id"] for q in mock["questions"]}
        assert len(keys) == 150 and not keys & seen, "a mock repeated a question of an earlier one"
        seen |= keys
        for question in mock["questions"]:
            by_length = sorted(question["options"], key=lambda o: len(o["text"]), reverse=True)
            if question["type"] == "single":
                answer = by_length[0]["id"]
            elif question["type"] == "multiple":
                answer = [o["id"] for o in by_length[:question["choose"]]]
            else:
                continue  # matching, hotspot and fill-in left blank
            saved = client.put(f"/api/v1/attempts/{mock['id']}/answers/{question['id']}", json={"answer": answer},
                               headers={"X-CSRFToken": token})
            assert saved.status_code == 200, saved.get_json()
        result = client.post(f"/api/v1/attempts/{mock['id']}/submit", headers={"X-CSRFToken": token}).get_json()
        scores.append(result["score_percent"])
    assert max(scores) <= 40, scores


def test_final_items_appear_only_in_the_final_on_the_shipped_bank(runner, learner):
    assert runner.invoke(args=["content", "import", str(CONTENT)]).exit_code == 0
    finals = set(db.session.scalars(select(Question.key).where(Question.pool == "final")))
    drawn: set[str] = set()
    for request in (StartRequest(mode="mock"), StartRequest(mode="custom", count=200),
                    StartRequest(mode="custom", count=200, include_extra=True),
                    *(StartRequest(mode="practice", domain=d, count=100)
                      for d in ("fundamentals", "predictive", "agile", "business-analysis"))):
        drawn |= {item.question_key for item in start_attempt(learner, request, utcnow()).items}
    for lesson in db.session.scalars(select(Lesson)):
        try:
            check = start_attempt(learner, StartRequest(mode="check", lesson=f"{lesson.course.slug}/{lesson.slug}"),
                                  utcnow())
        except DomainError:
            continue  # a lesson without a knowledge check
        drawn |= {item.question_key for item in check.items}
    assert len(drawn) > 500 and not drawn & finals
    final = start_attempt(learner, StartRequest(mode="final"), utcnow())
    assert {item.question_key for item in final.items} <= finals


def test_the_shipped_bank_has_at_least_ten_scenario_sets_of_two_to_four_questions():
    from learnpm.quizzes.bankfile import parse_bank

    sets: dict[str, list[str]] = {}
    for path in sorted((CONTENT / "questions").glob("*.md")):
        bank = parse_bank(path.read_text(encoding="utf-8"), str(path))
        assert not [p for p in bank.problems if p.severity == "error"], bank.problems
        for question in bank.questions:
            if question.case is not None:
                sets.setdefault(f"{path.name}:{question.case.id}", []).append(question.id)
    assert len(sets) >= 10, sets
    assert all(2 <= len(keys) <= 4 for keys in sets.values()), sets
