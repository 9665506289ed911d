"""Classes: create, members one by one, a roster with a dry run then a confirm, the CLI, and the reports' filter."""

from __future__ import annotations

import csv
import io
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from learnpm.audit import AuditEvent
from learnpm.auth.models import User
from learnpm.classes import services
from learnpm.classes.models import ClassMember, LearnerClass
from learnpm.extensions import db
from learnpm.hours import services as hours_services
from learnpm.lessons.models import Course
from learnpm.mail.models import OutboxMessage
from tests.conftest import csrf_from

COURSE = "mini-course"


@pytest.fixture
def app_config(smtp_server):
    return {"LEARNPM_SMTP_URL": smtp_server[1]}


@pytest.fixture
def inbox(smtp_server):
    return smtp_server[0]


@pytest.fixture
def course(quiz_imported) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == COURSE))


@pytest.fixture
def group(course, instructor) -> LearnerClass:
    made = services.create_class(instructor, course, "Evening class", date(2027, 3, 1))
    db.session.commit()
    return made


def _roster(rows: list[tuple[str, str]], header: str = "name,email") -> bytes:
    return (header + "\n" + "".join(f"{n},{e}\n" for n, e in rows)).encode()


def test_an_instructor_creates_a_class(client, course, instructor, login):
    login(instructor)
    token = csrf_from(client, "/instructor/classes")
    response = client.post("/instructor/classes", data={"name": "Spring 2027 — Mornings", "course": COURSE,
                                                        "exam_date": "2027-05-04", "csrf_token": token})
    assert response.status_code == 303 and response.location.endswith("/instructor/classes/spring-2027-mornings")
    again = client.post("/instructor/classes", data={"name": "Spring 2027 mornings", "course": COURSE,
                                                     "csrf_token": token})
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    assert "Spring 2027 — Mornings" in client.get("/instructor/classes").get_data(as_text=True)


def test_members_are_added_one_by_one_invited_when_new_and_removed(client, group, learner, instructor, login, inbox):
    login(instructor)
    path = f"/instructor/classes/{group.slug}"
    response = client.post(f"{path}/members", data={"email": learner.email, "csrf_token": csrf_from(client, path)})
    assert response.status_code == 303
    missing_name = client.post(f"{path}/members", data={"email": "new@example.com",
                                                        "csrf_token": csrf_from(client, path)})
    assert missing_name.status_code == 422 and "give the learner" in missing_name.get_data(as_text=True)
    response = client.post(f"{path}/members", data={"email": "new@example.com", "name": "Nia New",
                                                    "csrf_token": csrf_from(client, path)})
    assert response.status_code == 303
    assert inbox.wait_for(1)[0]["To"] == "new@example.com"
    twice = client.post(f"{path}/members", data={"email": learner.email, "csrf_token": csrf_from(client, path)})
    assert twice.status_code == 422 and "already in this class" in twice.get_data(as_text=True)
    page = client.get(path).get_data(as_text=True)
    assert "Nia New" in page and "Lena Learner" in page
    response = client.post(f"{path}/members/{learner.id}/remove", data={"csrf_token": csrf_from(client, path)})
    assert response.status_code == 303
    assert [u.email for u in services.members(group)] == ["new@example.com"]
    assert db.session.get(User, learner.id) is not None  # the account stays


def _upload(client, path, data: bytes):
    return client.post(f"{path}/import", data={"file": (io.BytesIO(data), "roster.csv"),
                                               "csrf_token": csrf_from(client, path)},
                       content_type="multipart/form-data")


def test_a_roster_upload_shows_a_dry_run_then_imports_on_confirm(client, group, learner, instructor, login, inbox):
    login(instructor)
    path = f"/instructor/classes/{group.slug}"
    data = "\ufeffname;email\r\nAna Lima;ana@example.com\r\n\r\nLena Learner;LEARNER@example.com\r\n".encode()
    response = _upload(client, path, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 new (invited), 1 existing (added), 0 already in the class, 0 error(s)" in page
    assert User.query.count() == 2 and inbox.messages == []  # the dry run changed nothing
    digest = page.split('name="digest" type="hidden" value="')[1].split('"')[0]
    roster = page.split('<textarea name="roster" hidden aria-hidden="true">')[1].split("</textarea>")[0]
    import html
    response = client.post(f"{path}/import/confirm", data={"roster": html.unescape(roster), "digest": digest,
                                                           "csrf_token": csrf_from(client, path)})
    assert response.status_code == 303
    assert sorted(u.email for u in services.members(group)) == ["ana@example.com", "learner@example.com"]
    assert inbox.wait_for(1)[0]["To"] == "ana@example.com"
    tampered = client.post(f"{path}/import/confirm", data={"roster": "name,email\nEve,eve@example.com\n",
                                                           "digest": digest, "csrf_token": csrf_from(client, path)})
    assert tampered.status_code == 400


def test_a_roster_with_errors_imports_nothing_and_names_the_lines(client, group, instructor, login, inbox):
    login(instructor)
    path = f"/instructor/classes/{group.slug}"
    data = _roster([("Ana Lima", "ana@example.com"), ("@SUM(A1)", "bad@example.com"), ("Bo", "bo@"),
                    ("Ana Again", "ANA@example.com")])
    response = _upload(client, path, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported" in page
    assert "line 3:" in page and "line 4:" in page and "also on line 2" in page
    assert "Confirm the import" not in page
    assert User.query.count() == 1 and ClassMember.query.count() == 0


def test_500_learners_import_in_one_transaction_with_500_invitations_and_the_cohort_filters(
        app, runner, course, instructor, make_user, inbox, tmp_path, client, login):
    outsider = make_user(email="outsider@example.com", name="Out Sider")
    hours_services.record_live([outsider.id], course, 30, "Live class", instructor,
                               hours_services.settings_from(app.config), date(2026, 11, 20))
    db.session.commit()
    roster = tmp_path / "roster.csv"
    roster.write_bytes(_roster([(f"Learner {i:03d}", f"learner{i:03d}@example.com") for i in range(500)]))
    dry = runner.invoke(args=["classes", "import", str(roster), "--class", "spring-2027", "--course", COURSE,
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "500 new (invited)" in dry.output and "Dry run" in dry.output
    assert db.session.scalar(select(func.count()).select_from(LearnerClass)) == 0
    started = time.monotonic()
    result = runner.invoke(args=["classes", "import", str(roster), "--class", "spring-2027", "--course", COURSE])
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "Created the class spring-2027" in result.output
    inbox.wait_for(500, timeout=30)
    assert len({m["To"] for m in inbox.messages}) == 500
    unsent = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    assert db.session.scalar(unsent) == 0
    print(f"500-learner import with 500 invitations: {elapsed:.1f} s")
    group = services.get_class("spring-2027")
    members = select(func.count()).select_from(ClassMember).where(ClassMember.class_id == group.id)
    assert db.session.scalar(members) == 500
    assert AuditEvent.query.filter_by(action="class.import").one().detail["new"] == 500
    # Importing again: everyone is already in.
    again = runner.invoke(args=["classes", "import", str(roster), "--class", "spring-2027", "--course", COURSE])
    assert "0 new (invited), 0 existing (added), 500 already in the class" in again.output

    login(instructor)
    everyone = client.get(f"/instructor/courses/{COURSE}/cohort").get_data(as_text=True)
    assert "Out Sider" in everyone and "Learner 000" not in everyone  # members without activity are not "active"
    in_class = client.get(f"/instructor/courses/{COURSE}/cohort?class=spring-2027")
    page = in_class.get_data(as_text=True)
    assert "500 learners in this class" in page and "Learner 000" in page and "Out Sider" not in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/instructor/courses/{COURSE}/cohort.csv?class=spring-2027")
                                           .get_data(as_text=True))))
    assert len(rows) == 500 and "outsider@example.com" not in {r["email"] for r in rows}
    assert client.get(f"/instructor/courses/{COURSE}/cohort?class=no-such-class").status_code == 404
    assert client.get(f"/instructor/courses/{COURSE}/items?class=spring-2027").status_code == 200


def test_a_cli_import_with_errors_is_all_or_nothing(runner, course, tmp_path, inbox):
    roster = tmp_path / "bad.csv"
    roster.write_bytes(_roster([("Good Person", "good@example.com"), ("Bad\u0007Bell", "bell@example.com")]))
    result = runner.invoke(args=["classes", "import", str(roster), "--class", "c1", "--course", COURSE])
    assert result.exit_code == 1
    assert "line 3:" in result.output and "U+0007" in result.output and "Nothing was imported" in result.output
    assert User.query.count() == 0 and LearnerClass.query.count() == 0
    assert runner.invoke(args=["classes", "import", str(roster), "--class", "Bad Slug", "--course", COURSE]
                         ).exit_code == 1
    assert "No course" in runner.invoke(args=["classes", "import", str(roster), "--class", "c1",
                                              "--course", "nope"]).output


def test_users_invite_can_add_to_a_class(runner, group, inbox):
    result = runner.invoke(args=["users", "invite", "--email", "kai@example.com", "--name", "Kai Moe",
                                 "--class", group.slug])
    assert result.exit_code == 0, result.output
    assert [u.email for u in services.members(group)] == ["kai@example.com"]
    assert inbox.wait_for(1)[0]["To"] == "kai@example.com"
    assert runner.invoke(args=["users", "invite", "--email", "z@example.com", "--name", "Z",
                               "--class", "nope"]).exit_code == 1
    assert User.query.filter_by(email_normalized="z@example.com").count() == 0


def test_the_learner_sees_their_classes_on_the_dashboard(client, group, learner, login):
    services.add_members("test", group, [learner])
    db.session.commit()
    login(learner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Evening class" in page and "exam on 2027-03-01" in page


def test_live_session_recording_fills_in_a_class(client, group, learner, make_user, instructor, login):
    other = make_user(email="other@example.com")
    services.add_members("test", group, [learner, other])
    db.session.commit()
    login(instructor)
    page = client.get(f"/instructor/hours?class={group.slug}").get_data(as_text=True)
    assert "learner@example.com\nother@example.com" in page or "other@example.com\nlearner@example.com" in page
    assert client.get("/instructor/hours?class=nope").status_code == 404


def test_class_pages_are_for_instructors(client, group, learner, login):
    login(learner)
    assert client.get("/instructor/classes").status_code == 403
    assert client.get(f"/instructor/classes/{group.slug}").status_code == 403


@pytest.mark.parametrize("slug", ["a\x00b", "\ufffd", "x" * 500])
def test_hostile_class_slugs_are_not_found(client, course, instructor, login, slug):
    login(instructor)
    from urllib.parse import quote

    quoted = quote(slug)
    assert client.get(f"/instructor/classes/{quoted}").status_code in (400, 404)  # a NUL: the input guard's 400
    assert client.get(f"/instructor/courses/{COURSE}/cohort", query_string={"class": slug}).status_code in (404, 400)
