"""The migration that adds readiness snapshots fills them for learners who answered before it."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes import services
from learnpm.reports.models import ReadinessSnapshot
from tests.conftest import FakeClock

BEFORE_SNAPSHOTS = "ffe3ef41544a"


@pytest.fixture
def clock():
    return FakeClock(datetime(2025, 1, 6, 10, 0, 0))  # the migration computes as of the real time: be before it


def test_the_migration_snapshots_every_learner_who_already_answered(app, quiz_imported, make_user, take, clock):
    ann, bob, cat = make_user(name="Ann"), make_user(name="Bob"), make_user(name="Cat")
    take(ann, right=lambda key: key.startswith("a-"), count=10)
    take(ann, mode="practice", domain="beta", right=False, count=4)
    take(bob, right=True, count=6)
    services.start_attempt(cat, services.StartRequest(mode="custom", count=4), clock())  # still open
    db.session.commit()

    def snapshots() -> dict:
        return {s.user_id: (s.program_id, s.percent, s.low, s.high, s.questions)
                for s in db.session.scalars(select(ReadinessSnapshot))}

    written_on_close = snapshots()
    assert set(written_on_close) == {ann.id, bob.id}  # Cat has closed nothing: no estimate, no row
    db.session.remove()
    downgrade(revision=BEFORE_SNAPSHOTS)  # drops the table ...
    upgrade()                             # ... which the migration creates and fills again
    assert snapshots() == written_on_close
