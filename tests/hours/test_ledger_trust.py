"""A ledger that cannot be laundered: sealing re-applies every rule, verify recomputes them from the chain."""

import pytest
from sqlalchemy import func, select, text

from learnpm.extensions import db
from learnpm.hours.ledger import CHAINED_FIELDS
from learnpm.hours.models import EngagementClock, HoursEntry
from tests.conftest import csrf_from
from tests.hours.test_hours_api import read_for


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock, "LEARNPM_HEARTBEAT_SECONDS": 30, "LEARNPM_HEARTBEAT_LIMIT": "10000 per second"}


@pytest.fixture
def reader(client, imported, learner, login):
    login(learner)
    token = csrf_from(client)

    def beat(lesson="demo/first", visible=True, active=True):
        return client.post("/api/v1/heartbeat", json={"lesson": lesson, "tab": "t1", "visible": visible,
                                                      "active": active}, headers={"X-CSRFToken": token})

    return beat


def _verify(runner):
    return runner.invoke(args=["hours", "verify"])


def test_an_edited_open_record_is_sealed_with_what_the_rules_allow_and_verify_names_it(reader, clock, runner):
    read_for(reader, clock, 120)
    db.session.execute(text("UPDATE engagement_clocks SET open_seconds = 90000"))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1 and "open reading session holds 90000 s" in result.output
    clock.advance(30)
    reader("demo/second")
    clock.advance(30)
    reader("demo/second")  # the credit moves on: the laundered record is sealed
    entry = db.session.scalar(select(HoursEntry).where(HoursEntry.lesson_id.is_not(None)))
    assert entry.seconds == 120  # the span of its beats, not 90,000 (the edited record earned nothing more)
    assert _verify(runner).exit_code == 0


def test_an_open_record_stretched_back_in_time_seals_at_most_the_lessons_rated_duration(reader, clock, runner):
    read_for(reader, clock, 60)
    db.session.execute(text("UPDATE engagement_clocks SET open_seconds = 90000, "
                            "open_started_at = open_started_at - INTERVAL '3 days'")
                       if db.engine.dialect.name == "postgresql" else
                       text("UPDATE engagement_clocks SET open_seconds = 90000, "
                            "open_started_at = datetime(open_started_at, '-3 days')"))
    db.session.commit()
    runner.invoke(args=["hours", "seal-stale"])
    assert db.session.scalar(select(func.sum(HoursEntry.seconds))) == 600  # the demo lesson is rated 10 minutes
    assert _verify(runner).exit_code == 0


def test_verify_names_an_edited_head_total(reader, clock, runner):
    read_for(reader, clock, 60)
    runner.invoke(args=["hours", "seal-stale"])
    assert _verify(runner).exit_code == 0
    db.session.execute(text("UPDATE engagement_clocks SET ledger_seconds = 90000"))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1 and "total was edited" in result.output


def test_verify_names_edited_lesson_progress(reader, clock, runner):
    read_for(reader, clock, 60)
    runner.invoke(args=["hours", "seal-stale"])
    db.session.execute(text("UPDATE lesson_progress SET engaged_seconds = 590"))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1 and "shows 590 s of progress" in result.output


def _rechain(app, rows_sql: str):
    """Play an insider who also has the key: rewrite rows and re-hash the chain, so only the rules can tell."""
    from learnpm.hours.ledger import ledger_key, row_hash

    db.session.execute(text(rows_sql))
    key = ledger_key(app.config["SECRET_KEY"])
    prev = "0" * 64
    for entry in db.session.scalars(select(HoursEntry).order_by(HoursEntry.seq)):
        entry.prev_hash = prev
        entry.hash = prev = row_hash(key, prev, {name: getattr(entry, name) for name in CHAINED_FIELDS})
    clock_row = db.session.scalar(select(EngagementClock))
    clock_row.ledger_hash = prev
    clock_row.ledger_seconds = db.session.scalar(select(func.sum(HoursEntry.seconds)))
    db.session.execute(text("UPDATE lesson_progress SET engaged_seconds = "
                            "(SELECT SUM(seconds) FROM hours_entries WHERE hours_entries.lesson_id = "
                            "lesson_progress.lesson_id)"))
    db.session.commit()


def test_verify_recomputes_the_lesson_cap_from_the_chain(app, reader, clock, runner):
    read_for(reader, clock, 60)
    runner.invoke(args=["hours", "seal-stale"])
    _rechain(app, "UPDATE hours_entries SET seconds = 900 WHERE seq = 1")
    result = _verify(runner)
    assert result.exit_code == 1 and "row 1" in result.output
    assert "engagement over a span" in result.output or "over its rated 600 s" in result.output


def test_verify_detects_a_removed_tail_even_with_the_head_moved_back(imported, runner, learner):
    for _ in range(5):
        runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "300",
                            "--reason", "Live class"])
    assert runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"]).exit_code == 0
    db.session.execute(text("DELETE FROM hours_entries WHERE seq = 5"))
    db.session.commit()
    assert "rows removed" in _verify(runner).output
    # Move the head back too: the certificate, issued on row 5, still tells.
    previous = db.session.scalar(select(HoursEntry).where(HoursEntry.seq == 4))
    db.session.execute(text("UPDATE engagement_clocks SET ledger_seq = 4, ledger_hash = :h, ledger_seconds = :s"),
                       {"h": previous.hash, "s": 4 * 300 * 60})
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1 and "issued on 90000 s up to row 5" in result.output


def test_the_ceiling_and_cap_hold_when_the_clocks_day_total_is_edited(reader, clock, runner):
    read_for(reader, clock, 60)
    db.session.execute(text("UPDATE engagement_clocks SET day_seconds = -100000"))
    db.session.commit()
    read_for(reader, clock, 3600)
    runner.invoke(args=["hours", "seal-stale"])
    assert db.session.scalar(select(func.sum(HoursEntry.seconds))) == 600
    assert _verify(runner).exit_code == 0


def test_a_visit_under_a_second_earns_that_lesson_nothing(client, reader, clock, runner):
    read_for(reader, clock, 60)
    clock.advance(30)
    assert reader("demo/second").get_json()["credited_seconds"] == 30  # to the first lesson, being read
    clock.advance(0.6)
    assert reader("demo/first").get_json()["credited_seconds"] == 0    # the glance at the second earns nothing
    clock.advance(30)
    reader("demo/first")
    runner.invoke(args=["hours", "seal-stale"])
    lessons = [(e.lesson.slug, e.seconds) for e in db.session.scalars(select(HoursEntry).order_by(HoursEntry.seq))]
    assert lessons == [("first", 90), ("first", 30)]
    hours = client.get("/api/v1/me/hours").get_json()
    assert {item["lesson"] for item in hours["lessons"]} == {"demo/first"}
