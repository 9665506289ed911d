"""Saving an answer or a flag of an open attempt: the quiz's hottest write, in one locked read and one upsert."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import bindparam, cast, exists, select, type_coerce, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.quizzes import clock, presenters
from learnpm.quizzes.models import Attempt, AttemptAnswer, AttemptItem, QuestionVersion
from learnpm.quizzes.services import MAX_ID, get_attempt
from learnpm.quizzes.types import question_type

KEEP = object()  # a field the request left out: keep what was saved


STRIKABLE = ("single", "multiple", "hotspot")  # the types whose options can be struck out


def save_answer(user, attempt_id: int, question_key: str, answer: object = KEEP, flagged: object = KEEP,
                now: datetime | None = None, struck: object = KEEP) -> dict:
    """Validate and upsert one answer, flag and/or struck-out options of an open attempt; what is left out stays."""
    item = _open_item(user, attempt_id, question_key, now) or _open_item_or_refuse(user, attempt_id, question_key, now)
    if clock.section_locked(item.section, item.locked_section):
        raise Conflict("That question is in a section locked by the break.", {"section": item.section})
    if clock.on_break(item.break_started_at, item.break_minutes, now, item.break_ended_at):
        ends = clock.break_ends_at(item.break_started_at, item.break_minutes, item.break_ended_at)
        raise Conflict("The break is on: the clock is stopped, and answers wait until it ends.",
                       {"break": "in progress", "until": presenters.iso(ends)})
    changes: dict = {"saved_at": now}
    if flagged is not KEEP:
        if not isinstance(flagged, bool):
            raise ValidationError("'flagged' must be true or false.", {"flagged": "boolean"})
        changes["flagged"] = flagged
    ids = presenters.opaque_ids(item.salt, question_key, item.content)
    if struck is not KEEP:
        changes["struck"] = _struck(struck, item.content, ids)
    if answer is not KEEP:
        changes["answer"] = None if answer is None else question_type(item.content["type"]).validate(
            presenters.to_stored(answer, item.content, ids), item.content)
    if item.feedback == "immediate" and item.correct is not None and "answer" in changes:
        return _tutor_answer(item, question_key, _refuse_change(item, changes["answer"]), flagged, item.correct)
    upsert = _answer_upsert(db.engine.dialect.name, tuple(sorted(changes)))
    saved = db.session.execute(upsert, {"item_id": item.id, "attempt_id": attempt_id, "answer": changes.get("answer"),
                                        "flagged": changes.get("flagged", False), "struck": changes.get("struck"),
                                        "saved_at": now}).first()
    if saved is None:  # the attempt was closed between the read and this write (SQLite takes no row lock)
        raise Conflict("The attempt is closed: it was submitted while this answer was on its way.",
                       {"status": "closed"})
    if item.feedback == "immediate" and saved.answer is not None:
        correct = question_type(item.content["type"]).grade(saved.answer, item.content)
        db.session.execute(update(AttemptItem).where(AttemptItem.id == item.id).values(correct=correct))
        return _tutor_answer(item, question_key, saved.answer, saved.flagged, correct)
    return {"question": question_key, "answer": presenters.to_public(saved.answer, item.content, ids),
            "flagged": saved.flagged, "struck": presenters.struck_public(saved.struck, ids)}


def _struck(struck: object, content: dict, ids: dict[str, str]) -> list[str] | None:
    """The struck-out options sent in the learner's ids, as stored ids (None for none); anything else is refused."""
    if struck is None or struck == []:
        return None
    options = [o["id"] for o in content["options"]]
    stored = {ids[i]: i for i in options}
    if (not isinstance(struck, list) or content["type"] not in STRIKABLE or len(struck) > len(options)
            or not all(isinstance(s, str) and s in stored for s in struck) or len(set(struck)) != len(struck)):
        raise ValidationError("'struck' must be a list of this question's option ids, each at most once.",
                              {"struck": "option ids"})
    return sorted(stored[s] for s in struck)


def _refuse_change(item, answer: object) -> object:
    """In tutor mode an answer is final once its feedback was shown: the same one again is fine, another is not."""
    stored = db.session.scalar(select(AttemptAnswer.answer).where(AttemptAnswer.item_id == item.id))
    if answer != stored:
        raise Conflict("In tutor mode an answer is final once its feedback is shown.", {"answer": "final"})
    return stored


# Built once: answer saves are among the hottest requests, and building a statement costs more than running it.
# The attempt's row is locked as get_attempt(for_update=True) locks it (PostgreSQL; SQLite has one writer).
_OPEN_ITEM = (select(Attempt.user_id, Attempt.status, Attempt.deadline, Attempt.locked_section, Attempt.salt,
                     Attempt.feedback, AttemptItem.correct,
                     Attempt.break_started_at, Attempt.break_minutes, Attempt.break_ended_at,
                     AttemptItem.id, AttemptItem.section, QuestionVersion.content)
              .select_from(Attempt)
              .join(AttemptItem, (AttemptItem.attempt_id == Attempt.id)
                    & (AttemptItem.question_key == bindparam("key")))
              .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
              .where(Attempt.id == bindparam("attempt"))
              .with_for_update(of=Attempt))


def _open_item(user, attempt_id: int, question_key: str, now: datetime):
    """The common case in one statement: the question of the user's own open attempt, in time; else None."""
    if not 0 < attempt_id <= MAX_ID or "\x00" in question_key:  # PostgreSQL refuses NUL in text parameters
        return None
    row = db.session.execute(_OPEN_ITEM, {"attempt": attempt_id, "key": question_key}).first()
    if row is None or row.user_id != user.id or row.status != "open" or clock.expired(row.deadline, now):
        return None
    return row


def _open_item_or_refuse(user, attempt_id: int, question_key: str, now: datetime):
    """The question to answer, or the error that says why not (closing an attempt whose deadline passed)."""
    attempt = get_attempt(user, attempt_id, now, for_update=True)
    if attempt.status != "open":
        raise Conflict("The attempt is closed: its deadline passed or it was submitted.", {"status": "closed"})
    item = None if "\x00" in question_key else db.session.execute(
        _OPEN_ITEM, {"attempt": attempt.id, "key": question_key}).first()
    if item is None:
        raise NotFound(f"Question {question_key!r} is not in this attempt.")
    return item


@functools.cache
def _answer_upsert(dialect: str, changed: tuple[str, ...]):
    """The answer upsert that overwrites only `changed` columns of a saved answer, for one dialect.

    It writes only while the attempt is still open, judged at the moment of writing: a submit that closed
    the attempt after this request read it leaves nothing to write, so no answer acknowledged with 200 is
    missing from the grading, on SQLite (which takes no row lock) as on PostgreSQL.
    """
    answers, attempts = AttemptAnswer.__table__, Attempt.__table__  # Core: the ORM's bulk machinery adds cost
    columns = ("item_id", "attempt_id", "answer", "flagged", "struck", "saved_at")
    typed = cast if dialect == "postgresql" else type_coerce  # PostgreSQL must be told the parameters' types
    row = (select(*(typed(bindparam(name, type_=answers.c[name].type), answers.c[name].type).label(name)
                    for name in columns))
           .where(exists().where(attempts.c.id == bindparam("attempt_id"), attempts.c.status == "open")))
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(answers).from_select(columns, row)
    excluded = statement.excluded
    return (statement.on_conflict_do_update(index_elements=[answers.c.item_id],
                                            set_={column: excluded[column] for column in changed})
            .returning(answers.c.answer, answers.c.flagged, answers.c.struck))


def _tutor_answer(row, question_key: str, answer: object, flagged, correct: bool) -> dict:
    """A tutor-mode save's answer: the saved answer and flag, with the feedback the page shows at once."""
    item = db.session.get(AttemptItem, row.id)
    if flagged is KEEP or flagged is None:
        flagged = bool(db.session.scalar(select(AttemptAnswer.flagged).where(AttemptAnswer.item_id == row.id)))
    return {**presenters.tutor_feedback(item, answer, correct, row.salt), "flagged": flagged}
