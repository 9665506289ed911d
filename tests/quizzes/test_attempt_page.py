"""An open attempt's page: its questions are rendered once and kept; the saved answers travel beside them."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from learnpm.quizzes import pagecache
from learnpm.quizzes.pagecache import PageCache, StaticPart
from tests.conftest import FakeClock
from tests.quiz_fixtures import answer_key
from tests.quizzes.test_attempts_api import api as api  # noqa: F401  (a fixture)

STATE = re.compile(r'<script type="application/json" id="attempt-state">(.*?)</script>', re.S)


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 25, 10, 0, 0))


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock, "LEARNPM_ANSWER_LIMIT": "1000 per second"}


def _page(client, attempt_id):
    response = client.get(f"/attempts/{attempt_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _state(page):
    return json.loads(STATE.search(page).group(1))


def _cache(app) -> PageCache:
    return app.extensions[pagecache.EXTENSION]


def _questions_part(page):
    return page[page.index('<section class="question'):page.index('<section id="review"')]


def test_a_reload_after_a_save_shows_the_answer_and_reuses_the_rendered_questions(app, api, client, monkeypatch):
    attempt = api.start(mode="mock")
    first = _page(client, attempt["id"])
    assert len(_cache(app)) == 1
    question = next(q for q in attempt["questions"] if q["type"] == "single")
    chosen = question["options"][1]["id"]
    assert api.put(f"/attempts/{attempt['id']}/answers/{question['id']}",
                   {"answer": chosen, "flagged": True, "struck": [question["options"][0]["id"]]}).status_code == 200

    renders = []
    monkeypatch.setattr(pagecache, "get_template_attribute",
                        lambda *args: renders.append(args) or pytest.fail("the questions were rendered again"))
    second = _page(client, attempt["id"])
    assert not renders
    assert _questions_part(second) == _questions_part(first)  # the same cached HTML: a save does not stale it
    saved = _state(second)["answers"][question["id"]]
    assert saved == {"answer": chosen, "flagged": True, "struck": [question["options"][0]["id"]]}
    assert _state(first)["answers"] == {}


def test_the_cached_part_holds_no_answer_or_key(api, client):
    attempt = api.start(mode="mock")
    for question in attempt["questions"]:
        api.put(f"/attempts/{attempt['id']}/answers/{question['id']}", {"answer": answer_key(question["id"])})
    page = _page(client, attempt["id"])
    questions = _questions_part(page)
    assert " checked" not in questions and " selected" not in questions and "Answered" not in questions
    assert "right answer" not in page.lower() and "Explanation" not in page


def test_the_page_shows_the_locks_once_the_break_has_locked_a_section(app, api, client, clock):
    attempt = api.start(mode="mock")
    aid = attempt["id"]
    _page(client, aid)
    first = [q for q in attempt["questions"] if q["section"] == 1]
    for q in first:
        api.put(f"/attempts/{aid}/answers/{q['id']}", {"answer": answer_key(q["id"])})
    assert api.post(f"/attempts/{aid}/break").status_code == 200
    assert 'id="attempt-state"' not in _page(client, aid)  # the break screen: no question, no state
    clock.advance(60)
    assert api.post(f"/attempts/{aid}/break/end").status_code == 200
    page = _page(client, aid)
    assert page.count("(locked after the break)") == len(first)
    assert len(_cache(app)) == 2  # a new part for the new locks; the old one is never shown again


def test_another_learners_attempt_page_is_not_served_from_the_cache(app, api, client, make_user):
    attempt = api.start(mode="mock")
    _page(client, attempt["id"])
    other = make_user(email="other@example.com", name="Other Learner")
    stranger = app.test_client()
    from tests.conftest import log_in

    log_in(stranger, other.email)
    assert stranger.get(f"/attempts/{attempt['id']}").status_code == 404


def _part(size: int) -> StaticPart:
    return StaticPart("x" * size, "", 0, {})


def test_the_cache_keeps_the_most_recently_used_parts_within_its_bytes():
    cache = PageCache(max_bytes=2_500)
    for key in ("a", "b", "c"):
        cache.put(key, _part(1_000))
    assert len(cache) == 2 and cache.get("a") is None
    cache.get("b")  # used: now the newest
    cache.put("d", _part(1_000))
    assert cache.get("b") is not None and cache.get("c") is None and cache.get("d") is not None
    cache.put("huge", _part(10_000))  # larger than the whole cache: never kept, nothing evicted for it
    assert cache.get("huge") is None and len(cache) == 2
