"""The public verification page: valid, revoked, unknown, the genuine PDF's SHA-256, nothing else, rate-limited."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from learnpm.certificates.models import Certificate
from learnpm.extensions import db
from tests.certificates import test_issuance as base
from tests.certificates.test_issuance import only_certificate

# The shared fixtures of these tests: the test settings and study time for a learner (the clock is shared).
app_config, study = base.app_config, base.study


@pytest.fixture
def issued(runner, learner, study):
    study(learner)
    result = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert result.exit_code == 0, result.output
    return only_certificate()


def test_a_valid_certificate_shows_every_field_and_the_sha256(app, client, login, learner, issued):
    page = app.test_client().get(f"/verify/{issued.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Valid." in html and "has not been revoked" in html
    for text in (issued.code, "Lena Learner", "Demo course", "Certified Associate in Project Management (CAPM)",
                 "learnpm", "23.3", "25 November 2026", "27 November 2026", "Basics", "More",
                 "Instructor-led sessions and corrections", "The Course Director", "Director of Studies",
                 f"https://learn.example.org/verify/{issued.code}"):
        assert text in html, text
    login(learner)
    downloaded = client.get(f"/certificates/{issued.code}.pdf").data
    assert hashlib.sha256(downloaded).hexdigest() in html


def test_the_page_reveals_nothing_else_about_the_learner(app, learner, issued):
    html = app.test_client().get(f"/verify/{issued.code}").get_data(as_text=True)
    assert learner.email not in html and "learner@" not in html
    assert "/certificates/" not in html  # no link to the PDF or to other certificates
    assert "command line" not in html  # nor who issued it


def test_a_lower_case_code_is_found(app, issued):
    assert app.test_client().get(f"/verify/{issued.code.lower()}").status_code == 200


def test_a_revoked_certificate_says_so_with_the_date_but_not_the_reason(app, runner, issued, clock):
    result = runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Hours recorded in error"])
    assert result.exit_code == 0, result.output
    html = app.test_client().get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "Revoked." in html
    assert f"This certificate was revoked on {clock.now.day} November 2026 and is no longer valid." in html
    assert "Hours recorded in error" not in html
    assert "Valid." not in html


def test_an_unknown_code_is_a_404_with_a_plain_message(client, imported):
    response = client.get("/verify/LPM-2222-3333-4444")
    assert response.status_code == 404
    assert "No certificate has this code." in response.get_data(as_text=True)


def test_the_page_is_rate_limited_per_address(client, issued):
    statuses = [client.get(f"/verify/{issued.code}").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    other = client.get(f"/verify/{issued.code}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_unknown_codes_count_toward_the_limit(client, imported):
    statuses = [client.get(f"/verify/LPM-2222-3333-{n:04d}").status_code for n in range(31)]
    assert set(statuses[:30]) == {404} and statuses[30] == 429


def test_a_reissued_certificate_after_revocation_has_a_new_code(app, runner, learner, issued):
    runner.invoke(args=["certificates", "revoke", issued.code, "--reason", "Name misspelt"])
    refused = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert refused.exit_code == 1  # revocation sticks until an admin re-issues it
    again = runner.invoke(args=["certificates", "reissue", issued.code, "--reason", "Name corrected"])
    assert again.exit_code == 0 and "Re-issued" in again.output
    codes = db.session.scalars(select(Certificate.code).order_by(Certificate.id)).all()
    assert len(codes) == 2 and codes[0] != codes[1]
    client = app.test_client()
    assert "Revoked." in client.get(f"/verify/{codes[0]}").get_data(as_text=True)
    assert "Valid." in client.get(f"/verify/{codes[1]}").get_data(as_text=True)
