"""Bounded costs: search terms and rate, an index on both databases, Markdown size and time limits, attempt starts."""

import time

import pytest
from sqlalchemy import text

from learnpm.extensions import db
from learnpm.lessons.search import POSTGRES_SEARCH, search_terms
from tests.conftest import IS_POSTGRES, csrf_from


@pytest.fixture
def app_config(request):
    limits = {"LEARNPM_RENDER_SECONDS": 1.0}
    if "rate" not in request.node.name:
        limits |= {"LEARNPM_SEARCH_LIMIT": "1000 per second", "LEARNPM_ATTEMPT_LIMIT": "1000 per second"}
    else:
        limits |= {"LEARNPM_SEARCH_LIMIT": "5 per minute", "LEARNPM_ATTEMPT_LIMIT": "3 per minute"}
    return limits


def test_search_uses_words_of_two_characters_or_more_and_at_most_eight():
    assert search_terms("a b c d e f g h") == []
    assert search_terms("a risk b register") == ["risk", "register"]
    assert search_terms(" ".join(f"w{n}" for n in range(20))) == [f"w{n}" for n in range(8)]


def test_one_letter_words_search_nothing_and_say_why(client, imported, learner, login):
    login(learner)
    page = client.get("/search?q=a b c d e f g h").get_data(as_text=True)
    assert "Use words of at least 2 characters." in page and "found" not in page


def test_search_is_rate_limited_per_learner(client, imported, learner, login):
    login(learner)
    codes = [client.get("/search?q=temporary").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    assert client.get("/search").status_code == 200  # the empty form is not a search


def test_search_is_served_by_an_index(app, imported):
    if IS_POSTGRES:
        with db.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))  # a tiny table: ask whether the index can serve it
            plan = "\n".join(row[0] for row in conn.execute(text("EXPLAIN " + str(POSTGRES_SEARCH)),
                                                             {"q": "temporary:*", "limit": 20}))
        assert "ix_lessons_search" in plan, plan
    else:
        plan = " ".join(str(row) for row in db.session.execute(text(
            "EXPLAIN QUERY PLAN SELECT rowid FROM lesson_search WHERE lesson_search MATCH 'temporary'")))
        assert "VIRTUAL TABLE INDEX" in plan, plan


def test_a_markdown_preview_that_would_run_for_hours_is_refused_within_its_time_limit(client, imported, instructor,
                                                                                    login):
    login(instructor)
    token = csrf_from(client)
    started = time.monotonic()
    response = client.post("/api/v1/preview", json={"markdown": "[" * 100_000}, headers={"X-CSRFToken": token})
    assert time.monotonic() - started < 10
    assert response.status_code == 422 and "more than 1 s to render" in response.get_json()["detail"]
    ok = client.post("/api/v1/preview", json={"markdown": "# Fine\n\n*text*"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and "<em>text</em>" in ok.get_json()["html"]
    too_big = client.post("/api/v1/preview", json={"markdown": "x" * 200_001}, headers={"X-CSRFToken": token})
    assert too_big.status_code == 422 and "longer than 200,000 characters" in too_big.get_json()["detail"]


def test_a_lesson_save_that_would_run_for_hours_is_refused(client, imported, instructor, login):
    login(instructor)
    edit = "/instructor/courses/demo/lessons/second/edit"
    response = client.post(edit, data={"title": "Second lesson", "duration": "10", "domain": "agile",
                                       "activity_minutes": "0", "objectives": "x", "body": "[" * 100_000,
                                       "csrf_token": csrf_from(client, edit)})
    assert response.status_code == 422 and "to render, so it was not used" in response.get_data(as_text=True)


def test_starting_attempts_is_rate_limited_per_learner(client, quiz_imported, learner, login, make_user):
    login(learner)
    token = csrf_from(client)
    codes = [client.post("/api/v1/attempts", json={"mode": "practice", "domain": "alpha", "count": 2},
                         headers={"X-CSRFToken": token}).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert client.post("/api/v1/attempts", json={"mode": "practice"}, headers={"X-CSRFToken": token}
                       ).get_json()["error"] == "too_many_requests"
