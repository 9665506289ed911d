"""Spaced review of missed questions on the FSRS schedule, aimed at the learner's exam date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import fsrs
from sqlalchemy import ForeignKey, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from learnpm.extensions import db
from learnpm.timeutil import utcnow

DEFAULT_HORIZON_DAYS = 60  # without an exam date, reviews stay within two months


class ReviewCard(db.Model):
    """One question a learner missed, with its FSRS memory state and next due time."""

    __tablename__ = "review_cards"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    card: Mapped[dict] = mapped_column(db.JSON)
    due_at: Mapped[datetime] = mapped_column(index=True)
    reviews: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def scheduler_for(exam_date: date | None, today: date) -> fsrs.Scheduler:
    """An FSRS scheduler whose intervals never reach past the exam (fuzzing off: reproducible)."""
    horizon = (exam_date - today).days if exam_date and exam_date > today else DEFAULT_HORIZON_DAYS
    return fsrs.Scheduler(maximum_interval=max(1, horizon), enable_fuzzing=False)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def record_answers(user_id: int, outcomes: list[tuple[int, bool]], now: datetime, exam_date: date | None) -> int:
    """Schedule missed questions (Again) and move known ones on (Good); return cards touched."""
    if not outcomes:
        return 0
    ids = [question_id for question_id, _ in outcomes]
    cards = {c.question_id: c for c in db.session.scalars(select(ReviewCard).where(
        ReviewCard.user_id == user_id, ReviewCard.question_id.in_(ids)))}
    scheduler = scheduler_for(exam_date, now.date())
    touched = 0
    for question_id, correct in outcomes:
        row = cards.get(question_id)
        if row is None and correct:
            continue  # only what the learner missed enters the schedule
        # An explicit id: without one, py-fsrs makes one from the clock and sleeps a millisecond.
        card = fsrs.Card.from_dict(row.card) if row else fsrs.Card(card_id=question_id)
        card, _log = scheduler.review_card(card, fsrs.Rating.Good if correct else fsrs.Rating.Again, _aware(now))
        if row is None:
            row = ReviewCard(user_id=user_id, question_id=question_id, reviews=0)
            db.session.add(row)
            cards[question_id] = row
        row.card, row.due_at = card.to_dict(), card.due.astimezone(UTC).replace(tzinfo=None)
        row.reviews += 1
        row.updated_at = now
        touched += 1
    return touched


def bring_before_exam(user_id: int, exam_date: date) -> int:
    """Make the learner's cards due no later than the day before the exam, in one UPDATE; return how many moved.

    Cards scheduled before this exam date was set may be due after it. The rule is a clamp: a card due
    later than the start (00:00 UTC) of the day before the exam becomes due then, so it is reviewed at the
    latest the day before (at once, if that moment has passed). Cards due earlier keep their schedule. Only
    `due_at` changes: the FSRS memory state is kept, and its own `due` is not read when a card is reviewed.
    """
    cap = datetime.combine(exam_date - timedelta(days=1), time())
    return db.session.execute(update(ReviewCard).where(ReviewCard.user_id == user_id, ReviewCard.due_at > cap)
                              .values(due_at=cap)).rowcount


def due_question_ids(user_id: int, now: datetime, limit: int) -> list[int]:
    return list(db.session.scalars(select(ReviewCard.question_id).where(
        ReviewCard.user_id == user_id, ReviewCard.due_at <= now).order_by(ReviewCard.due_at).limit(limit)))


def due_count(user_id: int, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(ReviewCard).where(
        ReviewCard.user_id == user_id, ReviewCard.due_at <= now))


def next_due(user_id: int) -> datetime | None:
    return db.session.scalar(select(func.min(ReviewCard.due_at)).where(ReviewCard.user_id == user_id))
