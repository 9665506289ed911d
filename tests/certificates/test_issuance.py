"""Issuing certificates (learner, instructor, command line), the snapshot, the PDF and who may download it."""

from __future__ import annotations

import hashlib
import io
import re

import pypdf
import pytest
from sqlalchemy import func, select

from learnpm.audit import AuditEvent
from learnpm.certificates.models import Certificate
from learnpm.extensions import db
from learnpm.hours import services as hours
from learnpm.hours.models import HoursEntry
from learnpm.lessons.models import Course, Module
from tests.conftest import csrf_from, log_in

CODE = re.compile(r"LPM-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock, "LEARNPM_HEARTBEAT_LIMIT": "10000 per second",
            "LEARNPM_PUBLIC_URL": "https://learn.example.org"}


@pytest.fixture
def study(app, imported, clock):
    """Give a learner lesson study on two days and a live session on a third (23.3 h with the defaults)."""

    def do(user, live_minutes: int = 1380, lessons=("first", "third")):
        reader = app.test_client()
        log_in(reader, user.email)
        token = csrf_from(reader)
        for slug in lessons:
            for _ in range(21):  # ten minutes of beats: each lesson's rated duration
                reader.post("/api/v1/heartbeat", json={"lesson": f"demo/{slug}", "tab": "t", "visible": True,
                                                       "active": True}, headers={"X-CSRFToken": token})
                clock.advance(30)
            clock.advance(86_400)
        settings = hours.settings_from(app.config)
        hours.seal_stale(clock.now, settings)
        if live_minutes:
            course = db.session.scalar(select(Course).where(Course.slug == "demo"))
            hours.record_live([user.id], course, live_minutes, "Live workshop", "test", settings, clock.now.date(),
                              today=clock.now.date())
        db.session.expire_all()

    return do


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def only_certificate() -> Certificate:
    return db.session.scalars(select(Certificate)).one()


def issue_as_learner(client, course="demo"):
    token = csrf_from(client, "/certificates")
    return client.post("/certificates/issue", data={"course": course, "csrf_token": token}, follow_redirects=True)


def test_a_learner_short_of_hours_sees_what_is_missing_and_no_button(client, login, learner, study):
    study(learner, live_minutes=600)
    login(learner)
    page = client.get("/certificates").get_data(as_text=True)
    assert "Demo course" in page
    assert "10.3 of 23.0 contact hours" in page
    assert "12.7 more hours of study (10.3 of 23.0 so far)" in page
    assert "Get your certificate" not in page
    response = issue_as_learner(client)
    assert "Not eligible yet for Demo course: still needed: 12.7 more hours of study" in response.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_an_eligible_learner_issues_the_certificate_from_the_page(client, login, learner, study):
    study(learner)
    login(learner)
    page = client.get("/certificates").get_data(as_text=True)
    assert "You are eligible" in page and "Get your certificate" in page
    response = issue_as_learner(client)
    page = response.get_data(as_text=True)
    certificate = only_certificate()
    assert CODE.fullmatch(certificate.code)
    assert f"Your certificate is ready: {certificate.code}." in page
    assert f'href="/certificates/{certificate.code}.pdf"' in page
    assert "Valid" in page and "Get your certificate" not in page
    assert certificate.created_by == learner.email
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issue")).target == \
        f"certificate:{certificate.code}"


def test_issuing_again_returns_the_same_certificate(client, login, learner, study):
    study(learner)
    login(learner)
    issue_as_learner(client)
    code = only_certificate().code
    again = issue_as_learner(client)
    assert f"You already have this certificate: {code}." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_the_snapshot_holds_what_the_certificate_says(client, login, learner, study):
    study(learner)
    login(learner)
    issue_as_learner(client)
    snap = only_certificate().snapshot
    assert snap["learner_name"] == "Lena Learner"
    assert snap["course_title"] == "Demo course"
    assert snap["program_title"] == "Certified Associate in Project Management (CAPM)"
    assert snap["provider_name"] == "learnpm" and snap["provider_number"] is None
    assert snap["contact_seconds"] == 600 + 600 + 1380 * 60
    assert (snap["started_on"], snap["completed_on"], snap["issued_on"]) == ("2026-11-25", "2026-11-27",
                                                                             "2026-11-27")
    assert snap["modules"] == [["Basics", 600], ["More", 600], ["Instructor-led sessions and corrections", 82_800]]
    assert snap["verify_url"] == f"https://learn.example.org/verify/{snap['code']}"


def test_the_pdf_shows_learner_course_hours_dates_and_code(client, login, learner, study):
    study(learner)
    login(learner)
    issue_as_learner(client)
    code = only_certificate().code
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="certificate-{code}.pdf"' in response.headers["Content-Disposition"]
    lines = pdf_text(response.data).splitlines()
    assert "Lena Learner" in lines
    assert "Demo course" in lines
    assert "has completed 23.3 contact hours of project management education in" in lines
    assert "Studied from 25 November 2026 to 27 November 2026" in lines
    assert "27 November 2026" in lines
    assert code in lines
    assert "Basics 0.1" in lines and "More 0.1" in lines
    assert "Instructor-led sessions and corrections 23.0" in lines
    assert "Total contact hours 23.3" in lines
    assert f"https://learn.example.org/verify/{code}" in "\n".join(lines)


def test_downloading_twice_gives_identical_bytes_matching_the_stored_sha256(client, login, learner, study):
    study(learner)
    login(learner)
    issue_as_learner(client)
    certificate = only_certificate()
    first = client.get(f"/certificates/{certificate.code}.pdf").data
    second = client.get(f"/certificates/{certificate.code}.pdf").data
    assert first == second
    assert hashlib.sha256(first).hexdigest() == certificate.pdf_sha256


def test_another_learner_gets_404_and_staff_may_download(app, client, login, learner, make_user, instructor, admin,
                                                         study):
    study(learner)
    login(learner)
    issue_as_learner(client)
    code = only_certificate().code
    for user, status in ((make_user(email="nosy@example.com"), 404), (instructor, 200), (admin, 200)):
        other = app.test_client()
        log_in(other, user.email)
        assert other.get(f"/certificates/{code}.pdf").status_code == status, user.email
        assert other.get(f"/certificates/{code}/audit-pack.zip").status_code == status, user.email
    anonymous = app.test_client().get(f"/certificates/{code}.pdf")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_an_unknown_code_is_a_404(client, login, learner, imported):
    login(learner)
    assert client.get("/certificates/LPM-AAAA-BBBB-CCCC.pdf").status_code == 404


def test_later_changes_to_the_learner_and_course_do_not_alter_the_certificate(app, client, login, learner, study):
    study(learner)
    login(learner)
    issue_as_learner(client)
    certificate = only_certificate()
    before = client.get(f"/certificates/{certificate.code}.pdf").data
    learner.name = "Renamed Person"
    course = db.session.scalar(select(Course).where(Course.slug == "demo"))
    course.title = "A Renamed Course"
    db.session.scalar(select(Module).where(Module.title == "Basics")).title = "Renamed module"
    db.session.commit()
    after = client.get(f"/certificates/{certificate.code}.pdf").data
    assert after == before
    text = pdf_text(after)
    assert "Lena Learner" in text and "Demo course" in text and "Basics 0.1" in text
    assert "Renamed" not in text
    verify = app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Lena Learner" in verify and "Demo course" in verify and "Renamed" not in verify
    page = client.get("/certificates").get_data(as_text=True)
    assert f"{certificate.code}" in page


def test_settings_print_on_certificates_issued_afterwards_only(client, login, learner, make_user, admin, study, app):
    study(learner)
    login(learner)
    issue_as_learner(client)
    first = only_certificate()
    boss = app.test_client()
    log_in(boss, admin.email)
    token = csrf_from(boss, "/admin/certificates/settings")
    boss.post("/admin/certificates/settings", data={
        "provider_name": "Acme Training GmbH", "provider_number": "4711", "signatory_name": "Dr. Jana Nováková",
        "signatory_title": "Head of Training", "csrf_token": token})
    second_learner = make_user(email="second@example.com", name="Søren Kierkegaard")
    study(second_learner)
    second = app.test_client()
    log_in(second, second_learner.email)
    issue_as_learner(second)
    newer = db.session.scalar(select(Certificate).where(Certificate.user_id == second_learner.id))
    text = pdf_text(second.get(f"/certificates/{newer.code}.pdf").data)
    assert "Acme Training GmbH" in text and "Provider number 4711" in text
    assert "Dr. Jana Nováková" in text and "Head of Training" in text and "Søren Kierkegaard" in text
    old_text = pdf_text(client.get(f"/certificates/{first.code}.pdf").data)
    assert "Acme" not in old_text and "Director of Studies" in old_text


def demo_with_assessment() -> Course:
    """Give the demo course an end-of-course assessment with a 70 % pass mark; return it."""
    course = db.session.scalar(select(Course).where(Course.slug == "demo"))
    course.assessment = {"questions": 10, "minutes": 15, "pass_percent": 70}
    db.session.commit()
    return course


def test_assessment_required_and_not_passed_blocks_issuance(client, login, learner, study):
    study(learner)
    demo_with_assessment()
    login(learner)
    page = client.get("/certificates").get_data(as_text=True)
    assert "pass the end-of-course assessment (70 % needed; not taken yet)" in page
    assert "Get your certificate" not in page
    assert "pass the end-of-course assessment" in issue_as_learner(client).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def closed_final(user, course: Course, percent: float) -> None:
    """Store a closed end-of-course attempt with this score, as grading would."""
    from learnpm.quizzes.models import Attempt

    db.session.add(Attempt(user_id=user.id, program_id=course.program_id, course_id=course.id, mode="final",
                           status="closed", closed_at=course.updated_at, score_percent=percent,
                           passed=percent >= 70))
    db.session.commit()


def test_assessment_passed_allows_issuance(client, login, learner, study):
    study(learner)
    course = demo_with_assessment()
    closed_final(learner, course, 55.0)
    closed_final(learner, course, 80.0)  # the best attempt counts
    login(learner)
    assert "Get your certificate" in client.get("/certificates").get_data(as_text=True)
    issue_as_learner(client)
    assert only_certificate().user_id == learner.id


def test_assessment_failed_shows_the_best_score(client, login, learner, study):
    study(learner)
    course = demo_with_assessment()
    closed_final(learner, course, 40.0)
    closed_final(learner, course, 55.0)
    login(learner)
    assert "pass the end-of-course assessment (70 % needed; best so far 55 %)" in client.get(
        "/certificates").get_data(as_text=True)


def test_instructor_issues_one_learner_and_then_all_eligible(app, client, login, instructor, make_user, study):
    ready = [make_user(email=f"ready{n}@example.com", name=f"Ready {n}") for n in range(3)]
    short = make_user(email="short@example.com", name="Short Of Hours")
    for user in ready:
        study(user)
    study(short, live_minutes=60)
    login(instructor)
    page = client.get("/instructor/courses/demo/certificates").get_data(as_text=True)
    assert "Issue all eligible (3)" in page
    assert "Still needed: 21.7 more hours of study" in page
    token = csrf_from(client, "/instructor/courses/demo/certificates")
    one = client.post("/instructor/courses/demo/certificates/issue", data={"user_id": ready[0].id,
                                                                          "csrf_token": token},
                      follow_redirects=True).get_data(as_text=True)
    first = db.session.scalar(select(Certificate).where(Certificate.user_id == ready[0].id))
    assert f"Issued {first.code} to Ready 0." in one
    assert first.created_by == instructor.email
    refused = client.post("/instructor/courses/demo/certificates/issue", data={"user_id": short.id,
                                                                              "csrf_token": token},
                          follow_redirects=True).get_data(as_text=True)
    assert "Not eligible yet for Demo course" in refused
    everyone = client.post("/instructor/courses/demo/certificates/issue-all", data={"csrf_token": token},
                           follow_redirects=True).get_data(as_text=True)
    assert "Issued 2 certificate(s)." in everyone
    holders = set(db.session.scalars(select(Certificate.user_id)).all())
    assert holders == {user.id for user in ready}
    again = client.post("/instructor/courses/demo/certificates/issue-all", data={"csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)
    assert "No eligible learner is waiting for a certificate." in again


def test_learners_cannot_use_the_instructor_page(client, login, learner, imported):
    login(learner)
    assert client.get("/instructor/courses/demo/certificates").status_code == 403
    token = csrf_from(client)
    assert client.post("/instructor/courses/demo/certificates/issue-all",
                       data={"csrf_token": token}).status_code == 403


def test_issue_command(runner, learner, study):
    study(learner, live_minutes=600)
    short = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert short.exit_code == 1
    assert "not eligible for demo yet" in short.output
    assert "12.7 more hours of study (10.3 of 23.0 so far)" in short.output
    study(learner, live_minutes=780, lessons=())
    ok = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert ok.exit_code == 0, ok.output
    certificate = only_certificate()
    assert ok.output.startswith(f"Issued certificate {certificate.code} to {learner.email} for demo: "
                                f"https://learn.example.org/verify/{certificate.code}")
    assert certificate.created_by == "command line"
    again = runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    assert again.exit_code == 0 and f"Already issued certificate {certificate.code}" in again.output


@pytest.mark.parametrize("args, message", [
    (["--email", "ghost@example.com", "--course", "demo"], "No account for 'ghost@example.com'"),
    (["--email", "learner@example.com", "--course", "nope"], "No course 'nope'"),
])
def test_issue_command_refuses_unknown_learner_or_course(runner, learner, imported, args, message):
    result = runner.invoke(args=["certificates", "issue", *args])
    assert result.exit_code == 1 and message in result.output


def test_a_correction_is_counted_but_does_not_move_the_dates(app, runner, learner, admin, study, clock):
    study(learner, live_minutes=1400)
    live = db.session.scalars(select(HoursEntry).where(HoursEntry.source == "live")).one()
    clock.advance(5 * 86_400)
    hours.correct_entry(live.id, -600, "Left early", admin, hours.settings_from(app.config))
    runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    snap = only_certificate().snapshot
    assert snap["contact_seconds"] == 1200 + 1400 * 60 - 600
    assert snap["completed_on"] == "2026-11-27"
    assert snap["modules"][-1] == ["Instructor-led sessions and corrections", 1400 * 60 - 600]


def test_the_certificate_counts_only_the_course_ledger_at_issue(runner, learner, study):
    study(learner)
    runner.invoke(args=["certificates", "issue", "--email", learner.email, "--course", "demo"])
    certificate = only_certificate()
    study(learner, live_minutes=120, lessons=())  # more hours after issue do not change the certificate
    db.session.expire_all()
    assert only_certificate().snapshot["contact_seconds"] == certificate.snapshot["contact_seconds"]


def test_the_instructor_page_asks_the_same_number_of_queries_for_2_4_and_6_learners(
        app, client, login, instructor, make_user, study):
    from tests.reports.test_cohort import count_statements

    course = demo_with_assessment()
    login(instructor)
    counts = []
    for n in range(6):
        learner = make_user(email=f"l{n}@example.com", name=f"Learner {n}")
        study(learner, live_minutes=60, lessons=())
        closed_final(learner, course, 50.0 + 10 * n)
        if n in (1, 3, 5):
            client.get("/instructor/courses/demo/certificates")  # warm the per-process program cache
            counts.append(count_statements(app, lambda: client.get("/instructor/courses/demo/certificates")))
    page = client.get("/instructor/courses/demo/certificates").get_data(as_text=True)
    assert "best so far 60 %" in page and "best so far 90 %" not in page  # 90 % passed: nothing is said
    assert counts[0] == counts[1] == counts[2], counts
