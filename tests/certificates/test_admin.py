"""Admins list and revoke certificates and edit the settings; every certificate form checks its CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnpm.audit import AuditEvent
from learnpm.certificates.models import CertificateSettings
from learnpm.extensions import db
from tests.certificates import test_issuance as base
from tests.certificates.test_issuance import only_certificate
from tests.conftest import csrf_from, log_in

SETTINGS = {"provider_name": "Acme Training", "provider_number": "", "signatory_name": "Jane Doe",
            "signatory_title": "Head of Training"}

# The shared fixtures of these tests: the test settings and study time for a learner (the clock is shared).
app_config, study = base.app_config, base.study


@pytest.fixture
def issued(runner, learner, study):
    study(learner)
    assert runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"]).exit_code == 0
    return only_certificate()


def test_admin_lists_and_searches_certificates(client, login, admin, issued, make_user):
    login(admin)
    page = client.get("/admin/certificates").get_data(as_text=True)
    assert "1 certificate" in page and issued.code in page and "learner@example.com" in page
    assert issued.code in client.get("/admin/certificates?q=lena").get_data(as_text=True)
    assert issued.code in client.get(f"/admin/certificates?q={issued.code[-4:].lower()}").get_data(as_text=True)
    assert "No certificate matches" in client.get("/admin/certificates?q=nobody").get_data(as_text=True)


def test_admin_revokes_with_a_reason_and_the_learner_sees_it(app, client, login, admin, learner, issued, clock):
    login(admin)
    token = csrf_from(client, f"/admin/certificates/{issued.code}")
    response = client.post(f"/admin/certificates/{issued.code}", data={"reason": "Hours recorded twice",
                                                                       "csrf_token": token}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Certificate {issued.code} is revoked" in page
    assert "Reason: Hours recorded twice" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert (event.actor_label, event.target, event.detail["reason"]) == (admin.email, f"certificate:{issued.code}",
                                                                         "Hours recorded twice")
    own = app.test_client()
    log_in(own, learner.email)
    mine = own.get("/certificates").get_data(as_text=True)
    assert f"Revoked on {clock.now.date().isoformat()}" in mine
    assert "You are eligible" not in mine and "Get your certificate" not in mine  # revocation sticks
    assert f"certificate {issued.code} was revoked" in mine and "an administrator must reinstate it" in mine
    token = csrf_from(own, "/certificates")
    own.post("/certificates/issue", data={"course": "demo", "csrf_token": token})
    assert only_certificate().code == issued.code  # one click issues nothing new on the same hours
    assert "Revoked." in own.get(f"/verify/{issued.code}").get_data(as_text=True)


def test_a_revoked_certificate_blocks_every_way_of_issuing_until_an_admin_acts(app, runner, client, login, admin,
                                                                                instructor, learner, issued):
    runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Hours in doubt"])
    refused = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert refused.exit_code == 1 and f"certificate {issued.code} was revoked" in refused.output
    login(instructor)
    token = csrf_from(client, "/instructor/courses/demo/certificates")
    client.post("/instructor/courses/demo/certificates/issue-all", data={"csrf_token": token})
    client.post("/instructor/courses/demo/certificates/issue", data={"user_id": str(learner.id),
                                                                     "csrf_token": token})
    from learnpm.certificates.models import Certificate
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    # An instructor cannot lift it.
    response = client.post(f"/admin/certificates/{issued.code}/reinstate", data={"reason": "I say so",
                                                                                "csrf_token": token})
    assert response.status_code == 403


def test_an_admin_reinstates_with_a_reason_in_the_audit_log(app, client, login, admin, learner, issued, runner):
    runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Hours in doubt"])
    login(admin)
    token = csrf_from(client, f"/admin/certificates/{issued.code}")
    assert "Reinstate " + issued.code in client.get(f"/admin/certificates/{issued.code}").get_data(as_text=True)
    client.post(f"/admin/certificates/{issued.code}/reinstate", data={"reason": "", "csrf_token": token})
    db.session.expire_all()
    assert only_certificate().revoked  # no reason, no change
    client.post(f"/admin/certificates/{issued.code}/reinstate", data={"reason": "Checked the ledger: fine",
                                                                      "csrf_token": token})
    db.session.expire_all()
    certificate = only_certificate()
    assert not certificate.revoked and certificate.reinstated_reason == "Checked the ledger: fine"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reinstate"))
    assert event.actor_label == admin.email and event.detail["reason"] == "Checked the ledger: fine"
    assert "Valid." in client.get(f"/verify/{issued.code}").get_data(as_text=True)


def test_an_admin_reissues_with_a_reason_and_the_old_one_points_at_the_new(app, runner, admin, learner, issued):
    runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Name misspelt"])
    result = runner.invoke(args=["certificates", "reissue", issued.code, "--reason", "Name corrected",
                                 "--by", admin.email])
    assert result.exit_code == 0, result.output
    from learnpm.certificates.models import Certificate
    old, new = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert old.revoked and old.reissued_as == new.code and not new.revoked
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reissue"))
    assert event.detail == {"reason": "Name corrected", "new_code": new.code, "created": True}
    again = runner.invoke(args=["certificates", "reissue", issued.code, "--reason", "Again please"])
    assert again.exit_code == 1 and "already re-issued" in again.output
    assert runner.invoke(args=["certificates", "reinstate", new.code, "--reason", "Not revoked"]).exit_code == 1


@pytest.mark.parametrize("reason, message", [("", "Give a reason."), ("no", "Give a reason of 3 to 500 characters."),
                                             ("x" * 501, "Give a reason of 3 to 500 characters.")])
def test_revocation_needs_a_reason(client, login, admin, issued, reason, message):
    login(admin)
    token = csrf_from(client, f"/admin/certificates/{issued.code}")
    response = client.post(f"/admin/certificates/{issued.code}", data={"reason": reason, "csrf_token": token})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert only_certificate().revoked_at is None


def test_instructors_and_learners_cannot_revoke(app, client, login, instructor, learner, issued):
    for user in (instructor, learner):
        other = app.test_client()
        log_in(other, user.email)
        token = csrf_from(other)
        assert other.get("/admin/certificates").status_code == 403
        assert other.post(f"/admin/certificates/{issued.code}", data={"reason": "Because",
                                                                      "csrf_token": token}).status_code == 403
    assert only_certificate().revoked_at is None


def test_revoke_command(runner, admin, instructor, issued):
    refused = runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Typo", "--by",
                                  instructor.email])
    assert refused.exit_code == 1 and "not an admin" in refused.output
    unknown = runner.invoke(args=["certificates", "revoke", "LPM-2222-3333-4444", "--reason", "Typo"])
    assert unknown.exit_code == 1 and "No certificate has this code" in unknown.output
    ok = runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Name misspelt", "--by",
                             admin.email])
    assert ok.exit_code == 0 and ok.output.startswith(f"Revoked certificate {issued.code} on ")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.actor_id == admin.id and event.detail["reason"] == "Name misspelt"
    again = runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Again"])
    assert again.exit_code == 1 and "already revoked" in again.output


def test_admin_saves_the_settings(client, login, admin):
    login(admin)
    page = client.get("/admin/certificates/settings").get_data(as_text=True)
    assert 'value="learnpm"' in page and "nobody has saved settings yet" in page
    token = csrf_from(client, "/admin/certificates/settings")
    response = client.post("/admin/certificates/settings", data={**SETTINGS, "provider_number": " PMI-4711 ",
                                                                "csrf_token": token}, follow_redirects=True)
    assert "Certificate settings saved." in response.get_data(as_text=True)
    row = db.session.get(CertificateSettings, 1)
    assert (row.provider_name, row.provider_number, row.signatory_name, row.signatory_title) == (
        "Acme Training", "PMI-4711", "Jane Doe", "Head of Training")
    assert row.updated_by == admin.email
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.settings"))
    assert event.detail["provider_name"] == "Acme Training"
    client.post("/admin/certificates/settings", data={**SETTINGS, "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(CertificateSettings, 1).provider_number is None  # emptied: no number printed


@pytest.mark.parametrize("changes, message", [
    ({"provider_name": ""}, "Enter the provider&#39;s name."),
    ({"provider_name": "A"}, "Use 2 to 200 characters."),
    ({"signatory_name": "   "}, "Enter the signatory&#39;s name."),
    ({"signatory_title": "t" * 121}, "Use 2 to 120 characters."),
    ({"provider_number": "9" * 61}, "Use at most 60 characters."),
    ({"signatory_name": "王小明"}, "Signatory name: the certificate cannot print"),
    ({"provider_name": "Acme 🎓 Training"}, "Provider name: the certificate cannot print"),
])
def test_settings_form_refuses_bad_input(client, login, admin, changes, message):
    login(admin)
    token = csrf_from(client, "/admin/certificates/settings")
    response = client.post("/admin/certificates/settings", data={**SETTINGS, **changes, "csrf_token": token})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(CertificateSettings, 1) is None


def test_settings_are_for_admins_only(client, login, instructor):
    login(instructor)
    assert client.get("/admin/certificates/settings").status_code == 403


@pytest.mark.parametrize("role, path, data", [
    ("learner", "/certificates/issue", {"course": "demo"}),
    ("instructor", "/instructor/courses/demo/certificates/issue", {"user_id": "1"}),
    ("instructor", "/instructor/courses/demo/certificates/issue-all", {}),
    ("admin", "/admin/certificates/settings", SETTINGS),
    ("admin", "/admin/certificates/CODE", {"reason": "Because"}),
])
def test_every_form_needs_its_csrf_token(client, login, make_user, issued, role, path, data):
    login(make_user(role=role))
    response = client.post(path.replace("CODE", issued.code), data=data)
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    db.session.expire_all()
    certificate = only_certificate()
    assert certificate.revoked_at is None
    assert db.session.get(CertificateSettings, 1) is None
