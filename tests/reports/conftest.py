"""Fixtures for the report pages: a fake clock, and a helper that takes and grades quizzes quickly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.quizzes import answering, presenters, services
from learnpm.quizzes.models import AttemptItem, QuestionVersion
from learnpm.quizzes.types import question_type
from tests.conftest import FakeClock


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 25, 10, 0, 0))


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock}


def wrong_answer(content: dict):
    """An answer of the right shape that is wrong (None when the type has no such cheap answer)."""
    kind = content["type"]
    key = question_type(kind).key(content)
    if kind in ("single", "hotspot"):
        return next(o["id"] for o in content["options"] if o["id"] != key)
    if kind == "multiple":
        return [next(o["id"] for o in content["options"] if o["id"] not in key)]
    if kind == "fill_in":
        return "certainly not this"
    if kind == "matching":
        rights = [c["id"] for c in content["choices"]]
        return {left: next(r for r in rights if r != right) for left, right in key.items()}
    return None


@pytest.fixture
def take(app, clock):
    """Return take(user, right=..., **start) -> attempt: start, answer (right when right(key)), submit."""

    def do(user, right: Callable[[str], bool] | bool = True, choose: Callable[[str, dict], object] | None = None,
           **start):
        start.setdefault("mode", "custom")
        if start["mode"] in ("custom", "practice"):
            start.setdefault("count", 8)
        attempt = services.start_attempt(user, services.StartRequest(**start), clock())
        items = db.session.execute(select(AttemptItem, QuestionVersion)
                                   .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
                                   .where(AttemptItem.attempt_id == attempt.id)).all()
        for item, version in items:
            content = version.content
            if choose is not None:
                answer = choose(item.question_key, content)
            else:
                good = right(item.question_key) if callable(right) else right
                answer = question_type(content["type"]).key(content) if good else wrong_answer(content)
            if answer is not None:  # in the bank's ids: the learner sends the attempt's opaque ones
                ids = presenters.opaque_ids(attempt.salt, item.question_key, content)
                answering.save_answer(user, attempt.id, item.question_key,
                                      presenters.to_public(answer, content, ids), now=clock())
        clock.advance(30)
        services.submit(user, attempt.id, clock())
        db.session.commit()
        clock.advance(30)
        return attempt

    return do
