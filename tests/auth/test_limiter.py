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
