"""Readiness snapshots: the readiness model's result per learner and program, stored when an attempt closes.

The cohort sorts and exports every learner by readiness; running the model's window over every answer of
every learner on each view took seconds, so the cohort reads these rows instead (the dashboard, one
learner, still computes live). `refresh` runs when one of the learner's attempts on the program is closed
and graded (quizzes.services.close), with `now` the closing moment. The model ignores answers after `now`;
a closed attempt's answers are never later than its close, and every later close refreshes the row again,
so a snapshot equals the live model at any moment after it until the learner's next close.

No row (or a row with percent None) means no scored answer in the program's domains yet: no estimate.
Existing learners were snapshotted by the migration that created the table. A change of the program's
domains or weights (a content import) or of the model itself leaves the rows stale until
`learnpm reports refresh-readiness` (refresh_all) recomputes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from learnpm.extensions import db
from learnpm.lessons.models import Program
from learnpm.reports import queries
from learnpm.reports.models import ReadinessSnapshot
from learnpm.reports.readiness import Readiness


def values_of(readiness: Readiness) -> dict:
    """Return the snapshot columns of a readiness estimate."""
    return {"percent": readiness.percent, "low": readiness.low, "high": readiness.high,
            "questions": readiness.questions}


def as_readiness(percent: float | None, low: float | None, high: float | None, questions: int | None
                 ) -> Readiness | None:
    """Return a snapshot's figures as a Readiness (without domains), None when there is no snapshot."""
    if questions is None:
        return None
    return Readiness(percent, low, high, int(questions))


def refresh(user_id: int, program_id: int, now: datetime) -> None:
    """Recompute one learner's readiness on the program from their closed attempts and store it."""
    rules = db.session.get(Program, program_id).rules
    _claim(user_id, program_id, now)
    counts = queries.recent_domain_counts(program_id, rules.domain_keys(), now, [user_id]).get(user_id, {})
    db.session.execute(update(ReadinessSnapshot)
                       .where(ReadinessSnapshot.user_id == user_id, ReadinessSnapshot.program_id == program_id)
                       .values(computed_at=now, **values_of(queries.readiness_from_counts(counts, rules, now))))


def _claim(user_id: int, program_id: int, now: datetime) -> None:
    """Insert or touch the learner's row, locking it before the answers are read.

    A concurrent close of the same learner's other attempt waits here until this transaction commits,
    then reads both attempts (PostgreSQL, read committed); SQLite serializes writers anyway.
    """
    insert_ = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert_(ReadinessSnapshot).values(user_id=user_id, program_id=program_id, questions=0,
                                                  computed_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[ReadinessSnapshot.user_id, ReadinessSnapshot.program_id],
        set_={"computed_at": statement.excluded.computed_at}))


def refresh_program(program_id: int, now: datetime) -> int:
    """Recompute every learner's snapshot on the program in two statements; return the rows written."""
    rules = db.session.get(Program, program_id).rules
    counts = queries.recent_domain_counts(program_id, rules.domain_keys(), now)
    rows = [{"user_id": user_id, "program_id": program_id, "computed_at": now,
             **values_of(queries.readiness_from_counts(by_domain, rules, now))}
            for user_id, by_domain in counts.items()]
    db.session.execute(delete(ReadinessSnapshot).where(ReadinessSnapshot.program_id == program_id))
    if rows:
        db.session.execute(insert(ReadinessSnapshot), rows)
    return len(rows)


def refresh_all(now: datetime) -> int:
    """Recompute the snapshots of every program; return the rows written."""
    return sum(refresh_program(program_id, now) for program_id in db.session.scalars(select(Program.id)))
