"""Log-in and registration throttling."""

import pytest

from tests.conftest import csrf_from, log_in


def test_more_than_ten_failed_logins_a_minute_on_one_account_answers_429(client, learner):
    for _ in range(10):
        assert log_in(client, learner.email, "wrong password attempt").status_code == 422
    response = log_in(client, learner.email, "wrong password attempt")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # the right password is refused too while the account is throttled
    assert log_in(client, learner.email).status_code == 429


def test_throttling_one_account_leaves_others_alone(client, learner, make_user):
    other = make_user(email="other@example.com")
    for _ in range(11):
        log_in(client, learner.email, "wrong password attempt")
    assert log_in(client, other.email).status_code == 302


def test_successful_logins_do_not_count_as_failures(app, learner):
    for _ in range(15):
        client = app.test_client()
        assert log_in(client, learner.email).status_code == 302


@pytest.fixture
def app_config():
    return {"LEARNPM_REGISTER_LIMIT": "3 per hour"}


def test_registration_is_throttled_per_address(client):
    statuses = []
    for i in range(4):
        token = csrf_from(client, "/register")
        statuses.append(client.post("/register", data={
            "name": "N", "email": f"n{i}@example.com", "password": "short", "confirm": "short",
            "csrf_token": token}).status_code)
    assert statuses == [422, 422, 422, 429]


def _redis_up() -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


def test_two_servers_sharing_redis_share_the_login_limit(another_app, learner):
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379 (CI machines start it)")
    import uuid

    prefix = f"test-{uuid.uuid4().hex}"
    clients = [another_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", RATELIMIT_KEY_PREFIX=prefix).test_client()
               for _ in range(2)]
    for attempt in range(10):
        assert log_in(clients[attempt % 2], learner.email, "wrong password attempt").status_code == 422
    assert log_in(clients[0], learner.email, "wrong password attempt").status_code == 429
    assert log_in(clients[1], learner.email, "wrong password attempt").status_code == 429


def test_an_unreachable_redis_falls_back_to_memory_instead_of_failing(another_app, learner):
    app = another_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6399/0")
    client = app.test_client()
    statuses = [log_in(client, learner.email, "wrong password attempt").status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    assert log_in(app.test_client(), "other@example.com", "whatever it is here").status_code == 422
