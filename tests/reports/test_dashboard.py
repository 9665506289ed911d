"""The learner's dashboard: hours, lessons, scores, domain bands, weak areas, readiness, review, exam date."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from learnpm.auth.models import User
from learnpm.extensions import db
from learnpm.hours.models import LessonProgress
from learnpm.lessons.models import Lesson
from learnpm.reports.dashboard import exam_date_problem
from tests.conftest import csrf_from


def text_of(response) -> str:
    """The page as plain text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def alpha_right(key: str) -> bool:
    return key.startswith(("a-", "m-"))


def test_dashboard_after_quizzes_shows_scores_bands_weak_areas_readiness_and_review(
        client, quiz_imported, learner, login, take, clock):
    take(learner, right=alpha_right, mode="practice", domain="alpha", count=5)
    take(learner, right=alpha_right, mode="practice", domain="beta", count=5)
    clock.advance(3600)
    login(learner)
    response = client.get("/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "100.0 %" in page and "0.0 %" in page                     # the two scores in the trend table
    assert 'class="chart chart-line"' in html and 'class="chart chart-bar"' in html
    assert "Alpha domain: Above Target" in page                       # bands in the chart and table
    assert re.search(r"Beta domain 50 % 5 0.0 % Needs Improvement", page)
    assert "from 10 scored questions" in page                          # readiness with its question count
    assert "Estimated exam score: 50 %" in page
    assert "It rests on 10 answers" in page                            # the model's explanation is printed
    weak = html[html.index('id="weak-title"'):html.index('id="review-title"')]
    assert "Beta domain" in weak and "Alpha domain" not in weak
    assert 'name="domain" value="beta"' in weak and 'name="mode" value="practice"' in weak
    assert 'href="/courses/mini-course/intro"' in weak                 # the lesson that teaches it
    assert "5 questions due for review now." in page                   # the five missed questions
    assert 'name="mode" value="review"' in html


def test_an_empty_dashboard_explains_that_there_is_no_estimate(client, quiz_imported, learner, login):
    login(learner)
    page = text_of(client.get("/dashboard"))
    assert "No estimate yet: it is based on 0 scored questions." in page
    assert "0.0 of 1.0 hours" in page or "0.0 of 1.0" in page
    assert "0 questions due for review now." in page
    assert "Alpha domain : not practiced yet (50 % of the exam)" in page
    assert "No data yet" in page


def test_a_lesson_with_a_check_is_done_only_once_the_check_is_passed(client, quiz_imported, learner, login, take):
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "intro"))
    db.session.add(LessonProgress(user_id=learner.id, lesson_id=lesson.id, course_id=lesson.course_id,
                                  engaged_seconds=lesson.duration_seconds))
    db.session.commit()
    login(learner)
    assert "0 of 1 lessons done" in text_of(client.get("/dashboard"))
    take(learner, mode="check", lesson="mini-course/intro", right=False)
    assert "0 of 1 lessons done" in text_of(client.get("/dashboard"))
    take(learner, mode="check", lesson="mini-course/intro", right=True)
    page = text_of(client.get("/dashboard"))
    assert "1 of 1 lessons done" in page and "1 of 1" in page


def test_setting_the_exam_date_shows_what_is_left(client, quiz_imported, learner, login, clock):
    login(learner)
    token = csrf_from(client, "/dashboard")
    response = client.post("/dashboard/exam-date", data={"exam_date": "2027-01-04", "csrf_token": token,
                                                         "save": "Save the date"})
    assert response.status_code == 303
    assert db.session.get(User, learner.id, populate_existing=True).exam_date == date(2027, 1, 4)
    page = text_of(client.get("/dashboard"))
    assert "Your exam date is 2027-01-04." in page
    assert "Exam on 2027-01-04 : 40 days left" in page
    assert "Contact hours still needed 1.0" in page and "Lessons not done 1 of 1" in page
    assert "Review questions due now 0" in page
    cleared = client.post("/dashboard/exam-date", data={"csrf_token": token, "clear": "Clear the date"})
    assert cleared.status_code == 303
    assert db.session.get(User, learner.id, populate_existing=True).exam_date is None


def test_bad_exam_dates_are_refused_with_a_clear_message(client, quiz_imported, learner, login):
    login(learner)
    token = csrf_from(client, "/dashboard")
    cases = {"2026-11-24": "is in the past", "2028-11-26": "more than two years away",
             "next tuesday": "Enter the date as year-month-day", "2027-02-30": "Enter the date as year-month-day",
             "": "Enter a date"}
    for value, message in cases.items():
        response = client.post("/dashboard/exam-date", data={"exam_date": value, "csrf_token": token, "save": "1"})
        assert response.status_code == 422, value
        assert message in response.get_data(as_text=True), value
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.get(User, learner.id, populate_existing=True).exam_date is None


def test_the_exam_date_form_needs_its_csrf_token(client, quiz_imported, learner, login):
    login(learner)
    response = client.post("/dashboard/exam-date", data={"exam_date": "2027-01-04", "save": "1"})
    assert response.status_code == 400
    assert db.session.get(User, learner.id, populate_existing=True).exam_date is None


def test_exam_date_rule():
    today = date(2026, 11, 25)
    assert exam_date_problem(today, today) is None
    assert exam_date_problem(date(2028, 11, 25), today) is None
    assert "past" in exam_date_problem(date(2026, 11, 24), today)
    assert "two years" in exam_date_problem(date(2028, 11, 26), today)
    assert exam_date_problem(date(2030, 2, 28), date(2028, 2, 29)) is None  # a leap day's horizon
    assert "two years" in exam_date_problem(date(2030, 3, 1), date(2028, 2, 29))
