"""The attempts API: modes, the server clock, saving answers, the break, submitting, bad input."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.models import Attempt, AttemptAnswer, Question
from tests.conftest import FakeClock, csrf_from
from tests.quiz_fixtures import answer_key


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 25, 10, 0, 0))


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock}


@pytest.fixture
def api(client, quiz_imported, learner, login):
    login(learner)
    token = csrf_from(client)

    class Api:
        def post(self, path, body=None):
            return client.post("/api/v1" + path, json=body, headers={"X-CSRFToken": token})

        def put(self, path, body):
            return client.put("/api/v1" + path, json=body, headers={"X-CSRFToken": token})

        def get(self, path):
            return client.get("/api/v1" + path)

        def start(self, **body):
            response = self.post("/attempts", body)
            assert response.status_code == 201, response.get_json()
            return response.get_json()

    return Api()


def right_answer(question_id: str):
    """The key, in the ids of the newest attempt holding the question (the API never sends it)."""
    return answer_key(question_id)


def test_practice_attempt_hides_the_key_and_saves_every_answer(api):
    attempt = api.start(mode="practice", domain="alpha", count=8, time_limit_seconds=600)
    assert attempt["status"] == "open" and attempt["deadline"] == "2026-11-25T10:10:00Z"
    assert len(attempt["questions"]) == 8 and all(q["id"].startswith(("a-", "m-")) for q in attempt["questions"])
    text = str(attempt)
    for secret in ("correct", "rationale", "explanation", "Because it is right", "The right one is right"):
        assert secret not in text
    first = next(q for q in attempt["questions"] if q["type"] == "single")
    saved = api.put(f"/attempts/{attempt['id']}/answers/{first['id']}",
                    {"answer": first["options"][0]["id"], "flagged": True})
    assert saved.status_code == 200
    again = api.get(f"/attempts/{attempt['id']}").get_json()
    assert again["answers"] == {first["id"]: {"answer": first["options"][0]["id"], "flagged": True, "struck": []}}
    # a flag sent alone keeps the answer; an answer sent alone keeps the flag
    api.put(f"/attempts/{attempt['id']}/answers/{first['id']}", {"flagged": False})
    api.put(f"/attempts/{attempt['id']}/answers/{first['id']}", {"answer": first["options"][1]["id"]})
    assert api.get(f"/attempts/{attempt['id']}").get_json()["answers"][first["id"]] == {
        "answer": first["options"][1]["id"], "flagged": False, "struck": []}
    assert [q["id"] for q in again["questions"]] == [q["id"] for q in attempt["questions"]]  # order kept


def test_submitting_grades_by_domain_with_rating_labels_and_is_idempotent(api):
    attempt = api.start(mode="custom", count=8)
    for q in attempt["questions"]:
        api.put(f"/attempts/{attempt['id']}/answers/{q['id']}", {"answer": right_answer(q["id"])})
    result = api.post(f"/attempts/{attempt['id']}/submit").get_json()
    assert result["score_percent"] == 100.0
    assert set(result["domains"]) == {"alpha", "beta"}
    assert all(d["rating"] == "Above Target" for d in result["domains"].values())
    assert api.post(f"/attempts/{attempt['id']}/submit").get_json() == result
    assert api.put(f"/attempts/{attempt['id']}/answers/{attempt['questions'][0]['id']}",
                   {"answer": None}).status_code == 409


def test_partial_multiple_answer_is_saved_and_graded_wrong(api):
    attempt = api.start(mode="practice", domain="alpha", count=8)
    multi = next(q for q in attempt["questions"] if q["type"] == "multiple")
    assert multi["choose"] == 2
    one = [next(iter(right_answer("m-1")))]
    assert api.put(f"/attempts/{attempt['id']}/answers/m-1", {"answer": one}).status_code == 200
    api.post(f"/attempts/{attempt['id']}/submit")
    item = db.session.scalar(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt["id"]))
    assert len(item.answer) == 1  # stored in the bank's ids, shown in the attempt's
    closed = api.get(f"/attempts/{attempt['id']}").get_json()
    assert closed["answers"]["m-1"]["answer"] == one
    assert closed["result"]["score_percent"] < 100


def test_every_type_takes_its_own_answer_shape(api):
    attempt = api.start(mode="practice", domain="beta", count=9)
    aid = attempt["id"]
    assert api.put(f"/attempts/{aid}/answers/x-1", {"answer": right_answer("x-1")}).status_code == 200
    assert api.put(f"/attempts/{aid}/answers/f-1", {"answer": "  Project CHARTER "}).status_code == 200
    for qid, bad in (("x-1", ["a"]), ("x-1", {"a": "r99"}), ("x-1", {"a": "r1", "b": "r2"}), ("f-1", ["charter"]),
                     ("f-1", "x" * 501), ("b-1", ["b"]), ("b-1", "zz"), ("b-1", 5), ("b-1", "b"), ("b-1", "a")):
        response = api.put(f"/attempts/{aid}/answers/{qid}", {"answer": bad})
        assert response.status_code == 422, (qid, bad)
        assert response.get_json()["error"] == "invalid"
    result = api.post(f"/attempts/{aid}/submit").get_json()
    assert result["correct"] == 2


def test_bad_requests_get_clear_errors(api, make_user, client):
    attempt = api.start(mode="practice", domain="alpha", count=3)
    aid = attempt["id"]
    assert api.put(f"/attempts/{aid}/answers/not-here", {"answer": "a"}).status_code == 404
    assert api.put(f"/attempts/{aid}/answers/a-1", {"answer": "a", "flagged": "yes"}).status_code in (404, 422)
    assert api.put(f"/attempts/{aid}/answers/{attempt['questions'][0]['id']}", {}).status_code == 422
    assert api.post("/attempts", {"mode": "lottery"}).status_code == 422
    assert api.post("/attempts", {"mode": "practice"}).status_code == 422
    assert api.post("/attempts", {"mode": "practice", "domain": "gamma"}).status_code == 422
    assert api.post("/attempts", {"mode": "practice", "domain": "alpha", "count": 0}).status_code == 422
    assert api.post("/attempts", {"mode": "practice", "domain": "alpha", "count": "5"}).status_code == 422
    assert api.post("/attempts", {"mode": "practice", "domain": "alpha", "time_limit_seconds": 5}).status_code == 422
    for beyond_a_year in (366 * 24 * 3600 + 1, 10**30):  # hostile: no date arithmetic overflows
        assert api.post("/attempts", {"mode": "practice", "domain": "alpha",
                                      "time_limit_seconds": beyond_a_year}).status_code == 422
    assert api.post("/attempts", {"mode": "practice", "domain": "alpha", "count": 50}).status_code == 409
    assert api.post("/attempts", {"mode": "check", "lesson": "mini-course/nope"}).status_code == 404
    assert api.post("/attempts", ["mode"]).status_code == 400
    assert api.get("/attempts/99999").status_code == 404


def test_another_learners_attempt_is_invisible(api, app, make_user):
    attempt = api.start(mode="practice", domain="alpha", count=3)
    other = make_user(email="other@example.com")
    from tests.conftest import log_in

    intruder = app.test_client()
    log_in(intruder, other.email)
    token = csrf_from(intruder)
    assert intruder.get(f"/api/v1/attempts/{attempt['id']}").status_code == 404
    qid = attempt["questions"][0]["id"]  # a question the attempt holds, so only ownership can refuse it
    assert intruder.put(f"/api/v1/attempts/{attempt['id']}/answers/{qid}", json={"answer": right_answer(qid)},
                        headers={"X-CSRFToken": token}).status_code == 404
    assert qid not in api.get(f"/attempts/{attempt['id']}").get_json()["answers"]
    assert intruder.post(f"/api/v1/attempts/{attempt['id']}/submit", headers={"X-CSRFToken": token}
                         ).status_code == 404
    assert intruder.get(f"/attempts/{attempt['id']}").status_code == 404


def test_tampered_deadline_or_order_in_the_request_is_ignored(api):
    attempt = api.start(mode="practice", domain="alpha", count=3, time_limit_seconds=60,
                        deadline="2099-01-01T00:00:00Z", questions=["b-1"])
    assert attempt["deadline"] == "2026-11-25T10:01:00Z"
    assert "b-1" not in [q["id"] for q in attempt["questions"]]


def test_the_deadline_is_the_servers_with_one_second_of_grace(api, clock):
    attempt = api.start(mode="practice", domain="alpha", count=3, time_limit_seconds=60)
    qid, aid = attempt["questions"][0]["id"], attempt["id"]
    clock.advance(60.5)
    assert api.put(f"/attempts/{aid}/answers/{qid}", {"answer": right_answer(qid)}).status_code == 200
    clock.advance(1)
    late = api.put(f"/attempts/{aid}/answers/{qid}", {"answer": None})
    assert late.status_code == 409
    state = api.get(f"/attempts/{aid}").get_json()
    assert state["status"] == "closed" and state["result"]["close_reason"] == "expired"
    assert state["answers"][qid]["answer"] == right_answer(qid)  # what was saved stays saved
    assert api.post(f"/attempts/{aid}/submit").get_json()["close_reason"] == "expired"


def test_close_expired_command(api, clock, runner, app):
    attempt = api.start(mode="practice", domain="alpha", count=3, time_limit_seconds=10)
    app.config["LEARNPM_CLOCK"] = lambda: clock.now + timedelta(seconds=30)
    result = runner.invoke(args=["attempts", "close-expired"])
    assert "Closed 1" in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, attempt["id"]).status == "closed"


def test_mock_exam_follows_the_program(api):
    attempt = api.start(mode="mock")
    questions = attempt["questions"]
    assert len(questions) == 8 and len({q["id"] for q in questions}) == 8
    assert attempt["deadline"] == "2026-11-25T10:10:00Z" and attempt["break_minutes"] == 5
    assert [q["section"] for q in questions] == [1] * 4 + [2] * 4
    items = db.session.scalars(select(Attempt).where(Attempt.id == attempt["id"])).one().items
    assert sum(not i.scored for i in items) == 2  # pretest items, not marked in the API
    assert "scored" not in str(questions)


def test_the_break_locks_the_first_section_and_extends_the_deadline(api):
    attempt = api.start(mode="mock")
    aid = attempt["id"]
    first = [q for q in attempt["questions"] if q["section"] == 1]
    for question in first:
        api.put(f"/attempts/{aid}/answers/{question['id']}", {"answer": right_answer(question["id"])})
    taken = api.post(f"/attempts/{aid}/break")
    assert taken.status_code == 200
    assert taken.get_json()["deadline"] == "2026-11-25T10:15:00Z" and taken.get_json()["locked_section"] == 1
    assert api.put(f"/attempts/{aid}/answers/{first[0]['id']}", {"answer": None}).status_code == 409
    assert api.post(f"/attempts/{aid}/break").status_code == 409  # only once


def test_the_break_comes_only_when_the_first_section_is_answered(api):
    attempt = api.start(mode="mock")
    aid = attempt["id"]
    first = [q for q in attempt["questions"] if q["section"] == 1]
    for question in first[:-1]:
        api.put(f"/attempts/{aid}/answers/{question['id']}", {"answer": right_answer(question["id"])})
    api.put(f"/attempts/{aid}/answers/{first[-1]['id']}", {"answer": None, "flagged": True})  # flagged, no answer
    early = api.post(f"/attempts/{aid}/break")
    assert early.status_code == 409
    assert early.get_json()["detail"] == {"break": "not at a break point", "unanswered": 5}  # 1 here, 4 after
    api.put(f"/attempts/{aid}/answers/{first[-1]['id']}", {"answer": right_answer(first[-1]["id"])})
    assert api.post(f"/attempts/{aid}/break").status_code == 200


def test_during_the_break_the_clock_stops_so_no_answer_is_taken(api, clock):
    """The break's minutes go on the deadline: answering through them would be exam time for free."""
    attempt = api.start(mode="mock")
    aid = attempt["id"]
    first = [q for q in attempt["questions"] if q["section"] == 1]
    second = next(q for q in attempt["questions"] if q["section"] == 2)
    for question in first:
        api.put(f"/attempts/{aid}/answers/{question['id']}", {"answer": right_answer(question["id"])})
    assert api.post(f"/attempts/{aid}/break").status_code == 200
    clock.advance(4 * 60 + 59)
    during = api.put(f"/attempts/{aid}/answers/{second['id']}", {"answer": right_answer(second["id"])})
    assert during.status_code == 409
    assert during.get_json()["detail"] == {"break": "in progress", "until": "2026-11-25T10:05:00Z"}
    assert second["id"] not in api.get(f"/attempts/{aid}").get_json()["answers"]
    assert api.get(f"/attempts/{aid}").get_json()["status"] == "open"  # a refused save does not close it
    clock.advance(1)
    assert api.put(f"/attempts/{aid}/answers/{second['id']}", {"answer": right_answer(second["id"])}).status_code == 200


def test_no_break_once_the_second_section_is_answered_or_outside_a_mock(api):
    attempt = api.start(mode="mock")
    second = next(q for q in attempt["questions"] if q["section"] == 2)
    saved = api.put(f"/attempts/{attempt['id']}/answers/{second['id']}", {"answer": right_answer(second["id"])})
    assert saved.status_code == 200
    assert api.post(f"/attempts/{attempt['id']}/break").status_code == 409
    practice = api.start(mode="practice", domain="alpha", count=2)
    assert api.post(f"/attempts/{practice['id']}/break").status_code == 409


def test_knowledge_check_and_final_assessment(api):
    check = api.start(mode="check", lesson="mini-course/intro")
    assert sorted(q["id"] for q in check["questions"]) == ["a-1", "a-2", "a-3"]
    assert check["deadline"] is None
    final = api.start(mode="final")
    assert len(final["questions"]) == 4 and final["deadline"] == "2026-11-25T10:05:00Z"
    for q in final["questions"]:
        api.put(f"/attempts/{final['id']}/answers/{q['id']}", {"answer": right_answer(q["id"])})
    assert api.post(f"/attempts/{final['id']}/submit").get_json()["passed"] is True


def test_accommodation_multiplies_the_time(api, learner):
    from learnpm.quizzes.models import Accommodation

    db.session.add(Accommodation(user_id=learner.id, time_factor=1.5, set_by="t@example.com"))
    db.session.commit()
    attempt = api.start(mode="practice", domain="alpha", count=2, time_limit_seconds=600)
    assert attempt["deadline"] == "2026-11-25T10:15:00Z"


def test_hundreds_of_saves_in_a_second_are_throttled_and_what_was_saved_stays(api):
    attempt = api.start(mode="practice", domain="alpha", count=8)
    question = next(q for q in attempt["questions"] if q["type"] == "single")
    qid, option = question["id"], question["options"][0]["id"]
    statuses = [api.put(f"/attempts/{attempt['id']}/answers/{qid}", {"answer": option}).status_code
                for _ in range(40)]
    assert statuses[:15] == [200] * 15 and 429 in statuses
    assert api.get(f"/attempts/{attempt['id']}").get_json()["answers"][qid]["answer"] == option


def test_editing_a_question_keeps_old_attempts_grading(api, quiz_content, runner):
    attempt = api.start(mode="practice", domain="alpha", count=8)  # all eight: a-1 among them
    aid = attempt["id"]
    api.put(f"/attempts/{aid}/answers/a-1", {"answer": right_answer("a-1")})
    api.post(f"/attempts/{aid}/submit")
    before = api.get(f"/attempts/{aid}").get_json()["result"]
    bank = quiz_content / "questions/mini.md"
    text = bank.read_text()
    start = text.index("## a-1")
    section = text[start:text.index("## a-2")]
    bank.write_text(text.replace(section, section.replace("- [ ] Wrong one", "- [x] Wrong one", 1)
                                 .replace("- [x] Right one", "- [ ] Right one", 1)))
    result = runner.invoke(args=["content", "import", str(quiz_content)])
    assert "changed: question a-1" in result.output, result.output
    assert db.session.scalar(select(Question).where(Question.key == "a-1")).version == 2
    assert api.get(f"/attempts/{aid}").get_json()["result"] == before


def test_instructor_gives_extra_time_on_the_accommodations_page(client, quiz_imported, instructor, learner, login):
    from learnpm.quizzes.models import Accommodation

    login(instructor)
    token = csrf_from(client, "/instructor/accommodations")
    client.post("/instructor/accommodations", data={"email": learner.email, "factor": "1.25",
                                                     "reason": "Dyslexia", "csrf_token": token})
    assert db.session.get(Accommodation, learner.id).time_factor == 1.25
    for factor in ("0.5", "9", "lots"):
        page = client.post("/instructor/accommodations", data={"email": learner.email, "factor": factor,
                                                                "reason": "Typed reason", "csrf_token": token})
        assert page.status_code == 422
        assert "The time multiplier must be from 1.0 to 4.0." in page.get_data(as_text=True)
        assert 'value="Typed reason"' in page.get_data(as_text=True)
    page = client.post("/instructor/accommodations", data={"email": "ghost@example.com", "factor": "1.5",
                                                            "csrf_token": token})
    assert "No account with that email." in page.get_data(as_text=True)
    assert 'value="ghost@example.com"' in page.get_data(as_text=True)
    assert client.post("/instructor/accommodations", data={"email": learner.email, "factor": "2"}).status_code == 400


def test_a_practice_time_limit_may_be_any_length_from_ten_seconds(api):
    """PRODUCT.md: "any time_limit_seconds from 10 up" (a day's marathon included), within a year."""
    for seconds in (10, 30 * 3600, 366 * 24 * 3600):
        attempt = api.start(mode="practice", domain="alpha", count=2, time_limit_seconds=seconds)
        assert attempt["deadline"] is not None
