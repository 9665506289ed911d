"""Who is logged in is served from each server's memory, never more than 5 seconds stale.

Two app instances on one database stand for two app servers. A change takes effect at once on the
server that made it, and on the other by the time its copy expires (the cache's clock is moved by hand).
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from learnpm.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_from, log_in

GOOD = "quiet harbor lanterns at dusk"


@pytest.fixture
def other_server(another_app):
    return another_app()


def _logged_in(server, email, password=DEFAULT_PASSWORD):
    client = server.test_client()
    assert log_in(client, email, password).status_code == 302
    return client


def _copy(client, server):
    """A browser on `server` with the same session cookie as `client` (a balancer, or a copied cookie)."""
    copy = server.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def _post(client, action, page, data):
    return client.post(action, data={**data, "csrf_token": csrf_from(client, page)})


def _status(client, path="/api/v1/me"):
    return client.get(path).status_code


def _expires_on_other_server(clock, there, path="/api/v1/me", refused=(401,)):
    """The other server may serve its copy until it expires; 5 seconds on, it has read the change."""
    clock.advance(5.0)
    assert _status(there, path) in refused


def test_deactivation_takes_effect_at_once_here_and_within_5_seconds_on_the_other_server(
        app, other_server, admin, learner, user_cache_clock):
    here = _logged_in(app, learner.email)
    there = _copy(here, other_server)
    assert _status(here) == 200 and _status(there) == 200  # both servers now hold the learner in memory
    boss = _logged_in(app, admin.email)
    assert _post(boss, f"/admin/users/{learner.id}/active", f"/admin/users/{learner.id}",
                 {"active": "0", "back": "detail"}).status_code == 303
    assert _status(here) == 401
    _expires_on_other_server(user_cache_clock, there)


def test_a_password_change_ends_the_other_sessions_within_5_seconds(app, other_server, learner, user_cache_clock):
    phone = _logged_in(app, learner.email)
    laptop = _logged_in(app, learner.email)
    laptop_elsewhere = _copy(laptop, other_server)
    assert _status(laptop) == 200 and _status(laptop_elsewhere) == 200
    response = _post(phone, "/account/password", "/account/password",
                     {"current": DEFAULT_PASSWORD, "new": GOOD, "confirm": GOOD})
    assert response.status_code == 302
    assert _status(phone) == 200  # the browser that changed it stays in
    assert _status(laptop) == 401
    _expires_on_other_server(user_cache_clock, laptop_elsewhere)


def test_a_logout_ends_a_copied_cookie_within_5_seconds_on_the_other_server(
        app, other_server, learner, user_cache_clock):
    browser = _logged_in(app, learner.email)
    copy_here, copy_there = _copy(browser, app), _copy(browser, other_server)
    assert _status(copy_here) == 200 and _status(copy_there) == 200
    assert _post(browser, "/logout", "/", {}).status_code == 302
    assert _status(copy_here) == 401
    _expires_on_other_server(user_cache_clock, copy_there)


def test_a_role_change_takes_effect_at_once_here_and_within_5_seconds_on_the_other_server(
        app, other_server, admin, instructor, user_cache_clock):
    here = _logged_in(app, instructor.email)
    there = _copy(here, other_server)
    page = "/instructor/classes"
    assert _status(here, page) == 200 and _status(there, page) == 200
    boss = _logged_in(app, admin.email)
    assert _post(boss, f"/admin/users/{instructor.id}", f"/admin/users/{instructor.id}",
                 {"name": instructor.name, "email": instructor.email, "role": "learner"}).status_code == 303
    assert _status(here, page) == 403
    _expires_on_other_server(user_cache_clock, there, page, refused=(403,))


def test_a_logged_in_request_reads_no_user_row_while_the_copy_is_fresh(app, learner, user_cache_clock):
    browser = _logged_in(app, learner.email)
    assert _status(browser) == 200
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (before_cursor_execute's statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert browser.get("/api/v1/me").get_json()["email"] == learner.email
        assert not [s for s in statements if "FROM users" in s]
        user_cache_clock.advance(5.0)
        assert browser.get("/api/v1/me").status_code == 200
        assert [s for s in statements if "FROM users" in s]  # expired: read again
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_the_cache_never_keeps_a_user_longer_than_5_seconds(another_app, learner, user_cache_clock):
    server = another_app(LEARNPM_USER_CACHE_SECONDS=60)
    assert server.extensions["learnpm_user_cache"].seconds == 5.0
    here = _logged_in(server, learner.email)
    assert _status(here) == 200
    learner_row = db.session.merge(learner)
    learner_row.active = False  # changed by another server: this one learns only from the database
    db.session.commit()
    user_cache_clock.advance(5.0)
    assert _status(here) == 401
