"""Registration, log-in, log-out and password change through the forms."""

from sqlalchemy import func, select

from learnpm.auth.models import User
from learnpm.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_from, log_in

GOOD = "violet rivers sing at noon"


def register(client, **fields):
    data = {"name": "Zoë Łukasiewicz-Müller", "email": "zoe@example.com", "password": GOOD,
            "confirm": GOOD, "csrf_token": csrf_from(client, "/register")}
    data.update(fields)
    return client.post("/register", data=data)


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_register_creates_a_learner_and_logs_them_in(client):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert (user.name, user.email, user.role) == ("Zoë Łukasiewicz-Müller", "zoe@example.com", "learner")
    assert user.password_hash.startswith("$argon2id$") and GOOD not in user.password_hash
    page = client.get("/").get_data(as_text=True)
    assert "Log out" in page


def test_duplicate_email_in_another_case_is_refused_and_keeps_what_was_typed(client, make_user):
    make_user(email="zoe@example.com")
    response = register(client, email="  ZOE@Example.COM ", name="Second Zoë")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already exists" in page
    assert 'value="Second Zoë"' in page
    assert user_count() == 1


def test_register_reports_every_problem_with_a_summary(client):
    response = register(client, name="", email="not-an-email", password="short", confirm="other")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    for message in ("Enter your name.", "Enter a valid email address", "Use 15 to 128 characters",
                    "The two passwords differ."):
        assert message in page
    assert 'value="not-an-email"' in page
    assert user_count() == 0


def test_common_password_is_refused_with_a_reason(client):
    response = register(client, password="passwordpassword", confirm="passwordpassword")
    assert response.status_code == 422
    assert "too easy to guess" in response.get_data(as_text=True)
    assert user_count() == 0


def test_oversized_fields_are_refused_cleanly(client):
    response = register(client, name="N" * 5000, email="a" * 300 + "@example.com",
                        password="p" * 200, confirm="p" * 200)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Field cannot be longer than 120 characters" in page
    assert "Use 15 to 128 characters" in page
    assert user_count() == 0


def test_a_body_larger_than_the_limit_answers_413(client):
    response = client.post("/register", data={"name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_hostile_strings_are_stored_verbatim_and_shown_escaped(client, login, make_user):
    hostile = "<script>alert(1)</script>\"'&"
    register(client, name=hostile)
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_missing_or_wrong_csrf_token_is_refused(client):
    for token in (None, "forged-token"):
        data = {"name": "N", "email": "n@example.com", "password": GOOD, "confirm": GOOD}
        if token:
            data["csrf_token"] = token
        response = client.post("/register", data=data)
        assert response.status_code == 400
        assert "Reload the page" in response.get_data(as_text=True)
    assert user_count() == 0


def test_login_with_wrong_password_or_unknown_email_gives_one_message(client, learner):
    for email, password in ((learner.email, "wrong password entirely"), ("nobody@example.com", GOOD)):
        response = log_in(client, email, password)
        assert response.status_code == 422
        assert "The email or password is not right." in response.get_data(as_text=True)


def test_login_is_case_insensitive_on_email_and_logout_needs_post(client, learner):
    assert log_in(client, "LEARNER@example.com").status_code == 302
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data={"csrf_token": csrf_from(client)})
    assert response.status_code == 302
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_deactivated_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    assert log_in(client, user.email).status_code == 422


def test_login_next_only_follows_paths_on_this_site(client, learner):
    token = csrf_from(client, "/login")
    response = client.post("/login?next=//evil.example/x", data={
        "email": learner.email, "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_change_password_ends_other_sessions(app, learner, login):
    other = app.test_client()
    assert log_in(other, learner.email).status_code == 302
    client = login(learner)
    response = client.post("/account/password", data={
        "current": DEFAULT_PASSWORD, "new": GOOD, "confirm": GOOD,
        "csrf_token": csrf_from(client, "/account/password")})
    assert response.status_code == 302
    assert "Log out" in client.get("/").get_data(as_text=True)
    assert "Log out" not in other.get("/").get_data(as_text=True)
    assert log_in(app.test_client(), learner.email, GOOD).status_code == 302


def test_change_password_with_wrong_current_password_is_refused(learner, login):
    client = login(learner)
    response = client.post("/account/password", data={
        "current": "not my password at all", "new": GOOD, "confirm": GOOD,
        "csrf_token": csrf_from(client, "/account/password")})
    assert response.status_code == 422
    assert "current password is not right" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client, learner):
    response = log_in(client, learner.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
