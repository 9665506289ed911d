"""Log-out on the server, password reset, invitations, email change, against a real SMTP server."""

from __future__ import annotations

import time

import pytest

from learnpm.audit import AuditEvent
from learnpm.auth import recovery
from learnpm.auth.models import User
from tests.conftest import DEFAULT_PASSWORD, csrf_from, log_in
from tests.mail_fixtures import link_in

NEW_PASSWORD = "violet harbour lantern seventeen"


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server[0]


@pytest.fixture
def app_config(smtp_server):
    return {"LEARNPM_SMTP_URL": smtp_server[1]}


def _copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _post(client, path, data=None, page="/account"):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_from(client, page)})


def test_logout_makes_a_copied_cookie_answer_401(app, client, learner, login):
    login(learner)
    copy = _copy_of(app, client)
    assert copy.get("/api/v1/me").status_code == 200
    assert _post(client, "/logout", page="/").status_code == 302
    assert copy.get("/api/v1/me").status_code == 401
    assert copy.get("/hours").status_code == 302  # to the log-in page


def test_logout_leaves_the_learners_other_browsers_logged_in(app, learner):
    laptop, phone = app.test_client(), app.test_client()
    assert log_in(laptop, learner.email).status_code == 302
    assert log_in(phone, learner.email).status_code == 302
    _post(laptop, "/logout", page="/")
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 200


def test_log_out_everywhere_ends_every_session_and_copied_cookies(app, another_app, learner, user_cache_clock):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, learner.email)
    log_in(phone, learner.email)
    copy_on_other_server = another_app().test_client()
    copy_on_other_server.set_cookie("session", phone.get_cookie("session").value)
    assert copy_on_other_server.get("/api/v1/me").status_code == 200
    page = phone.get("/account").get_data(as_text=True)
    assert "logged in on 2 browsers" in page
    response = _post(phone, "/account/logout-everywhere")
    assert response.status_code == 303
    for browser in (laptop, phone):  # at once on the server that handled it
        assert browser.get("/api/v1/me").status_code == 401
    user_cache_clock.advance(5)  # within 5 seconds on every other server
    assert copy_on_other_server.get("/api/v1/me").status_code == 401
    assert log_in(laptop, learner.email).status_code == 302  # the password still works
    event = AuditEvent.query.filter_by(action="user.sessions_ended").one()
    assert event.actor_label == learner.email


def _forgot(client, email):
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_from(client, "/password/forgot")})


def test_the_whole_reset_flow(app, client, learner, mailbox):
    other_browser = app.test_client()
    log_in(other_browser, learner.email)
    assert "Forgot password?" in client.get("/login").get_data(as_text=True)
    response = _forgot(client, "  LEARNER@example.com ")
    assert response.status_code == 200 and "Check your mail" in response.get_data(as_text=True)
    [message] = mailbox.wait_for(1)
    assert message["To"] == learner.email and message.get_body(("html",)) is not None
    path = link_in(message)
    assert path.startswith("/password/reset/")
    assert client.get(path).status_code == 200
    token = csrf_from(client, path)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert other_browser.get("/api/v1/me").status_code == 401  # other sessions ended
    assert log_in(client, learner.email, DEFAULT_PASSWORD).status_code == 422  # the old password is refused
    assert log_in(client, learner.email, NEW_PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client)})
    # The link works once.
    again = client.get(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    other = "another fine passphrase here"
    assert client.post(path, data={"password": other, "confirm": other,
                                   "csrf_token": csrf_from(client, "/login")}).status_code == 400
    assert AuditEvent.query.filter_by(action="password.reset").count() == 1


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, learner, mailbox):
    known = _forgot(client, learner.email).get_data(as_text=True)
    unknown = _forgot(client, "nobody@example.com").get_data(as_text=True)

    def body(page, email):
        return page.split('<main id="main"')[1].split("</main>")[0].replace(email, "EMAIL")

    assert body(known, learner.email) == body(unknown, "nobody@example.com")
    mailbox.wait_for(1)
    time.sleep(0.3)
    assert [m["To"] for m in mailbox.messages] == [learner.email]


def test_a_deactivated_account_gets_no_reset_mail(client, make_user, mailbox):
    user = make_user(email="gone@example.com", active=False)
    assert _forgot(client, user.email).status_code == 200
    time.sleep(0.3)
    assert mailbox.messages == []


def test_a_reset_link_dies_with_a_later_password_change(client, learner, login, mailbox):
    _forgot(client, learner.email)
    path = link_in(mailbox.wait_for(1)[0])
    login(learner)
    token = csrf_from(client, "/account/password")
    client.post("/account/password", data={"current": DEFAULT_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                           "csrf_token": token})
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
                                    lambda t: t + "x", lambda t: "x" * 700, lambda t: "%00" + t,
                                    lambda t: t.replace(".", "..", 1)])
def test_a_tampered_reset_link_is_refused(client, learner, mailbox, mangle):
    _forgot(client, learner.email)
    path = link_in(mailbox.wait_for(1)[0])
    token = path.rsplit("/", 1)[1]
    response = client.get(f"/password/reset/{mangle(token)}")
    assert response.status_code in (400, 404)
    if response.status_code == 400:  # the link's own message, or the input guard's for a NUL
        assert "not valid" in response.get_data(as_text=True) or "NUL" in response.get_data(as_text=True)


def test_a_reset_link_expires_after_an_hour(app, learner):
    links = recovery.Links(app.config["SECRET_KEY"], "http://x")
    user = db_user(learner.id)
    from learnpm.auth import tokens

    token = tokens.make(links.secret, "reset", {"u": user.id, "p": tokens.password_stamp(user.password_hash)})
    assert recovery.check_reset(token, links, now=time.time() + 3500).id == user.id
    with pytest.raises(Exception, match="expired"):
        recovery.check_reset(token, links, now=time.time() + 3700)
    # A reset token is not an invitation, nor the other way round.
    with pytest.raises(Exception, match="not valid"):
        recovery.check_invitation(token, links)


def db_user(user_id):
    from learnpm.extensions import db

    db.session.expire_all()  # read what the requests committed
    return db.session.get(User, user_id)


def test_the_new_password_must_meet_the_policy(client, learner, mailbox):
    _forgot(client, learner.email)
    path = link_in(mailbox.wait_for(1)[0])
    for weak, message in [("short one", "15 to 128"), ("passwordpassword1", "too easy to guess")]:
        token = csrf_from(client, path)
        response = client.post(path, data={"password": weak, "confirm": weak, "csrf_token": token})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert client.get(path).status_code == 200  # still usable


def test_reset_requests_are_throttled_per_account(client, learner, mailbox):
    statuses = [_forgot(client, learner.email).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    # the same limit whether or not the account exists
    assert [_forgot(client, "ghost@example.com").status_code for _ in range(6)][-1] == 429


@pytest.fixture
def tight_address_limit(app):
    app.config["LEARNPM_RESET_ADDRESS_LIMIT"] = "3 per hour"


def test_reset_requests_are_throttled_per_address(client, tight_address_limit, mailbox):
    statuses = [_forgot(client, f"person{i}@example.com").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_an_invitation_from_the_command_line_is_accepted(app, client, runner, mailbox):
    result = runner.invoke(args=["users", "invite", "--email", "new@example.com", "--name", "Nadia New"])
    assert result.exit_code == 0, result.output
    [message] = mailbox.wait_for(1)  # delivered before the command returned
    assert "7 days" in message.get_body(("plain",)).get_content()
    path = link_in(message)
    assert log_in(client, "new@example.com", "").status_code == 422  # no password yet
    page = client.get(path)
    assert page.status_code == 200 and "Welcome, Nadia New" in page.get_data(as_text=True)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                       "csrf_token": csrf_from(client, path)})
    assert response.status_code == 302
    assert client.get("/api/v1/me").get_json()["email"] == "new@example.com"
    assert client.get(path).status_code == 400  # once only
    assert runner.invoke(args=["users", "invite", "--email", "NEW@example.com", "--name", "X"]).exit_code == 1


def test_an_invitation_expires_after_seven_days(app, runner, mailbox):
    runner.invoke(args=["users", "invite", "--email", "late@example.com", "--name", "Late Comer", "--role",
                        "instructor"])
    token = link_in(mailbox.wait_for(1)[0]).rsplit("/", 1)[1]
    links = recovery.Links(app.config["SECRET_KEY"], "http://x")
    assert recovery.check_invitation(token, links, now=time.time() + 6.9 * 86400).role == "instructor"
    with pytest.raises(Exception, match="expired"):
        recovery.check_invitation(token, links, now=time.time() + 7.1 * 86400)


def test_an_email_change_is_confirmed_by_a_link_to_the_new_address(app, client, learner, login, mailbox):
    login(learner)
    response = _post(client, "/account/email", {"email": "lena.new@example.com"})
    assert response.status_code == 303
    [message] = mailbox.wait_for(1)
    assert message["To"] == "lena.new@example.com"
    assert db_user(learner.id).email == "learner@example.com"  # not before the link is opened
    path = link_in(message)
    assert client.get(path).status_code == 302
    assert client.get("/api/v1/me").get_json()["email"] == "lena.new@example.com"
    notice = mailbox.wait_for(2)[1]
    assert notice["To"] == "learner@example.com" and "changed" in notice["Subject"]
    assert client.get(path).status_code == 400  # used
    assert log_in(app.test_client(), "lena.new@example.com").status_code == 302


def test_an_email_change_to_a_taken_address_is_refused(client, learner, make_user, login, mailbox):
    make_user(email="taken@example.com")
    login(learner)
    response = _post(client, "/account/email", {"email": "Taken@example.com"})
    assert response.status_code == 422 and "already uses" in response.get_data(as_text=True)


def test_a_name_change_notes_that_issued_certificates_keep_theirs(client, learner, login):
    login(learner)
    response = _post(client, "/account/name", {"name": "  Lena   Müller "})
    assert response.status_code == 303
    assert db_user(learner.id).name == "Lena Müller"
    assert "certificates already issued keep" in client.get("/account").get_data(as_text=True)
    event = AuditEvent.query.filter_by(action="user.name").one()
    assert event.detail == {"old": "Lena Learner", "new": "Lena Müller"}


@pytest.mark.parametrize("name, message", [("Lena\u202eAdmin", "U+202E"), ("Lena\u0007", "U+0007"),
                                           ("=HYPERLINK(\"x\")", "formula"), ("Zero\u200bWidth", "U+200B"),
                                           ("Lena\u0000", "NUL")])
def test_names_with_control_or_bidi_characters_are_refused(client, learner, login, name, message):
    login(learner)
    response = _post(client, "/account/name", {"name": name})
    assert response.status_code in (400, 422) and message in response.get_data(as_text=True)  # 400: input guard
    assert db_user(learner.id).name == "Lena Learner"


def test_my_data_holds_profile_hours_attempts_and_certificates(client, learner, login):
    login(learner)
    response = client.get("/account/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert set(data) >= {"profile", "hours", "attempts", "certificates"}
    assert data["profile"]["email"] == learner.email and data["hours"]["entries"] == []


def test_registration_by_invitation_only(app, client):
    app.config["LEARNPM_REGISTRATION"] = "invite"
    assert client.get("/register").status_code == 403
    response = client.post("/register", data={"name": "A", "email": "a@example.com", "password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD, "csrf_token": csrf_from(client, "/login")})
    assert response.status_code == 403
    assert User.query.count() == 0
    assert "Create an account" not in client.get("/login").get_data(as_text=True)


def test_registration_limited_to_domains(app, client):
    app.config["LEARNPM_REGISTRATION"] = "domain:school.example,uni.example"

    def register(email):
        return client.post("/register", data={"name": "Pat Doe", "email": email, "password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD, "csrf_token": csrf_from(client, "/register")})

    refused = register("pat@gmail.com")
    assert refused.status_code == 422 and "school.example, uni.example" in refused.get_data(as_text=True)
    assert register("pat@evil-school.example").status_code == 422
    assert register("Pat@Uni.Example").status_code == 302


@pytest.mark.parametrize("value", ["a\x00b@example.com", "x" * 300 + "@example.com", "\ufffd\u202e@example.com"])
def test_hostile_addresses_get_a_clear_answer(client, learner, login, value, mailbox):
    """(A lone surrogate cannot arrive over HTTP: %ED%A0%80 decodes to U+FFFD; the services refuse it too.
    A NUL meets the app's input guard first: 400.)"""
    assert _forgot(client, value).status_code in (200, 400, 422)
    token = csrf_from(client, "/login")
    assert client.post("/login", data={"email": value, "password": "whatever it is here", "csrf_token": token}
                       ).status_code in (400, 422)
    login(learner)
    assert _post(client, "/account/email", {"email": value}).status_code in (400, 422)
    assert _post(client, "/account/name", {"name": value}).status_code in (303, 400, 422)
    assert mailbox.messages == []


def test_a_huge_body_is_refused(client):
    response = client.post("/password/forgot", data={"email": "x" * (10 * 1024 * 1024)})
    assert response.status_code == 413


def test_lone_surrogates_and_nul_are_refused_by_the_services(app):
    from learnpm.auth import services
    from learnpm.errors import ValidationError

    assert services.find_by_email("\ud800@example.com") is None
    with pytest.raises(ValidationError):
        services.create_user("a\ud800@example.com", "Name", None)
    with pytest.raises(ValidationError, match="U\\+D800"):
        services.create_user("a@example.com", "Na\ud800me", None)
