"""Heartbeats and the hours ledger through the API, pages, exports and commands."""


import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from learnpm.extensions import db
from learnpm.hours.models import EngagementClock, HoursEntry
from learnpm.lessons.models import Lesson
from tests.conftest import csrf_from


@pytest.fixture
def app_config(clock, request):
    # A fake clock lets a test send an hour of beats in a real second; the limiter counts real time.
    limit = "10 per second" if "rate_limited" in request.node.name else "10000 per second"
    return {"LEARNPM_CLOCK": clock, "LEARNPM_HEARTBEAT_SECONDS": 30, "LEARNPM_HEARTBEAT_LIMIT": limit}


@pytest.fixture
def reader(client, imported, learner, login):
    login(learner)
    token = csrf_from(client)

    def beat(lesson="demo/first", visible=True, active=True, **extra):
        return client.post("/api/v1/heartbeat", json={"lesson": lesson, "tab": "t1", "visible": visible,
                                                      "active": active, **extra},
                           headers={"X-CSRFToken": token})

    return beat


def read_for(reader, clock, seconds: int, lesson="demo/first"):
    reader(lesson)
    for _ in range(seconds // 30):
        clock.advance(30)
        response = reader(lesson)
    return response.get_json()


def test_heartbeats_credit_wall_clock_time(reader, clock):
    assert reader().get_json() == {"credited_seconds": 0, "lesson_seconds": 0, "total_seconds": 0}
    clock.advance(30)
    assert reader().get_json() == {"credited_seconds": 30, "lesson_seconds": 30, "total_seconds": 30}
    clock.advance(30)
    assert reader(visible=False).get_json()["credited_seconds"] == 0


def test_a_beat_that_loses_the_swap_to_a_parallel_request_is_credited_once_by_the_full_path(reader, clock,
                                                                                             monkeypatch):
    from learnpm.hours import services

    reader()
    clock.advance(30)
    calls = []
    real_credit = services.credit

    def credit_then_move_the_clock(*args):
        calls.append(1)
        if len(calls) == 1:  # between the plain path's read and its swap, "another request" moves the clock
            db.session.execute(text("UPDATE engagement_clocks SET version = version + 1"))
        return real_credit(*args)

    monkeypatch.setattr(services, "credit", credit_then_move_the_clock)
    assert reader().get_json() == {"credited_seconds": 30, "lesson_seconds": 30, "total_seconds": 30}
    assert len(calls) == 2  # the plain path gave up; the full path decided again
    monkeypatch.setattr(services, "credit", real_credit)
    clock.advance(30)
    assert reader().get_json()["total_seconds"] == 60


def test_beats_are_validated(reader):
    assert reader(lesson="demo/nope").status_code == 404
    assert reader(lesson="no-slash").status_code == 422
    assert reader(lesson=5).status_code == 422
    assert reader(visible="yes").status_code == 422
    assert reader(tab="x" * 101).status_code == 422


def test_beats_for_drafts_are_refused(reader):
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "first"))
    lesson.draft = True
    db.session.commit()
    assert reader().status_code == 404


def test_malformed_bodies_and_missing_csrf_are_400(client, imported, learner, login):
    login(learner)
    token = csrf_from(client)
    assert client.post("/api/v1/heartbeat", data="{not json", content_type="application/json",
                       headers={"X-CSRFToken": token}).status_code == 400
    assert client.post("/api/v1/heartbeat", json=[1, 2], headers={"X-CSRFToken": token}).status_code == 400
    assert client.post("/api/v1/heartbeat", json={"lesson": "demo/first", "visible": True,
                                                  "active": True}).status_code == 400


def test_anonymous_beats_are_401(client, imported):
    assert client.post("/api/v1/heartbeat", json={}).status_code == 401


def test_five_beats_in_one_second_are_not_rate_limited_but_a_flood_is(reader):
    statuses = [reader().status_code for _ in range(12)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429


def test_a_session_is_sealed_into_the_chained_ledger_and_the_page_shows_it(client, reader, clock):
    read_for(reader, clock, 300)
    clock.advance(30)
    reader("demo/second")  # the 30 s since the last beat were spent on the first lesson: credited to it
    assert db.session.scalar(select(HoursEntry)) is None
    clock.advance(30)
    reader("demo/second")  # credit moves to another lesson: the first reading session is sealed
    entry = db.session.scalar(select(HoursEntry))
    assert (entry.seconds, entry.source, entry.seq, entry.lesson.slug) == (330, "engagement", 1, "first")
    page = client.get("/hours").get_data(as_text=True)
    assert "Lesson study" in page and "First lesson" in page
    hours = client.get("/api/v1/me/hours").get_json()
    assert hours["total_seconds"] == 360 and hours["target_seconds"] == 23 * 3600
    assert hours["entries"][0]["seconds"] == 330
    assert {item["lesson"]: item["seconds"] for item in hours["lessons"]} == {"demo/first": 330,
                                                                              "demo/second": 30}


def test_lesson_credit_stops_at_its_rated_duration(reader, clock):
    result = read_for(reader, clock, 20 * 60)
    assert result["lesson_seconds"] == 10 * 60  # the demo lesson is rated 10 minutes


def test_completion_shows_on_the_course_page(client, reader, clock):
    read_for(reader, clock, 8 * 60)  # 0.8 of 10 minutes
    assert "Done" in client.get("/courses/demo").get_data(as_text=True)


def test_exports_are_the_learners_own_ledger(app, client, reader, clock, make_user):
    read_for(reader, clock, 120)
    clock.advance(30)
    reader(active=False)
    other = make_user(email="other@example.com")
    course_id = db.session.scalar(select(Lesson.course_id).limit(1))
    db.session.add(HoursEntry(user_id=other.id, seq=1, course_id=course_id, seconds=999, source="live", reason="x",
                              recorded_by="t", occurred_on=clock.now.date(), prev_hash="0" * 64, hash="0" * 64))
    db.session.commit()
    csv_text = client.get("/hours/ledger.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("seq,occurred_on,course,lesson,source,seconds")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [row["seconds"] for row in rows] == ["120"]  # not the other learner's 999 (a hash may hold "999")
    data = client.get("/hours/ledger.json").get_json()
    assert [e["seconds"] for e in data["entries"]] == [120]


def _registered_on(day, *users):
    for user in users:
        user.created_at = datetime.combine(day, datetime.min.time())
    db.session.commit()


def test_instructor_records_a_live_session_for_several_learners(client, imported, instructor, learner, make_user,
                                                                login):
    second = make_user(email="second@example.com")
    _registered_on(date(2026, 11, 1), learner, second)
    login(instructor)
    token = csrf_from(client, "/instructor/hours")
    response = client.post("/instructor/hours", data={
        "learners": f"{learner.email}\nSECOND@example.com\n", "course": "demo", "minutes": "90",
        "occurred_on": "2026-11-20", "reason": "Live workshop: risk registers", "csrf_token": token})
    assert response.status_code == 302
    entries = db.session.scalars(select(HoursEntry).order_by(HoursEntry.user_id)).all()
    assert [(e.user_id, e.seconds, e.source, e.recorded_by) for e in entries] == [
        (learner.id, 5400, "live", instructor.email), (second.id, 5400, "live", instructor.email)]


@pytest.mark.parametrize("changes, message", [
    ({"minutes": "0"}, "Use 1 to 6,000 minutes."),
    ({"minutes": "6001"}, "Use 1 to 6,000 minutes."),
    ({"reason": ""}, "Give a reason."),
    ({"learners": "ghost@example.com"}, "No active account for: ghost@example.com"),
    ({"course": "nope"}, "Choose one of the courses."),
    ({"occurred_on": "yesterday"}, "Not a valid date value."),
])
def test_live_session_form_refuses_bad_input(client, imported, instructor, learner, login, changes, message):
    _registered_on(date(2026, 11, 1), learner)
    login(instructor)
    data = {"learners": learner.email, "course": "demo", "minutes": "60", "occurred_on": "2026-11-20",
            "reason": "Workshop", "csrf_token": csrf_from(client, "/instructor/hours")}
    data.update(changes)
    response = client.post("/instructor/hours", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(HoursEntry)) is None


def test_learners_cannot_record_or_correct_hours(client, imported, learner, login):
    login(learner)
    assert client.get("/instructor/hours").status_code == 403
    assert client.get("/admin/hours").status_code == 403


def test_admin_correction_is_a_new_reversing_row(client, runner, imported, admin, learner, login):
    runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "60", "--reason", "Class"])
    entry = db.session.scalar(select(HoursEntry))
    login(admin)
    token = csrf_from(client, f"/admin/hours?email={learner.email}")
    client.post(f"/admin/hours/{entry.id}/correct", data={"minutes": "-30", "reason": "Left early",
                                                           "csrf_token": token})
    rows = db.session.scalars(select(HoursEntry).order_by(HoursEntry.seq)).all()
    assert [(r.seq, r.seconds, r.source, r.corrects_id) for r in rows] == [
        (1, 3600, "live", None), (2, -1800, "correction", entry.id)]
    response = client.post(f"/admin/hours/{entry.id}/correct", data={"minutes": "-100", "reason": "Too much",
                                                                      "csrf_token": token})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "below zero" in page and 'value="Too much"' in page and 'value="-100"' in page
    response = client.post(f"/admin/hours/{entry.id}/correct", data={"minutes": "ten", "reason": "Typo here",
                                                                      "csrf_token": token})
    assert response.status_code == 422 and 'value="Typo here"' in response.get_data(as_text=True)
    assert client.post(f"/admin/hours/{entry.id}/correct", data={"minutes": "5", "reason": "x"}).status_code == 400
    assert client.post("/admin/hours/9999/correct", data={"minutes": "5", "reason": "Valid reason",
                                                          "csrf_token": token}).status_code == 404
    assert runner.invoke(args=["hours", "verify"]).exit_code == 0


def test_hours_record_command(runner, imported, learner):
    ok = runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "45",
                             "--reason", "Live class"])
    assert ok.exit_code == 0 and "Recorded 45 minutes" in ok.output
    entry = db.session.scalar(select(HoursEntry))
    assert entry.recorded_by == "command line" and entry.seconds == 2700
    for args, message in ((["--minutes", "0"], "from 1 to 6,000"), (["--minutes", "7000"], "from 1 to 6,000"),
                          (["--course", "nope"], "No course"), (["--by", "ghost@example.com"], "No account")):
        base = {"--email": learner.email, "--minutes": "45", "--reason": "Live class"}
        argv = ["hours", "record"]
        for key, value in base.items():
            if key not in args:
                argv += [key, value]
        result = runner.invoke(args=argv + args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)


def test_verify_detects_an_edited_or_removed_row(runner, imported, learner):
    for minutes in (30, 40, 50):
        runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", str(minutes),
                            "--reason", "Live class"])
    assert runner.invoke(args=["hours", "verify"]).output.startswith("ok: 1 ledger chain")
    db.session.execute(text("UPDATE hours_entries SET seconds = 36000 WHERE seq = 2"))
    db.session.commit()
    result = runner.invoke(args=["hours", "verify"])
    assert result.exit_code == 1 and "row 2" in result.output and "edited" in result.output
    db.session.execute(text("UPDATE hours_entries SET seconds = 2400 WHERE seq = 2"))
    db.session.execute(text("DELETE FROM hours_entries WHERE seq = 3"))
    db.session.commit()
    result = runner.invoke(args=["hours", "verify"])
    assert result.exit_code == 1 and "rows removed" in result.output


def test_seal_stale_closes_abandoned_sessions(runner, reader, clock):
    read_for(reader, clock, 120)
    assert db.session.scalar(select(HoursEntry)) is None
    # the fake clock is the app's; the command uses real time, which is later than the fake one
    result = runner.invoke(args=["hours", "seal-stale"])
    assert "Sealed 1" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(HoursEntry)).seconds == 120
    assert db.session.scalar(select(EngagementClock)).open_seconds == 0


def test_a_lesson_retired_mid_reading_keeps_what_was_earned_and_refuses_new_beats(reader, clock, runner, imported):
    read_for(reader, clock, 90)
    (imported / "courses/demo/01-basics/01-first.md").unlink()
    text = (imported / "courses/demo/02-more/01-third.md").read_text().replace("../01-basics/01-first.md",
                                                                                "../01-basics/02-second.md")
    (imported / "courses/demo/02-more/01-third.md").write_text(text)
    (imported / "questions/demo.md").write_text((imported / "questions/demo.md").read_text()
                                                .replace("lesson: first", "lesson: second"))
    result = runner.invoke(args=["content", "import", str(imported)])
    assert "retired: lesson demo/first" in result.output, result.output
    clock.advance(30)
    assert reader().status_code == 404
    clock.advance(30)
    assert reader("demo/second").get_json()["credited_seconds"] == 0  # a retired lesson earns nothing more
    clock.advance(30)
    reader("demo/second")  # reading elsewhere seals the retired lesson's 90 s into the ledger
    entry = db.session.scalar(select(HoursEntry))
    assert entry.seconds == 90 and entry.lesson.retired
