"""Which role may open which page, and what admins can do to accounts."""

import pytest
from sqlalchemy import select

from learnpm.audit import AuditEvent
from learnpm.extensions import db
from tests.conftest import csrf_from

# page -> the least role that may open it (None: anyone)
PAGES = {
    "/": None,
    "/login": None,
    "/register": None,
    "/account/password": "learner",
    "/admin/users": "admin",
}
RANK = {None: -1, "learner": 0, "instructor": 1, "admin": 2}


@pytest.mark.parametrize("role", [None, "learner", "instructor", "admin"])
@pytest.mark.parametrize("path", list(PAGES))
def test_role_table(client, make_user, login, role, path):
    if role:
        login(make_user(role=role))
    response = client.get(path)
    needed = PAGES[path]
    if RANK[role] >= RANK[needed]:
        assert response.status_code in (200, 302) and response.status_code != 403
        if path in ("/login", "/register") and role:
            assert response.status_code == 302  # already logged in
        else:
            assert response.status_code == 200
    elif role is None:
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    else:
        assert response.status_code == 403


def test_admin_changes_a_role_and_it_is_logged(client, admin, learner, login):
    login(admin)
    response = client.post(f"/admin/users/{learner.id}/role",
                           data={"role": "instructor", "csrf_token": csrf_from(client, "/admin/users")})
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.role == "instructor"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role"))
    assert event.actor_id == admin.id and event.detail == {"old": "learner", "new": "instructor"}


def test_admin_cannot_demote_or_deactivate_themselves(client, admin, login):
    login(admin)
    token = csrf_from(client, "/admin/users")
    client.post(f"/admin/users/{admin.id}/role", data={"role": "learner", "csrf_token": token})
    page = client.post(f"/admin/users/{admin.id}/active", data={"active": "0", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active
    assert "cannot deactivate your own account" in page


def test_deactivating_an_account_ends_its_session(app, admin, learner, login):
    learner_client = app.test_client()
    from tests.conftest import log_in
    assert log_in(learner_client, learner.email).status_code == 302
    client = login(admin)
    client.post(f"/admin/users/{learner.id}/active",
                data={"active": "0", "csrf_token": csrf_from(client, "/admin/users")})
    assert learner_client.get("/account/password").status_code == 302


def test_unknown_role_or_user_is_refused(client, admin, learner, login):
    login(admin)
    token = csrf_from(client, "/admin/users")
    assert client.post(f"/admin/users/{learner.id}/role",
                       data={"role": "superuser", "csrf_token": token}).status_code == 400
    assert client.post("/admin/users/99999/role",
                       data={"role": "admin", "csrf_token": token}).status_code == 404
    assert client.post(f"/admin/users/{learner.id}/active",
                       data={"active": "maybe", "csrf_token": token}).status_code == 400


def test_admin_user_list_searches_and_paginates(client, admin, make_user, login):
    for i in range(60):
        make_user(email=f"student{i:02d}@example.com")
    login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "61 accounts" in page and "Page 1 of 2" in page
    page = client.get("/admin/users?q=STUDENT07").get_data(as_text=True)
    assert "student07@example.com" in page and "student08@example.com" not in page
