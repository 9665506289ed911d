"""Importing a course's glossary and reference pages, finding terms, and studying them as flashcards."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import fsrs
from sqlalchemy import func, or_, select

from learnpm.errors import NotFound, ValidationError
from learnpm.extensions import db
from learnpm.glossary.models import Flashcard, GlossaryTerm, ReferencePage
from learnpm.lessons.models import Course, Lesson
from learnpm.lessons.rendering import render_markdown
from learnpm.quizzes.review import scheduler_for

RATINGS = {"again": fsrs.Rating.Again, "hard": fsrs.Rating.Hard, "good": fsrs.Rating.Good, "easy": fsrs.Rating.Easy}
NEW_PER_DAY = 20  # new cards a learner is shown in a day, besides the ones due


def import_aids(course: Course, source, labels: list[tuple[str, str]]) -> None:
    """Upsert the course's glossary terms and reference pages from a loaded CourseSource; retire what is gone.

    `labels` collects ("added" | "changed" | "retired", what) for the import report.
    """
    lessons = dict(db.session.execute(select(Lesson.slug, Lesson.id).where(Lesson.course_id == course.id)).all())
    existing = {t.slug: t for t in db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.course_id == course.id))}
    seen = set()
    for parsed in source.glossary.terms if source.glossary else []:
        seen.add(parsed.slug)
        values = {"term": parsed.term, "also": parsed.also, "definition": parsed.definition,
                  "lesson_id": lessons.get(parsed.lesson or ""), "retired": False}
        row = existing.get(parsed.slug)
        if row is None:
            db.session.add(GlossaryTerm(course_id=course.id, slug=parsed.slug,
                                        definition_html=render_markdown(parsed.definition).html, **values))
            labels.append(("added", f"term {course.slug}/{parsed.slug}"))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.definition_html = render_markdown(parsed.definition).html
            labels.append(("changed", f"term {course.slug}/{parsed.slug}"))
    for slug, row in existing.items():
        if slug not in seen and not row.retired:
            row.retired = True
            labels.append(("retired", f"term {course.slug}/{slug}"))
    _import_references(course, source.references, labels)


def _import_references(course: Course, references, labels: list[tuple[str, str]]) -> None:
    rows = db.session.scalars(select(ReferencePage).where(ReferencePage.course_id == course.id))
    existing = {p.slug: p for p in rows}
    seen = set()
    for page in references:
        seen.add(page.slug)
        digest = hashlib.sha256(page.doc.body.encode() + str(page.doc.meta.get("title")).encode()).hexdigest()
        row = existing.get(page.slug)
        if row is not None and row.source_hash == digest and row.position == page.number and not row.retired:
            continue
        rendered = render_markdown(page.doc.body)
        values = {"title": page.doc.meta["title"], "position": page.number, "body_html": rendered.html,
                  "toc": rendered.toc, "source_hash": digest, "retired": False}
        if row is None:
            db.session.add(ReferencePage(course_id=course.id, slug=page.slug, **values))
            labels.append(("added", f"reference {course.slug}/{page.slug}"))
        else:
            for key, value in values.items():
                setattr(row, key, value)
            labels.append(("changed", f"reference {course.slug}/{page.slug}"))
    for slug, row in existing.items():
        if slug not in seen and not row.retired:
            row.retired = True
            labels.append(("retired", f"reference {course.slug}/{slug}"))


def terms(course: Course, query: str = "") -> list[GlossaryTerm]:
    """The course's live terms in alphabetical order, those matching `query` (term, synonym or definition)."""
    statement = select(GlossaryTerm).where(GlossaryTerm.course_id == course.id, GlossaryTerm.retired.is_(False))
    words = query.strip()[:100]
    if words:
        pattern = f"%{words.casefold()}%"
        statement = statement.where(or_(func.lower(GlossaryTerm.term).like(pattern),
                                        func.lower(GlossaryTerm.definition).like(pattern)))
    return sorted(db.session.scalars(statement), key=lambda t: t.term.casefold())


def lesson_terms(lesson_id: int) -> list[GlossaryTerm]:
    """The terms a lesson teaches (its page links them to the glossary)."""
    return sorted(db.session.scalars(select(GlossaryTerm).where(GlossaryTerm.lesson_id == lesson_id,
                                                                GlossaryTerm.retired.is_(False))),
                  key=lambda t: t.term.casefold())


def references(course: Course) -> list[ReferencePage]:
    return list(db.session.scalars(select(ReferencePage).where(
        ReferencePage.course_id == course.id, ReferencePage.retired.is_(False)).order_by(ReferencePage.position)))


def reference(course: Course, slug: str) -> ReferencePage:
    page = None if "\x00" in slug else db.session.scalar(select(ReferencePage).where(
        ReferencePage.course_id == course.id, ReferencePage.slug == slug, ReferencePage.retired.is_(False)))
    if page is None:
        raise NotFound(f"No reference page {slug!r}.")
    return page


@dataclass(frozen=True)
class Deck:
    card: GlossaryTerm | None  # the next term to study, None when nothing is due and no new one is left today
    due: int                   # cards due now, besides new ones
    new_left: int              # new cards still to be shown today
    studied: int               # terms the learner has ever studied
    total: int                 # terms in the glossary
    next_due: datetime | None


def deck(user_id: int, course: Course, now: datetime) -> Deck:
    """What to study next: the most overdue card, else a term never studied (up to NEW_PER_DAY a day)."""
    live = select(GlossaryTerm.id).where(GlossaryTerm.course_id == course.id, GlossaryTerm.retired.is_(False))
    mine = select(Flashcard).where(Flashcard.user_id == user_id, Flashcard.term_id.in_(live))
    cards = list(db.session.scalars(mine))
    due = sorted((c for c in cards if c.due_at <= now), key=lambda c: c.due_at)
    started_today = sum(1 for c in cards if c.created_at.date() == now.date())
    new_left = max(0, NEW_PER_DAY - started_today)
    total = db.session.scalar(select(func.count()).select_from(live.subquery()))
    card = db.session.get(GlossaryTerm, due[0].term_id) if due else None
    if card is None and new_left:
        studied = {c.term_id for c in cards}
        card = next((t for t in terms(course) if t.id not in studied), None)
    later = [c.due_at for c in cards if c.due_at > now]
    return Deck(card, len(due), new_left, len(cards), total, min(later) if later else None)


def review_card(user_id: int, term_id: int, rating: str, now: datetime, exam_date) -> Flashcard:
    """Record how well the learner knew a term and schedule it on FSRS, never past the exam date."""
    if rating not in RATINGS:
        raise ValidationError(f"Unknown rating {rating!r}.", {"rating": list(RATINGS)})
    term = db.session.get(GlossaryTerm, term_id) if 0 < term_id < 2**31 else None
    if term is None or term.retired:
        raise NotFound("No such term.")
    row = db.session.get(Flashcard, (user_id, term_id))
    card = fsrs.Card.from_dict(row.card) if row else fsrs.Card(card_id=term_id)
    card, _log = scheduler_for(exam_date, now.date()).review_card(card, RATINGS[rating], now.replace(tzinfo=UTC))
    if row is None:
        row = Flashcard(user_id=user_id, term_id=term_id, reviews=0, created_at=now)
        db.session.add(row)
    row.card, row.due_at = card.to_dict(), card.due.astimezone(UTC).replace(tzinfo=None)
    row.reviews += 1
    row.updated_at = now
    return row
