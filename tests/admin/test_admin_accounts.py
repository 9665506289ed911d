"""Admin in the browser: create by invitation, edit, deactivate, send a reset link, audit trail."""

from __future__ import annotations

import pytest

from learnpm.audit import AuditEvent
from learnpm.auth.models import User
from learnpm.extensions import db
from tests.conftest import csrf_from, log_in
from tests.mail_fixtures import link_in

NEW = "amber meadows under slow rain"


@pytest.fixture
def app_config(smtp_server):
    return {"LEARNPM_SMTP_URL": smtp_server[1]}


@pytest.fixture
def inbox(smtp_server):
    return smtp_server[0]


def _user(email):
    db.session.expire_all()
    return db.session.query(User).filter_by(email_normalized=email.lower()).one()


def test_admin_creates_an_account_and_the_invitation_is_accepted(app, client, admin, login, inbox):
    login(admin)
    token = csrf_from(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={"name": "Omar Farouk", "email": "omar@example.com",
                                                     "role": "instructor", "csrf_token": token})
    assert response.status_code == 303
    [message] = inbox.wait_for(1)
    assert message["To"] == "omar@example.com" and "Ada Admin" in message.get_body(("plain",)).get_content()
    created = _user("omar@example.com")
    assert created.role == "instructor"
    event = AuditEvent.query.filter_by(action="user.invite").one()
    assert event.actor_label == admin.email and event.target == f"user:{created.id}"
    invitee = app.test_client()
    path = link_in(message)
    response = invitee.post(path, data={"password": NEW, "confirm": NEW, "csrf_token": csrf_from(invitee, path)})
    assert response.status_code == 302
    assert invitee.get("/api/v1/me").get_json()["role"] == "instructor"


def test_a_duplicate_or_bad_account_is_refused_with_nothing_created(client, admin, learner, login, inbox):
    login(admin)
    for data, message in [({"name": "Dup", "email": "LEARNER@example.com"}, "already exists"),
                          ({"name": "Bad\u202eName", "email": "x@example.com"}, "U+202E"),
                          ({"name": "No At", "email": "not-an-email"}, "valid email")]:
        token = csrf_from(client, "/admin/users/new")
        response = client.post("/admin/users/new", data={**data, "role": "learner", "csrf_token": token})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert User.query.count() == 2 and inbox.messages == []


def test_admin_edits_name_email_and_role_each_audited(client, admin, learner, login):
    login(admin)
    path = f"/admin/users/{learner.id}"
    response = client.post(path, data={"name": "Lena Berg", "email": "lena.berg@example.com", "role": "instructor",
                                       "csrf_token": csrf_from(client, path)})
    assert response.status_code == 303
    user = _user("lena.berg@example.com")
    assert (user.name, user.role) == ("Lena Berg", "instructor")
    actions = {e.action for e in AuditEvent.query.filter_by(target=f"user:{learner.id}")}
    assert {"user.name", "user.email", "user.role"} <= actions
    page = client.get(path).get_data(as_text=True)
    assert "user.email" in page and admin.email in page


def test_an_edit_that_fails_changes_nothing(client, admin, learner, make_user, login):
    make_user(email="taken@example.com")
    login(admin)
    path = f"/admin/users/{learner.id}"
    response = client.post(path, data={"name": "Changed Name", "email": "taken@example.com", "role": "learner",
                                       "csrf_token": csrf_from(client, path)})
    assert response.status_code == 422 and "already uses" in response.get_data(as_text=True)
    assert _user(learner.email).name == "Lena Learner"
    assert AuditEvent.query.filter_by(action="user.name").count() == 0


def test_admin_sends_a_reset_link(app, client, admin, learner, login, inbox):
    login(admin)
    path = f"/admin/users/{learner.id}"
    response = client.post(f"{path}/reset", data={"csrf_token": csrf_from(client, path)})
    assert response.status_code == 303
    [message] = inbox.wait_for(1)
    assert message["To"] == learner.email and "/password/reset/" in link_in(message)
    assert AuditEvent.query.filter_by(action="user.reset_sent").one().actor_label == admin.email


def test_deactivation_and_reactivation_from_the_detail_page(app, client, admin, learner, login):
    other = app.test_client()
    log_in(other, learner.email)
    login(admin)
    path = f"/admin/users/{learner.id}"
    response = client.post(f"/admin/users/{learner.id}/active",
                           data={"active": "0", "back": "detail", "csrf_token": csrf_from(client, path)})
    assert response.status_code == 303 and response.location.endswith(path)
    assert other.get("/api/v1/me").status_code == 401
    assert log_in(other, learner.email).status_code == 422
    client.post(f"/admin/users/{learner.id}/active", data={"active": "1", "csrf_token": csrf_from(client, path)})
    assert log_in(other, learner.email).status_code == 302


def test_the_audit_log_pages_and_filters(client, admin, make_user, login):
    login(admin)
    for i in range(3):
        user = make_user(email=f"p{i}@example.com")
        client.post(f"/admin/users/{user.id}/role", data={"role": "instructor", "csrf_token": csrf_from(client)})
    page = client.get("/admin/audit?action=user.role").get_data(as_text=True)
    assert "3 events" in page
    assert client.get("/admin/audit?page=99999").status_code == 200


def test_admin_pages_are_for_admins_only(client, learner, instructor, login):
    login(instructor)
    for path in ("/admin/users/new", f"/admin/users/{learner.id}", "/admin/audit"):
        assert client.get(path).status_code == 403
