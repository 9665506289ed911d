"""The exam simulator: struck-out options kept with the answer, review filters, results that teach."""

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.models import AttemptAnswer
from tests.quizzes.test_attempts_api import api as api  # noqa: F401  (a fixture)
from tests.quizzes.test_attempts_api import app_config as app_config  # noqa: F401
from tests.quizzes.test_attempts_api import clock as clock  # noqa: F401


def _first(attempt, kind="single"):
    return next(q for q in attempt["questions"] if q["type"] == kind)


def test_struck_options_are_saved_with_the_answer_and_come_back_after_a_reload(api):
    attempt = api.start(mode="mock")
    question = _first(attempt)
    ids = [o["id"] for o in question["options"]]
    url = f"/attempts/{attempt['id']}/answers/{question['id']}"
    saved = api.put(url, {"struck": ids[:2]})
    assert saved.status_code == 200, saved.get_json()
    assert sorted(saved.get_json()["struck"]) == sorted(ids[:2]) and saved.get_json()["answer"] is None
    api.put(url, {"answer": ids[2]})  # an answer leaves the strikes alone
    again = api.get(f"/attempts/{attempt['id']}").get_json()["answers"][question["id"]]
    assert again["answer"] == ids[2] and sorted(again["struck"]) == sorted(ids[:2])
    stored = db.session.scalar(select(AttemptAnswer.struck))
    assert stored and not set(stored) & set(ids), "stored in the bank's ids, not the attempt's opaque ones"
    cleared = api.put(url, {"struck": []}).get_json()
    assert cleared["struck"] == [] and cleared["answer"] == ids[2]
    assert db.session.scalar(select(AttemptAnswer.struck)) is None


@pytest.mark.parametrize("struck", [
    "a", ["a"], [1], [None], {"x": 1}, ["\x00"], ["\ud800"], "OPTIONS_TWICE", "ANOTHER_QUESTION", "TOO_MANY"])
def test_bad_struck_lists_are_refused_and_change_nothing(api, struck):
    """422 for a list that is not this question's option ids; 400 from the input guard for NUL or a lone surrogate."""
    attempt = api.start(mode="mock")
    singles = [q for q in attempt["questions"] if q["type"] == "single"]
    question, other = singles[0], singles[1]
    ids = [o["id"] for o in question["options"]]
    struck = {"OPTIONS_TWICE": [ids[0], ids[0]], "ANOTHER_QUESTION": [other["options"][0]["id"]],
              "TOO_MANY": ids * 30}.get(struck, struck) if isinstance(struck, str) else struck
    response = api.put(f"/attempts/{attempt['id']}/answers/{question['id']}", {"struck": struck})
    assert response.status_code == (400 if struck in (["\x00"], ["\ud800"]) else 422), response.get_json()
    assert db.session.scalar(select(AttemptAnswer.struck)) is None


def test_options_of_a_matching_or_fill_in_question_cannot_be_struck(api):
    attempt = api.start(mode="practice", domain="beta", count=9)
    matching = _first(attempt, "matching")
    response = api.put(f"/attempts/{attempt['id']}/answers/{matching['id']}",
                       {"struck": [matching["options"][0]["id"]]})
    assert response.status_code == 422


def test_an_old_attempts_ids_strike_nothing_in_a_new_one(api):
    old = api.start(mode="practice", domain="alpha", count=8)
    question = _first(old)
    new = api.start(mode="practice", domain="alpha", count=8)
    assert question["id"] in {q["id"] for q in new["questions"]}
    response = api.put(f"/attempts/{new['id']}/answers/{question['id']}", {"struck": [question["options"][0]["id"]]})
    assert response.status_code == 422


# ---- results that teach ----

def _answered_mock(api, clock, right: int = 2, wrong: int = 1, seconds: int = 30):
    """A submitted mock: `right` singles answered right, `wrong` answered wrong, each `seconds` after the last."""
    attempt = api.start(mode="mock")
    singles = [q for q in attempt["questions"] if q["type"] == "single" and q["section"] == 1][:right + wrong]
    for number, q in enumerate(singles):
        clock.advance(seconds)
        key = right_answer(q["id"])
        answer = key if number < right else next(o["id"] for o in q["options"] if o["id"] != key)
        assert api.put(f"/attempts/{attempt['id']}/answers/{q['id']}", {"answer": answer, "flagged": number == 0}
                       ).status_code == 200
    api.post(f"/attempts/{attempt['id']}/submit")
    return attempt, singles


def right_answer(question_id):
    from tests.quiz_fixtures import answer_key
    return answer_key(question_id)


def test_results_mark_right_and_wrong_by_icon_and_word_and_say_the_time(api, clock, client):
    attempt, singles = _answered_mock(api, clock, right=1, wrong=1, seconds=42)
    page = client.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert page.count('class="mark mark-right"') == 1 and "✘ Your choice: wrong" not in page  # the icon is hidden...
    assert '<span aria-hidden="true">✘</span> Your choice: wrong' in page  # ...and words say it too
    assert "42 s on this question" in page and "1 min 24 s</strong> in all" in page
    assert '<details class="explain">' in page and page.count('<details class="explain">') == 8
    assert "Performance by task" in page and "1.1" in page and "2.1" in page
    wrong = client.get(f"/attempts/{attempt['id']}?show=wrong").get_data(as_text=True)
    assert wrong.count('<details class="explain">') == 7 and "Wrong or blank (7)" in wrong
    flagged = client.get(f"/attempts/{attempt['id']}?show=flagged").get_data(as_text=True)
    assert flagged.count('<details class="explain">') == 1 and "(you flagged it)" in flagged
    odd = client.get(f"/attempts/{attempt['id']}?show=" + "x" * 5000)  # an unknown filter shows all
    assert odd.status_code == 200 and odd.get_data(as_text=True).count('<details class="explain">') == 8
    assert client.get(f"/attempts/{attempt['id']}?show=%00").status_code == 400  # the input guard


def test_results_of_a_mock_show_the_trend_and_offer_the_missed_questions(api, clock, client):
    first, _ = _answered_mock(api, clock, right=1, wrong=2)
    second, _ = _answered_mock(api, clock, right=3, wrong=0)
    page = client.get(f"/attempts/{second['id']}").get_data(as_text=True)
    assert "Your mock exams so far" in page and "This one" in page and "points" in page
    assert '<svg' in page and f'href="/attempts/{first["id"]}"' in page
    assert 'name="source" value="missed"' in page and "Practice what I missed" in page
    started = client.post("/quizzes/start", data={"csrf_token": _token(client), "mode": "custom", "source": "missed",
                                                  "count": _missed_count(page)})
    assert started.status_code == 302 and "/attempts/" in started.headers["Location"]


def _token(client):
    from tests.conftest import csrf_from
    return csrf_from(client)


def _missed_count(page: str) -> str:
    import re
    return re.search(r'name="source" value="missed"><input type="hidden" name="count" value="(\d+)"', page).group(1)
