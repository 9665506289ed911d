"""The course and lesson pages keep what every learner sees alike for a few seconds in each process.

A change committed on the server that serves the page shows at once; one committed elsewhere (another
app server, a content import from the command line) shows within 5 seconds. The learner's own progress
is read on every request.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from learnpm import memo
from learnpm.extensions import db
from learnpm.lessons.models import Lesson
from tests.conftest import MonotonicClock, log_in
from tests.lessons.test_authoring import EDIT, form_data


@pytest.fixture
def memo_clock(monkeypatch):
    clock = MonotonicClock()
    monkeypatch.setattr(memo, "clock", clock)
    return clock


def _reader(server, learner):
    client = server.test_client()
    assert log_in(client, learner.email).status_code == 302
    return client


def _text(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_browser_save_shows_at_once_on_the_server_that_saved_it(app, client, imported, instructor, learner, login,
                                                                  memo_clock):
    reader = _reader(app, learner)
    assert "Fresh text." not in _text(reader, "/courses/demo/second")  # now kept in this process
    _text(reader, "/courses/demo")
    login(instructor)
    assert client.post(EDIT, data=form_data(client)).status_code == 302
    assert "Fresh text." in _text(reader, "/courses/demo/second")  # no clock moved: the commit cleared it


def test_a_change_made_elsewhere_shows_within_5_seconds(another_app, imported, learner, memo_clock):
    server = another_app()
    reader = _reader(server, learner)
    assert "Third lesson" in _text(reader, "/courses/demo")
    assert "Third lesson" in _text(reader, "/courses/demo/third")
    third = db.session.scalar(select(Lesson).where(Lesson.slug == "third"))
    third.title = "Third lesson, renamed"  # committed by the test's own app: another server to `server`
    db.session.commit()
    memo_clock.advance(5.0)
    assert "Third lesson, renamed" in _text(reader, "/courses/demo")
    assert "Third lesson, renamed" in _text(reader, "/courses/demo/third")


def test_a_retired_lesson_leaves_the_pages_within_5_seconds(another_app, imported, learner, memo_clock):
    server = another_app()
    reader = _reader(server, learner)
    assert reader.get("/courses/demo/third").status_code == 200
    db.session.execute(Lesson.__table__.update().where(Lesson.slug == "third").values(retired=True))
    db.session.commit()
    memo_clock.advance(5.0)
    assert reader.get("/courses/demo/third").status_code == 404
    assert "Third lesson" not in _text(reader, "/courses/demo")


def _statements_of(reader, path) -> list[str]:
    _text(reader, path)  # what every learner sees alike is now kept; the user too
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (before_cursor_execute's statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        _text(reader, path)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return statements


def test_the_course_page_reads_the_learners_progress_in_one_statement(app, imported, learner, memo_clock):
    [statement] = _statements_of(_reader(app, learner), "/courses/demo")
    assert "lesson_progress" in statement and "engagement_clocks" in statement


def test_the_lesson_page_reads_the_learners_time_and_check_in_one_statement(app, imported, learner, memo_clock):
    [statement] = _statements_of(_reader(app, learner), "/courses/demo/first")
    assert "lesson_progress" in statement and "attempts" in statement


def test_the_short_caches_never_keep_a_value_past_5_seconds(memo_clock):
    cache = memo.ShortCache(60, watched=(Lesson,))
    assert cache.seconds == 5.0
    made = []
    assert cache.get_or_make("k", lambda: made.append(1) or "first") == "first"
    assert cache.get_or_make("k", lambda: "second") == "first"
    memo_clock.advance(5.0)
    assert cache.get_or_make("k", lambda: "second") == "second"
