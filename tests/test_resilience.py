"""A request that cannot reach the database is retried, or fails cleanly with 503; nothing is half-saved."""

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from learnpm.extensions import db
from learnpm.quizzes.models import AttemptAnswer
from tests.conftest import IS_POSTGRES, csrf_from


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_DB_RETRY_SECONDS": 3.0, "LEARNPM_CLOCK": clock}  # room for two retries on a busy machine


class Outage:
    """Make the database unreachable: the next `statements` statements (or `on` ones only) fail."""

    def __init__(self):
        self.left, self.only, self.failed = 0, None, 0
        event.listen(db.engine, "before_cursor_execute", self._maybe_fail)

    def __call__(self, statements: int, only: str | None = None) -> "Outage":
        self.left, self.only = statements, only
        return self

    def _maybe_fail(self, _conn, _cursor, statement, *_args):
        if self.left and (self.only is None or statement.lstrip().upper().startswith(self.only)):
            self.left -= 1
            self.failed += 1
            raise OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))

    def close(self):
        event.remove(db.engine, "before_cursor_execute", self._maybe_fail)


@pytest.fixture
def outage(app):
    broken = Outage()
    yield broken
    broken.close()


@pytest.fixture
def attempt(client, quiz_imported, learner, login):
    login(learner)
    token = csrf_from(client)
    started = client.post("/api/v1/attempts", json={"mode": "custom", "count": 5}, headers={"X-CSRFToken": token})
    assert started.status_code == 201
    return started.get_json(), token


def _save(client, attempt, token, option=0):
    question = next(q for q in attempt["questions"] if q["type"] == "single")
    return client.put(f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                      json={"answer": question["options"][option]["id"]}, headers={"X-CSRFToken": token})


def test_a_brief_outage_is_ridden_out_and_the_answer_is_stored(client, attempt, outage):
    body, token = attempt
    outage(3)  # three statements in a row fail, the fourth round goes through
    response = _save(client, body, token)
    assert response.status_code == 200, response.get_json()
    assert outage.failed == 3
    assert db.session.scalar(select(AttemptAnswer.answer).where(AttemptAnswer.attempt_id == body["id"]))


def test_pages_ride_out_an_outage_too(client, attempt, outage):
    outage(2)
    response = client.get("/hours")
    assert response.status_code == 200 and outage.failed == 2


def test_a_long_outage_answers_503_with_retry_after_and_keeps_what_was_saved(client, attempt, outage):
    body, token = attempt
    assert _save(client, body, token, option=0).status_code == 200
    outage(10_000)
    response = _save(client, body, token, option=1)
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.get_json()["error"] == "unavailable"
    page = client.get("/hours")
    assert page.status_code == 503 and "briefly unavailable" in page.get_data(as_text=True)
    outage(0)
    answers = client.get(f"/api/v1/attempts/{body['id']}").get_json()["answers"]
    question = next(q for q in body["questions"] if q["type"] == "single")
    assert answers[question["id"]]["answer"] == question["options"][0]["id"]  # the earlier save is intact


class CommitLost:
    """The connection drops once during a commit: before the server stored it (`landed=False`) or after."""

    def __init__(self, landed: bool, then=None):
        self.landed, self.then, self.calls = landed, then, 0
        self.dialect = db.engine.dialect

    def __enter__(self):
        real = type(self.dialect).do_commit

        def do_commit(connection):
            self.calls += 1
            if self.calls > 1:
                return real(self.dialect, connection)
            if self.landed:
                real(self.dialect, connection)
            else:
                connection.rollback()  # the server drops a transaction whose connection was lost
            if self.then:
                self.then()
            raise OperationalError("COMMIT", {}, Exception("connection lost during commit"))

        self.dialect.do_commit = do_commit
        return self

    def __exit__(self, *_exc):
        del self.dialect.do_commit


def test_a_request_that_failed_while_committing_is_not_run_again(client, attempt):
    body, token = attempt
    with CommitLost(landed=False) as lost:
        response = client.post(f"/api/v1/attempts/{body['id']}/submit", headers={"X-CSRFToken": token})
    assert response.status_code == 503 and lost.calls == 1  # a submit's outcome is unknown: not run again
    assert client.get(f"/api/v1/attempts/{body['id']}").get_json()["status"] == "open"


@pytest.mark.parametrize("landed", [False, True])
def test_an_answer_save_cut_off_in_its_commit_is_run_again_and_stored_once(client, attempt, landed):
    """Whether or not the first commit landed, the save is an upsert of the same values: it runs again."""
    body, token = attempt
    with CommitLost(landed) as lost:
        response = _save(client, body, token, option=1)
    assert response.status_code == 200 and lost.calls == 2
    question = next(q for q in body["questions"] if q["type"] == "single")
    rows = db.session.scalars(select(AttemptAnswer.answer).where(AttemptAnswer.attempt_id == body["id"])).all()
    assert len(rows) == 1  # stored once, in the bank's ids; the learner sees the attempt's own
    answers = client.get(f"/api/v1/attempts/{body['id']}").get_json()["answers"]
    assert answers[question["id"]]["answer"] == question["options"][1]["id"]


def test_a_heartbeat_whose_commit_landed_but_was_cut_off_earns_nothing_more_when_run_again(client, attempt, clock):
    """The replay acts at the time the beat arrived, not after the outage: no time is credited twice."""
    _, token = attempt

    def beat():
        return client.post("/api/v1/heartbeat", json={"lesson": "mini-course/intro", "visible": True, "active": True},
                           headers={"X-CSRFToken": token})

    assert beat().status_code == 200
    clock.advance(30)
    with CommitLost(landed=True, then=lambda: clock.advance(20)) as lost:  # the outage lasts 20 s
        response = beat()
    assert response.status_code == 200 and lost.calls == 2
    assert response.get_json()["total_seconds"] == 30  # the first run's 30 s, and not the outage's 20 on top


def test_a_wrong_statement_is_a_500_at_once_not_an_outage(client, attempt, app):
    """SQLite calls a missing table an OperationalError: that is a bug to log, not a database to wait for."""
    import sqlite3

    calls = []

    def broken(_conn, _cursor, statement, *_args):
        calls.append(statement)
        raise OperationalError(statement, {}, sqlite3.OperationalError("no such table: lessons"))

    event.listen(db.engine, "before_cursor_execute", broken)
    try:
        response = client.get("/hours")
    finally:
        event.remove(db.engine, "before_cursor_execute", broken)
    assert response.status_code == 500 and len(calls) == 1


def test_a_save_whose_first_statement_is_its_commit_is_run_again(client, learner, login, outage):
    """With the user served from memory, a name change writes nothing before its commit: a connection error
    there, before any statement ran, stored nothing, so the request runs again instead of answering 503."""
    login(learner)
    token = csrf_from(client, "/account")
    client.get("/account")  # the learner is now served from memory: the save below reads nothing first
    outage(1, only="UPDATE")
    response = client.post("/account/name", data={"name": "Lena Renamed", "csrf_token": token})
    assert response.status_code == 303 and outage.failed == 1
    db.session.expire_all()
    assert db.session.get(type(learner), learner.id).name == "Lena Renamed"


@pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL: a SQLite file has no server connections to cut; "
                                            "CI runs this on PostgreSQL")
def test_connections_cut_by_a_database_restart_are_replaced_without_pinging_each_checkout(client, attempt, caplog):
    """The pool does not ping on every checkout (a round trip per request): a request that meets a connection
    the server has closed fails on its first statement, before any commit, and is run again on a new one."""
    assert db.engine.pool._pre_ping is False
    body, token = attempt
    assert client.get("/hours").status_code == 200  # the request's connection goes back to the pool
    db.session.remove()
    with db.engine.connect() as admin:
        admin.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    try:
        assert client.get("/hours").status_code == 200
        assert "retrying the request" in caplog.text  # it met a closed connection, and ran again
        assert _save(client, body, token).status_code == 200
    finally:
        db.session.remove()
        db.engine.dispose()  # the test's own connections were cut too: the teardown gets fresh ones
