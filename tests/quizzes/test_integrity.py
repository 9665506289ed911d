"""Exam integrity: ids that carry no key, reserved final items, a sealed break, no contact time in exams."""

import random
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes import presenters, services
from learnpm.quizzes.models import Attempt, AttemptAnswer, AttemptItem
from learnpm.quizzes.review import ReviewCard
from learnpm.quizzes.types import question_type
from tests.conftest import FakeClock, csrf_from, log_in
from tests.content_fixtures import import_checked
from tests.quiz_fixtures import answer_key, single
from tests.quizzes.test_attempts_api import api as api  # noqa: F401  (a fixture)


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 25, 10, 0, 0))


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock, "LEARNPM_ANSWER_LIMIT": "1000 per second",
            "LEARNPM_HEARTBEAT_LIMIT": "1000 per second"}


def _start(learner, **fields):
    return services.start_attempt(learner, services.StartRequest(**fields), services_now())


def services_now():
    return datetime(2026, 11, 25, 10, 0, 0)


def _graded(payload_question: dict, answer, attempt: Attempt) -> bool:
    """Grade an answer given in the attempt's ids, as the server does when it is saved and submitted."""
    item = next(i for i in attempt.items if i.question_key == payload_question["id"])
    content = item.version.content
    stored = presenters.to_stored(answer, content, presenters.opaque_ids(attempt.salt, item.question_key, content))
    kind = question_type(content["type"])
    try:
        return kind.grade(kind.validate(stored, content), content)
    except Exception:  # noqa: BLE001 - an answer the server would refuse is no score
        return False


def test_ids_alone_score_at_chance_over_two_hundred_draws(quiz_imported, learner):
    """Matching once paired left k with choice r{k}; option ids followed the bank's order. Now ids are opaque."""
    by_order = by_sorted_ids = single_first_sorted = singles = 0
    seen_ids = set()
    for _ in range(200):
        attempt = _start(learner, mode="practice", domain="beta", count=9)
        payload = presenters.attempt_payload(attempt, attempt.items, {}, services_now())
        match = next(q for q in payload["questions"] if q["type"] == "matching")
        lefts, rights = [o["id"] for o in match["options"]], [c["id"] for c in match["choices"]]
        seen_ids.update(lefts + rights)
        by_order += _graded(match, dict(zip(lefts, rights, strict=False)), attempt)
        by_sorted_ids += _graded(match, dict(zip(sorted(lefts), sorted(rights), strict=False)), attempt)
        for question in (q for q in payload["questions"] if q["type"] == "single"):
            singles += 1
            single_first_sorted += _graded(question, min(o["id"] for o in question["options"]), attempt)
        db.session.commit()
    # Two pairs and three choices: a blind assignment of distinct choices is right 1 time in 6 (about 33 of 200).
    assert by_order < 60 and by_sorted_ids < 60, (by_order, by_sorted_ids)
    assert abs(single_first_sorted / singles - 1 / 3) < 0.06  # three options: chance is a third
    assert len(seen_ids) > 990  # ids differ from attempt to attempt (5 per draw, 200 draws)
    assert not seen_ids & {"a", "b", "c", "r1", "r2", "r3"}


def test_ids_of_another_question_or_attempt_are_refused(api):
    first = api.start(mode="practice", domain="beta", count=9)
    second = api.start(mode="practice", domain="beta", count=9)
    question = next(q for q in first["questions"] if q["id"] == "b-1")
    other = next(q for q in first["questions"] if q["id"] == "b-2")
    replay = api.put(f"/attempts/{second['id']}/answers/b-1", {"answer": question["options"][0]["id"]})
    assert replay.status_code == 422  # ids from an old attempt
    foreign = api.put(f"/attempts/{first['id']}/answers/b-1", {"answer": other["options"][0]["id"]})
    assert foreign.status_code == 422  # ids of another question
    assert not db.session.scalars(select(AttemptAnswer)).all()  # nothing saved


def test_final_items_are_drawn_only_by_the_final(api, learner):
    finals = {f"fin-{d}{i}" for d in "ab" for i in range(1, 5)}
    drawn: set[str] = set()
    for body in ({"mode": "practice", "domain": "alpha", "count": 5}, {"mode": "practice", "domain": "beta",
                                                                      "count": 9},
                 {"mode": "custom", "count": 14}, {"mode": "check", "lesson": "mini-course/intro"},
                 {"mode": "mock"}, {"mode": "custom", "count": 16, "include_extra": True}):
        for _ in range(5):
            attempt = api.start(**body)
            drawn |= {q["id"] for q in attempt["questions"]}
            flag_all_and_submit(api, attempt)  # everything missed: spaced review gets it all
    assert drawn and not drawn & finals
    final = api.start(mode="final")
    assert {q["id"] for q in final["questions"]} <= finals
    flag_all_and_submit(api, final)
    cards = set(db.session.scalars(select(AttemptItem.question_key).join(
        ReviewCard, ReviewCard.question_id == AttemptItem.question_id)))
    assert cards and not cards & finals  # a missed final question never comes back in review


def flag_all_and_submit(api, attempt):
    for q in attempt["questions"]:
        api.put(f"/attempts/{attempt['id']}/answers/{q['id']}", {"answer": None, "flagged": True})
    api.post(f"/attempts/{attempt['id']}/submit")


def test_a_knowledge_check_item_never_appears_in_a_mock(api):
    checks = {"a-1", "a-2", "a-3"}
    for _ in range(10):
        attempt = api.start(mode="mock")
        assert not {q["id"] for q in attempt["questions"]} & checks
        api.post(f"/attempts/{attempt['id']}/submit")


def test_a_final_shows_score_and_ratings_never_the_key(api, client):
    final = api.start(mode="final")
    for q in final["questions"]:
        api.put(f"/attempts/{final['id']}/answers/{q['id']}", {"answer": right_answer_of(q, final)})
    result = api.post(f"/attempts/{final['id']}/submit").get_json()
    assert result["score_percent"] == 100.0 and set(result["domains"]) == {"alpha", "beta"}
    review = api.get(f"/attempts/{final['id']}/review")
    assert review.status_code == 403 and review.get_json()["error"] == "forbidden"
    closed = api.get(f"/attempts/{final['id']}").get_json()
    assert closed["questions"] == [] and closed["answers"] == {} and closed["result"]["score_percent"] == 100.0
    page = client.get(f"/attempts/{final['id']}").get_data(as_text=True)
    assert "100.0 %" in page and "Alpha domain" in page
    for secret in ("Question fin-", "Right answer", "The right one is right", "Because it is right"):
        assert secret not in page


def right_answer_of(question: dict, attempt: dict):
    return answer_key(question["id"], attempt["id"])


def test_the_review_of_a_closed_attempt_gives_keys_times_and_lessons(api, clock):
    attempt = api.start(mode="practice", domain="beta", count=9)
    aid = attempt["id"]
    assert api.get(f"/attempts/{aid}/review").status_code == 409  # still open
    singles = [q for q in attempt["questions"] if q["type"] == "single"]
    clock.advance(40)
    api.put(f"/attempts/{aid}/answers/{singles[0]['id']}", {"answer": right_answer_of(singles[0], attempt)})
    clock.advance(25)
    wrong = next(o["id"] for o in singles[1]["options"] if o["id"] != right_answer_of(singles[1], attempt))
    api.put(f"/attempts/{aid}/answers/{singles[1]['id']}", {"answer": wrong, "flagged": True})
    api.post(f"/attempts/{aid}/submit")
    review = api.get(f"/attempts/{aid}/review").get_json()
    assert review["seconds"] == 65 and review["mode"] == "practice"
    by_id = {q["id"]: q for q in review["questions"]}
    right, missed = by_id[singles[0]["id"]], by_id[singles[1]["id"]]
    assert (right["correct"], right["seconds"], right["key"], right["answer"]) == (
        True, 40, right_answer_of(singles[0], attempt), right_answer_of(singles[0], attempt))
    assert (missed["correct"], missed["seconds"], missed["answer"], missed["flagged"]) == (False, 25, wrong, True)
    assert missed["key"] in {o["id"] for o in singles[1]["options"]}  # the attempt's own ids
    assert right["lesson"] == "/courses/mini-course/intro" and right["explanation"].startswith("The right one")
    unanswered = [q for q in review["questions"] if q["answer"] is None]
    assert unanswered and all(q["seconds"] == 0 and q["correct"] is False for q in unanswered)


def test_the_break_is_sealed_and_can_end_early(api, client, clock):
    attempt = api.start(mode="mock")
    aid = attempt["id"]
    first = [q for q in attempt["questions"] if q["section"] == 1]
    second = [q for q in attempt["questions"] if q["section"] == 2]
    assert api.post(f"/attempts/{aid}/break/end").status_code == 409  # no break on
    for q in first:
        api.put(f"/attempts/{aid}/answers/{q['id']}", {"answer": right_answer_of(q, attempt)})
    assert api.post(f"/attempts/{aid}/break").status_code == 200
    during = api.get(f"/attempts/{aid}").get_json()
    assert during["on_break"] is True and during["questions_total"] == 8
    assert {q["id"] for q in during["questions"]} == {q["id"] for q in first}
    text = str(during)
    for later in second:
        assert later["id"] not in text and later["stem"] not in text
        assert not any(o["id"] in text for o in later["options"])
    page = client.get(f"/attempts/{aid}").get_data(as_text=True)
    assert "End break and continue" in page and "stopped for the break" in page
    assert not any(later["stem"] in page or f'q-{later["id"]}' in page for later in second)
    deadline = datetime.fromisoformat(during["deadline"].rstrip("Z"))
    clock.advance(60)
    ended = api.post(f"/attempts/{aid}/break/end")
    assert ended.status_code == 200
    after = ended.get_json()
    assert after["on_break"] is False and len(after["questions"]) == 8
    # four of the five break minutes were not used: they leave the deadline
    assert datetime.fromisoformat(after["deadline"].rstrip("Z")) == deadline - timedelta(minutes=4)
    assert api.put(f"/attempts/{aid}/answers/{second[0]['id']}",
                   {"answer": right_answer_of(second[0], attempt)}).status_code == 200
    assert api.post(f"/attempts/{aid}/break/end").status_code == 409  # over already
    assert api.put(f"/attempts/{aid}/answers/{first[0]['id']}", {"answer": None}).status_code == 409  # locked


THREE_SECTIONS = """key: pmplike
title: A PMP-like exam
version: "2026-07"
target_hours: 35
exam:
  questions: 9
  minutes: 30
  sections:
    - questions: 3
      break_minutes: 10
    - questions: 3
      break_minutes: 10
    - questions: 3
  pass_percent: 60
domains:
  - {key: people, title: People, weight: 33, tasks: [{key: "1", title: Lead}]}
  - {key: process, title: Process, weight: 41, tasks: [{key: "2", title: Run}]}
  - {key: business, title: Business Environment, weight: 26, tasks: [{key: "3", title: Align}]}
ratings:
  - {label: Above Target, min_percent: 80}
  - {label: Target, min_percent: 65}
  - {label: Below Target, min_percent: 50}
  - {label: Needs Improvement, min_percent: 0}
"""


@pytest.fixture
def pmp_like(app, tmp_path):
    root = tmp_path / "pmp"
    (root / "programs").mkdir(parents=True)
    (root / "programs/pmplike.yml").write_text(THREE_SECTIONS)
    course = root / "courses/pmp-course"
    (course / "01-m").mkdir(parents=True)
    (course / "course.md").write_text("---\ntitle: PMP-like\nprogram: pmplike\n---\nA course.\n")
    (course / "01-m/module.md").write_text("---\ntitle: M\n---\n")
    (course / "01-m/01-intro.md").write_text("---\ntitle: Intro\nduration: 3\ndomain: people\n---\n\n"
                                              + "Words to read. " * 40 + "\n")
    (root / "questions").mkdir()
    bank = "---\ntitle: PMP-like bank\nprogram: pmplike\ncourse: pmp-course\n---\n\n"
    bank += "".join(single(f"{d}-{i}", d, t) for d, t in (("people", "1"), ("process", "2"), ("business", "3"))
                    for i in range(1, 6))
    (root / "questions/bank.md").write_text(bank)
    return import_checked(root)


def test_a_program_with_three_sections_and_two_breaks_runs_end_to_end(api, pmp_like, clock):
    attempt = api.start(mode="mock", program="pmplike", course="pmp-course")
    aid = attempt["id"]
    assert attempt["breaks"] == [10, 10, None] and attempt["sections"] == 3
    sections = {s: [q for q in attempt["questions"] if q["section"] == s] for s in (1, 2, 3)}
    assert [len(v) for v in sections.values()] == [3, 3, 3]

    def answer(section):
        for q in sections[section]:
            assert api.put(f"/attempts/{aid}/answers/{q['id']}",
                           {"answer": right_answer_of(q, attempt)}).status_code == 200

    answer(1)
    assert api.post(f"/attempts/{aid}/break").status_code == 200
    shown = {q["id"] for q in api.get(f"/attempts/{aid}").get_json()["questions"]}
    assert shown == {q["id"] for q in sections[1]}
    clock.advance(120)
    assert api.post(f"/attempts/{aid}/break/end").status_code == 200
    answer(2)
    second_break = api.post(f"/attempts/{aid}/break")
    assert second_break.status_code == 200 and second_break.get_json()["locked_section"] == 2
    shown = {q["id"] for q in api.get(f"/attempts/{aid}").get_json()["questions"]}
    assert shown == {q["id"] for q in sections[1] + sections[2]}
    clock.advance(10 * 60)  # this break is waited out
    assert api.get(f"/attempts/{aid}").get_json()["on_break"] is False
    assert api.post(f"/attempts/{aid}/break").status_code == 409  # no third break
    answer(3)
    result = api.post(f"/attempts/{aid}/submit").get_json()
    assert result["score_percent"] == 100.0 and set(result["domains"]) == {"people", "process", "business"}


def test_heartbeats_during_a_timed_attempt_credit_nothing(api, clock):
    def beat():
        return api.post("/heartbeat", {"lesson": "mini-course/intro", "tab": "t", "visible": True, "active": True})

    assert beat().status_code == 200
    clock.advance(30)
    assert beat().get_json()["credited_seconds"] == 30  # reading a lesson counts
    mock = api.start(mode="mock")
    for _ in range(4):
        clock.advance(30)
        assert beat().get_json()["credited_seconds"] == 0  # a timed attempt is open: quiz time is not contact time
    api.post(f"/attempts/{mock['id']}/submit")
    clock.advance(30)
    beat()  # the first beat after the exam (what it earns is the crediting rule's to say)
    clock.advance(30)
    assert beat().get_json()["credited_seconds"] == 30
    untimed = api.start(mode="practice", domain="alpha", count=2)  # untimed practice does not stop the clock
    clock.advance(30)
    assert beat().get_json()["credited_seconds"] == 30
    timed = api.start(mode="practice", domain="alpha", count=2, time_limit_seconds=60)
    clock.advance(30)
    assert beat().get_json()["credited_seconds"] == 0
    clock.advance(61)  # the timed practice's deadline passed: nobody closed it, but its time is over
    beat()
    clock.advance(30)
    assert beat().get_json()["credited_seconds"] == 30
    assert untimed and timed


def test_finals_are_limited_per_day_with_the_time_the_next_one_opens(api, clock):
    for _ in range(2):
        final = api.start(mode="final")
        api.post(f"/attempts/{final['id']}/submit")
        clock.advance(3600)
    refused = api.post("/attempts", {"mode": "final"})
    assert refused.status_code == 409
    assert refused.get_json()["detail"]["next_attempt_at"] == "2026-11-26T10:00:00Z"
    assert db.session.query(Attempt).filter_by(mode="final").count() == 2  # nothing started
    clock.advance(22 * 3600)
    assert api.post("/attempts", {"mode": "final"}).status_code == 201


def test_each_final_is_a_new_form_while_the_pool_allows(api):
    first = api.start(mode="final")
    api.post(f"/attempts/{first['id']}/submit")
    second = api.start(mode="final")
    assert not {q["id"] for q in first["questions"]} & {q["id"] for q in second["questions"]}


def test_mocks_draw_unseen_questions_first(api):
    """Alpha has 5 mock items and beta 9; a mock takes 4 of each: the second mock takes beta's 5 unseen first."""
    first = api.start(mode="mock")
    api.post(f"/attempts/{first['id']}/submit")
    second = api.start(mode="mock")
    beta_first = {q["id"] for q in first["questions"] if q["id"].startswith(("b-", "x-", "f-"))}
    beta_second = {q["id"] for q in second["questions"] if q["id"].startswith(("b-", "x-", "f-"))}
    assert len(beta_first) == len(beta_second) == 4 and not beta_first & beta_second


def test_readiness_counts_first_exposures_only(api, learner):
    from learnpm.reports import dashboard

    def estimate():
        return dashboard.build(learner, datetime(2026, 11, 26), 0.8).readiness.questions

    first = api.start(mode="practice", domain="beta", count=9)
    api.post(f"/attempts/{first['id']}/submit")
    assert estimate() == 9
    again = api.start(mode="practice", domain="beta", count=9)  # the same nine, their feedback seen
    for q in again["questions"]:
        api.put(f"/attempts/{again['id']}/answers/{q['id']}", {"answer": right_answer_of(q, again)})
    api.post(f"/attempts/{again['id']}/submit")
    assert estimate() == 9  # the retake's perfect score does not count


def test_a_save_acknowledged_during_a_racing_submit_is_always_graded(app, quiz_imported, learner):
    """SQLite takes no row lock: the save writes only while the attempt is open, judged when it writes."""
    saver, submitter = app.test_client(), app.test_client()
    for client_ in (saver, submitter):
        assert log_in(client_, learner.email).status_code == 302
    tokens = {id(c): csrf_from(c) for c in (saver, submitter)}
    rng = random.Random(7)
    for _ in range(50):
        attempt = saver.post("/api/v1/attempts", json={"mode": "custom", "count": 8},
                             headers={"X-CSRFToken": tokens[id(saver)]}).get_json()
        keys = {q["id"]: answer_key(q["id"], attempt["id"]) for q in attempt["questions"]}
        acknowledged: list[str] = []
        delay = rng.uniform(0, 0.02)
        threads = [threading.Thread(target=_save_all, args=(saver, tokens[id(saver)], attempt["id"], keys,
                                                            acknowledged)),
                   threading.Thread(target=_submit_after, args=(submitter, tokens[id(submitter)], attempt["id"],
                                                                delay))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        db.session.expire_all()
        row = db.session.get(Attempt, attempt["id"])
        graded_right = set(db.session.scalars(select(AttemptItem.question_key).where(
            AttemptItem.attempt_id == row.id, AttemptItem.correct.is_(True))))
        assert row.status == "closed" and graded_right == set(acknowledged), (acknowledged, graded_right)


def _save_all(client, token, attempt_id, keys, acknowledged):
    for qid, key in keys.items():
        response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"answer": key},
                              headers={"X-CSRFToken": token})
        if response.status_code == 200:
            acknowledged.append(qid)


def _submit_after(client, token, attempt_id, delay):
    threading.Event().wait(delay)
    client.post(f"/api/v1/attempts/{attempt_id}/submit", headers={"X-CSRFToken": token})


def test_tutor_mode_grades_each_answer_as_given_and_keeps_it_final(api):
    attempt = api.start(mode="practice", domain="beta", count=9, feedback="immediate")
    question = next(q for q in attempt["questions"] if q["type"] == "single")
    key = right_answer_of(question, attempt)
    wrong = next(o["id"] for o in question["options"] if o["id"] != key)
    saved = api.put(f"/attempts/{attempt['id']}/answers/{question['id']}", {"answer": wrong})
    body = saved.get_json()
    assert saved.status_code == 200 and body["correct"] is False and body["key"] == key and body["answer"] == wrong
    assert body["explanation"].startswith("The right one") and body["lesson"]["slug"] == "intro"
    assert set(body["rationales"]) == {o["id"] for o in question["options"]}
    changed = api.put(f"/attempts/{attempt['id']}/answers/{question['id']}", {"answer": key})
    assert changed.status_code == 409 and changed.get_json()["detail"] == {"answer": "final"}
    assert api.put(f"/attempts/{attempt['id']}/answers/{question['id']}", {"answer": wrong}).status_code == 200
    assert api.put(f"/attempts/{attempt['id']}/answers/{question['id']}", {"flagged": True}).status_code == 200
    other = next(q for q in attempt["questions"] if q["type"] == "single" and q["id"] != question["id"])
    right = api.put(f"/attempts/{attempt['id']}/answers/{other['id']}", {"answer": right_answer_of(other, attempt)})
    assert right.get_json()["correct"] is True
    # the answer graded in tutor mode counts as missed before the attempt is even submitted
    missed = api.start(mode="custom", count=1, source="missed")
    assert [q["id"] for q in missed["questions"]] == [question["id"]]
    assert api.post("/attempts", {"mode": "mock", "feedback": "immediate"}).status_code == 422


def test_a_custom_quiz_from_missed_flagged_unseen_tasks_and_difficulty(api):
    first = api.start(mode="practice", domain="beta", count=9)
    singles = [q for q in first["questions"] if q["type"] == "single"]
    for q in singles[:3]:
        api.put(f"/attempts/{first['id']}/answers/{q['id']}", {"answer": right_answer_of(q, first)})
    api.put(f"/attempts/{first['id']}/answers/{singles[3]['id']}", {"flagged": True})
    api.post(f"/attempts/{first['id']}/submit")
    right = {q["id"] for q in singles[:3]}
    missed = api.start(mode="custom", count=6, source="missed")
    assert {q["id"] for q in missed["questions"]} == {q["id"] for q in first["questions"]} - right
    assert api.post("/attempts", {"mode": "custom", "count": 7, "source": "missed"}).get_json()["detail"] == {
        "available": 6}
    flagged = api.start(mode="custom", count=1, source="flagged")
    assert [q["id"] for q in flagged["questions"]] == [singles[3]["id"]]
    unseen = api.start(mode="custom", count=8, source="unseen")  # beta was all seen: alpha's 8 remain
    assert all(q["id"].startswith(("a-", "m-")) for q in unseen["questions"])
    by_task = api.start(mode="custom", count=1, tasks=["2.1"], difficulty=["hard"])
    assert [q["id"] for q in by_task["questions"]] == ["f-1"]  # the only hard 2.1 item
    too_many = api.post("/attempts", {"mode": "custom", "count": 2, "tasks": ["2.1"], "difficulty": ["hard"]})
    assert too_many.status_code == 409 and too_many.get_json()["detail"] == {"available": 1}
    for bad in ({"source": "everything"}, {"tasks": ["9.9"]}, {"difficulty": ["brutal"]}, {"domains": "alpha"},
                {"tasks": [1]}, {"domains": []}):
        assert api.post("/attempts", {"mode": "custom", "count": 2, **bad}).status_code == 422, bad
