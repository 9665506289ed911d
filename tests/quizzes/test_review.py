"""Spaced review: missed questions come back on the FSRS schedule, before the exam date."""

from datetime import date, datetime, timedelta

import fsrs
import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes import review
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


def card_due(user_id: int, question_id: int, due_at: datetime) -> ReviewCard:
    card = ReviewCard(user_id=user_id, question_id=question_id, card=fsrs.Card(card_id=question_id).to_dict(),
                      due_at=due_at, reviews=3)
    db.session.add(card)
    return card


def dues(user_id: int) -> dict[int, datetime]:
    return dict(db.session.execute(select(ReviewCard.question_id, ReviewCard.due_at)
                                   .where(ReviewCard.user_id == user_id)
                                   .execution_options(populate_existing=True)).all())


def test_a_new_exam_date_brings_later_reviews_forward_and_clearing_it_moves_nothing(
        app, learner, make_user, quiz_imported, clock):
    from learnpm.quizzes.models import Question
    from learnpm.reports.dashboard import set_exam_date

    q1, q2, q3, q4 = db.session.scalars(select(Question.id).order_by(Question.id).limit(4)).all()
    other = make_user(name="Someone else")
    now = clock()
    card_due(learner.id, q1, now + timedelta(days=60))
    card_due(learner.id, q2, now + timedelta(days=3))
    card_due(learner.id, q3, now + timedelta(days=9, hours=1))   # the day before the exam, in the afternoon
    card_due(other.id, q1, now + timedelta(days=60))
    db.session.commit()

    set_exam_date(learner, date(2026, 12, 5), now.date())          # 10 days away
    db.session.commit()
    moved = dues(learner.id)
    assert moved[q1] == datetime(2026, 12, 4)                      # back before the exam, the day before
    assert moved[q2] == now + timedelta(days=3)                    # due earlier: untouched
    assert moved[q3] == datetime(2026, 12, 4)                      # at most the start of the day before
    assert dues(other.id)[q1] == now + timedelta(days=60)          # another learner's cards stay
    assert review.due_count(learner.id, datetime(2026, 12, 4)) == 3

    card_due(learner.id, q4, now + timedelta(days=40))
    db.session.commit()
    set_exam_date(learner, None, now.date())                       # clearing the date moves nothing
    db.session.commit()
    assert dues(learner.id) == {**moved, q4: now + timedelta(days=40)}
