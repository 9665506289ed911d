"""Spaced review: missed questions come back on the FSRS schedule, before the exam date."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes.review import ReviewCard, record_answers, scheduler_for
from tests.quizzes.test_attempts_api import api as api  # noqa: F401  (a fixture)
from tests.quizzes.test_attempts_api import clock as clock  # noqa: F401  (a fixture)
from tests.quizzes.test_attempts_api import right_answer


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock}


def wrong_answer(question):
    key = right_answer(question["id"])
    return next(o["id"] for o in question["options"] if o["id"] != key)


def test_missed_questions_come_back_for_review_and_known_ones_do_not(api, clock):
    attempt = api.start(mode="practice", domain="beta", count=9)
    singles = [q for q in attempt["questions"] if q["type"] == "single"]
    missed, known = singles[0], singles[1]
    api.put(f"/attempts/{attempt['id']}/answers/{missed['id']}", {"answer": wrong_answer(missed)})
    api.put(f"/attempts/{attempt['id']}/answers/{known['id']}", {"answer": right_answer(known["id"])})
    api.post(f"/attempts/{attempt['id']}/submit")

    too_soon = api.post("/attempts", {"mode": "review"})
    assert too_soon.status_code == 409 and too_soon.get_json()["detail"]["next_due"]
    clock.advance(10 * 60)
    review = api.start(mode="review")
    assert [q["id"] for q in review["questions"]] == [missed["id"]]
    # remembered this time: the next review is further away
    api.put(f"/attempts/{review['id']}/answers/{missed['id']}", {"answer": right_answer(missed["id"])})
    api.post(f"/attempts/{review['id']}/submit")
    card = db.session.scalar(select(ReviewCard))
    db.session.refresh(card)
    assert card.reviews == 2 and card.due_at > clock.now + timedelta(minutes=5)


def test_intervals_never_pass_the_exam_date(app, learner, quiz_imported):
    from learnpm.quizzes.models import Question

    question = db.session.scalar(select(Question).limit(1))
    now = datetime(2026, 11, 25, 9, 0)
    exam = date(2026, 12, 5)
    dues = []
    for review_number in range(8):  # missed once, then right again and again: intervals grow
        record_answers(learner.id, [(question.id, review_number > 0)], now, exam)
        card = db.session.scalar(select(ReviewCard))
        dues.append(card.due_at)
        now = card.due_at
        if now.date() >= exam:
            break
    assert dues == sorted(dues) and len(dues) >= 3
    assert all(due.date() <= exam for due in dues)
    assert scheduler_for(date(2026, 12, 5), date(2026, 11, 25)).maximum_interval == 10
    assert scheduler_for(None, date(2026, 11, 25)).maximum_interval == 60
