"""Who may open which report: learners their own dashboard only, instructors and admins the cohorts."""

from __future__ import annotations

from datetime import date

import pytest

from learnpm.extensions import db
from learnpm.hours import services as hours_services
from learnpm.lessons.models import Course
from tests.conftest import log_in

INSTRUCTOR_PAGES = ["/instructor/cohorts", "/instructor/courses/{course}/cohort",
                    "/instructor/courses/{course}/cohort.csv", "/instructor/courses/{course}/items",
                    "/instructor/courses/{course}/learners/{member}",
                    "/instructor/courses/{course}/learners/{member}.csv"]


@pytest.fixture
def member(app, quiz_imported, make_user, instructor):
    user = make_user(email="member@example.com", name="Mia Member")
    course = db.session.query(Course).filter_by(slug="mini-course").one()
    hours_services.record_live([user.id], course, 30, "Live class", instructor,
                               hours_services.settings_from(app.config), date(2026, 11, 20))
    db.session.commit()
    return user


def paths(course: str, member_id: int) -> list[str]:
    return [p.format(course=course, member=member_id) for p in INSTRUCTOR_PAGES]


@pytest.mark.parametrize("role, expected", [("learner", 403), ("instructor", 200), ("admin", 200)])
def test_instructor_pages_by_role(client, member, make_user, role, expected):
    user = make_user(email=f"{role}-x@example.com", role=role)
    log_in(client, user.email)
    for path in paths("mini-course", member.id):
        assert client.get(path).status_code == expected, path


def test_anonymous_visitors_are_sent_to_log_in(client, member):
    for path in ["/dashboard", *paths("mini-course", member.id)]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.post("/dashboard/exam-date", data={"exam_date": "2027-01-01"}).status_code in (302, 400)


@pytest.mark.parametrize("role", ["instructor", "admin"])
def test_an_unknown_course_is_not_found(client, member, make_user, role):
    user = make_user(email=f"{role}-y@example.com", role=role)
    log_in(client, user.email)
    for path in paths("no-such-course", member.id)[1:]:
        assert client.get(path).status_code == 404, path


def test_a_learner_sees_only_their_own_dashboard(client, quiz_imported, make_user, take):
    me = make_user(email="me@example.com", name="Me Myself")
    other = make_user(email="other@example.com", name="Olga Other")
    take(other, right=True, mode="practice", domain="beta", count=5)
    log_in(client, me.email)
    page = client.get("/dashboard", query_string={"user": other.id, "user_id": other.id}).get_data(as_text=True)
    assert "Olga Other" not in page and "other@example.com" not in page
    assert "No estimate yet: it is based on 0 scored questions." in " ".join(page.split())
    assert "0 questions due for review now." in page


def test_the_nav_links_follow_the_role(client, quiz_imported, make_user):
    learner = make_user(email="nav-l@example.com")
    log_in(client, learner.email)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/dashboard">Dashboard</a>' in page and "Cohorts</a>" not in page
    client.post("/logout", data={"csrf_token": ""})
    teacher = make_user(email="nav-i@example.com", role="instructor")
    other = client.application.test_client()
    log_in(other, teacher.email)
    page = other.get("/").get_data(as_text=True)
    assert 'href="/instructor/cohorts">Cohorts</a>' in page
