"""Staff records: live hours dated in the past, not before the learner's account without a reason, never for oneself,
shown with who recorded them."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.hours.models import HoursEntry
from tests.conftest import csrf_from


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock}  # today is 2026-11-25


@pytest.fixture
def form(client, imported, instructor, learner, login):
    learner.created_at = datetime(2026, 11, 10, 12, 0)
    instructor.created_at = datetime(2026, 1, 1)
    db.session.commit()
    login(instructor)

    def post(**changes):
        data = {"learners": learner.email, "course": "demo", "minutes": "60", "occurred_on": "2026-11-20",
                "reason": "Workshop on risk", "csrf_token": csrf_from(client, "/instructor/hours")}
        data.update(changes)
        return client.post("/instructor/hours", data=data)

    return post


@pytest.mark.parametrize("changes, message", [
    ({"occurred_on": "2099-12-31"}, "is after today (2026-11-25)"),
    ({"occurred_on": "2026-11-26"}, "is after today (2026-11-25)"),
    ({"occurred_on": "2026-11-09", "minutes": "1380"}, "is before the account of learner@example.com existed"),
    ({"learners": "teacher@example.com"}, "Nobody records live hours for themself"),
])
def test_the_form_refuses_a_future_date_a_date_before_the_account_and_oneself(form, changes, message):
    response = form(**changes)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(HoursEntry)) is None


def test_a_date_before_the_account_is_kept_with_the_reason_that_says_why(form, learner):
    assert form(occurred_on="2026-11-09", early_reason="In-person class before the platform opened"
                ).status_code == 302
    entry = db.session.scalar(select(HoursEntry))
    assert entry.occurred_on == date(2026, 11, 9)
    assert "dated before the account: In-person class before the platform opened" in entry.reason


def test_today_and_the_account_day_are_accepted(form):
    assert form(occurred_on="2026-11-25").status_code == 302
    assert form(occurred_on="2026-11-10").status_code == 302


def test_the_command_refuses_the_same(runner, imported, instructor, learner):
    base = ["hours", "record", "--email", learner.email, "--minutes", "60", "--reason", "Live class"]
    future = runner.invoke(args=[*base, "--on", "2099-12-31"])
    assert future.exit_code == 1 and "after today" in future.output
    own = runner.invoke(args=["hours", "record", "--email", instructor.email, "--minutes", "60", "--reason",
                              "Live class", "--by", instructor.email])
    assert own.exit_code == 1 and "for themself" in own.output
    early = runner.invoke(args=[*base, "--on", "2000-01-01"])
    assert early.exit_code == 1 and "before the account" in early.output


def test_who_recorded_a_session_shows_on_the_learners_page_the_exports_and_the_admin_ledger(
        app, form, learner, admin, login, client):
    form()
    learner_client = app.test_client()
    from tests.conftest import log_in
    log_in(learner_client, learner.email)
    assert "teacher@example.com" in learner_client.get("/hours").get_data(as_text=True)
    assert "teacher@example.com" in learner_client.get("/hours/ledger.csv").get_data(as_text=True)
    assert learner_client.get("/hours/ledger.json").get_json()["entries"][0]["recorded_by"] == "teacher@example.com"
    admin_client = app.test_client()
    log_in(admin_client, admin.email)
    page = admin_client.get(f"/admin/hours?email={learner.email}").get_data(as_text=True)
    assert "Recorded by" in page and "teacher@example.com" in page
