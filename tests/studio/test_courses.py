"""Courses in the browser: create a course, modules and lessons; reorder, retire and restore; round trip to files."""

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Course, Lesson, LessonRevision, Module
from tests.conftest import csrf_from

NEW = "/instructor/courses/new"


def course_data(client, **changes):
    data = {"title": "Agile Basics", "slug": "", "program": "capm", "intro": "Learn **agile**.",
            "questions": "", "minutes": "", "pass_percent": "", "csrf_token": csrf_from(client, NEW)}
    data.update(changes)
    return data


def token(client):
    return csrf_from(client, "/instructor/lessons")


def make_course(client):
    assert client.post(NEW, data=course_data(client)).status_code == 302
    client.post("/instructor/courses/agile-basics/modules",
                data={"title": "Getting started", "slug": "", "csrf_token": token(client)})
    client.post("/instructor/courses/agile-basics/modules",
                data={"title": "Going further", "slug": "", "csrf_token": token(client)})
    for title, module in (("Why agile", "getting-started"), ("Scrum roles", "getting-started"),
                          ("Kanban", "going-further")):
        response = client.post(f"/instructor/courses/agile-basics/modules/{module}/lessons",
                               data={"title": title, "slug": "", "domain": "agile", "csrf_token": token(client)})
        assert response.status_code == 302, response.get_data(as_text=True)


def order(course_slug="agile-basics"):
    db.session.expire_all()
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    return [(m.dirname, [(lesson.filename, lesson.position) for lesson in
                         sorted(m.lessons, key=lambda x: x.position)])
            for m in db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position))]


@pytest.mark.parametrize("role, status", [("learner", 403), ("instructor", 200), ("admin", 200)])
def test_only_instructors_open_the_course_studio(client, imported, make_user, login, role, status):
    login(make_user(role=role))
    assert client.get(NEW).status_code == status
    assert client.get("/instructor/courses/demo/outline").status_code == status
    assert client.get("/instructor/courses/demo/settings").status_code == status


def test_learners_cannot_post_to_the_course_studio(client, imported, learner, login):
    login(learner)
    csrf = csrf_from(client, "/")
    for url in (NEW, "/instructor/courses/demo/modules", "/instructor/courses/demo/modules/basics/lessons",
                "/instructor/courses/demo/modules/basics/move/up",
                "/instructor/courses/demo/lessons/first/status/retire",
                "/instructor/courses/demo/lessons/first/move/down"):
        assert client.post(url, data={"title": "x", "csrf_token": csrf}).status_code == 403, url
    assert not db.session.scalar(select(Lesson).where(Lesson.slug == "first")).retired


def test_an_instructor_creates_a_course_with_modules_and_template_lessons(client, imported, instructor, login):
    login(instructor)
    make_course(client)
    course = db.session.scalar(select(Course).where(Course.slug == "agile-basics"))
    assert course.program.key == "capm" and "<strong>agile</strong>" in course.intro_html
    assert order() == [("01-getting-started", [("01-why-agile.md", 1), ("02-scrum-roles.md", 2)]),
                       ("02-going-further", [("01-kanban.md", 3)])]
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "why-agile"))
    assert lesson.draft and "## The main idea" in lesson.body_md and lesson.duration_minutes == 5
    revisions = db.session.scalars(select(LessonRevision).where(LessonRevision.lesson_id == lesson.id)).all()
    assert [(r.number, r.source, r.author_id) for r in revisions] == [(1, "browser", instructor.id)]
    page = client.get("/instructor/courses/agile-basics/lessons/why-agile/edit").get_data(as_text=True)
    assert 'value="Why agile"' in page and "data-warn-unsaved" in page and "js/studio.js" in page
    assert client.get("/courses/agile-basics/why-agile").status_code == 404  # a draft until published


def test_a_course_with_an_assessment_needs_all_three_fields(client, imported, instructor, login):
    login(instructor)
    response = client.post(NEW, data=course_data(client, questions="20"))
    assert response.status_code == 422
    assert "needs questions, minutes and a pass mark" in response.get_data(as_text=True)
    response = client.post(NEW, data=course_data(client, questions="20", minutes="30", pass_percent="70"))
    assert response.status_code == 302
    assert db.session.scalar(select(Course.assessment).where(Course.slug == "agile-basics")) == {
        "questions": 20, "minutes": 30, "pass_percent": 70}


@pytest.mark.parametrize("changes, message", [
    ({"slug": "Bad Slug!"}, "must be lower-case words"),
    ({"slug": "demo"}, "already exists"),
    ({"program": "nope"}, "Unknown program"),
    ({"title": ""}, "Enter a title"),
    ({"questions": "9" * 30, "minutes": "1", "pass_percent": "1"}, "between 1 and 500"),
])
def test_bad_courses_are_refused_with_the_reason_and_the_typed_values(client, imported, instructor, login,
                                                                      changes, message):
    login(instructor)
    response = client.post(NEW, data=course_data(client, **changes))
    assert response.status_code in (409, 422)
    page = response.get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(Course.id).where(Course.slug == "agile-basics")) is None


def test_reordering_moves_modules_and_lessons_and_keeps_links_working(client, imported, instructor, login):
    login(instructor)
    assert client.post("/instructor/courses/demo/lessons/second/move/up",
                       data={"csrf_token": token(client)}).status_code == 302
    assert order("demo") == [("01-basics", [("01-second.md", 1), ("02-first.md", 2)]),
                             ("02-more", [("01-third.md", 3)])]
    first = db.session.scalar(select(Lesson).where(Lesson.slug == "first"))
    assert "[second](01-second.md#section-one)" in first.body_md  # the link follows the rename
    client.post("/instructor/courses/demo/modules/more/move/up", data={"csrf_token": token(client)})
    assert order("demo") == [("01-more", [("01-third.md", 1)]),
                             ("02-basics", [("01-second.md", 2), ("02-first.md", 3)])]
    third = db.session.scalar(select(Lesson).where(Lesson.slug == "third"))
    assert "[first](../02-basics/02-first.md)" in third.body_md
    response = client.post("/instructor/courses/demo/modules/more/move/up", data={"csrf_token": token(client)})
    assert response.status_code == 302
    assert "already at the top" in client.get("/instructor/courses/demo/outline").get_data(as_text=True)


def test_moves_without_the_csrf_token_are_refused(client, imported, instructor, login):
    login(instructor)
    assert client.post("/instructor/courses/demo/lessons/second/move/up", data={}).status_code == 400
    assert order("demo")[0] == ("01-basics", [("01-first.md", 1), ("02-second.md", 2)])


def test_a_retired_lesson_disappears_for_learners_and_comes_back_when_restored(app, client, imported, instructor,
                                                                            learner, login):
    login(instructor)
    client.post("/instructor/courses/demo/lessons/second/status/retire", data={"csrf_token": token(client)})
    outline = client.get("/instructor/courses/demo/outline").get_data(as_text=True)
    assert "Retired" in outline and "Restore lesson Second lesson" in outline
    reader = app.test_client()
    reader.post("/login", data={"email": learner.email, "password": "a perfectly fine test passphrase",
                                "csrf_token": csrf_from(reader, "/login")})
    assert reader.get("/courses/demo/second").status_code == 404
    assert "Second lesson" not in reader.get("/courses/demo").get_data(as_text=True)
    assert db.session.scalar(select(LessonRevision.id).join(Lesson).where(Lesson.slug == "second"))  # history kept
    client.post("/instructor/courses/demo/lessons/second/status/restore", data={"csrf_token": token(client)})
    assert reader.get("/courses/demo/second").status_code == 200


def test_retiring_a_module_retires_its_lessons(client, imported, instructor, login):
    login(instructor)
    client.post("/instructor/courses/demo/modules/basics/retire", data={"csrf_token": token(client)})
    db.session.expire_all()
    assert db.session.scalars(select(Lesson.retired).where(Lesson.slug.in_(["first", "second"]))).all() == [True, True]
    client.post("/instructor/courses/demo/modules/basics/restore", data={"csrf_token": token(client)})
    db.session.expire_all()
    retired = db.session.scalars(select(Lesson.retired).where(Lesson.slug.in_(["first", "second"]))).all()
    assert retired == [False, False]


def test_hostile_input_is_refused_and_nothing_is_saved(client, imported, instructor, login):
    login(instructor)
    csrf = token(client)
    assert client.post(NEW, data={"title": "a\x00b", "csrf_token": csrf}).status_code == 400
    assert client.post("/instructor/courses/demo/modules", data='{"title": "\\ud800"}',
                       content_type="application/json", headers={"X-CSRFToken": csrf}).status_code == 400
    assert client.post(NEW, data={"title": "x" * (10 * 1024 * 1024), "csrf_token": csrf}).status_code == 413
    assert client.post("/instructor/courses/demo/modules/nope/lessons",
                       data={"title": "x", "domain": "agile", "csrf_token": csrf}).status_code == 404
    response = client.post("/instructor/courses/demo/modules/basics/lessons",
                           data={"title": "Dup", "slug": "first", "domain": "agile", "csrf_token": csrf})
    assert response.status_code == 422 and "already has a lesson" in response.get_data(as_text=True)
    assert db.session.scalar(select(Course.id).where(Course.slug == "agile-basics")) is None


def test_course_settings_change_the_title_intro_and_assessment(client, imported, instructor, login):
    login(instructor)
    url = "/instructor/courses/demo/settings"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Demo course"' in page and "A course for tests." in page
    response = client.post(url, data={"title": "Demo, renamed", "program": "capm", "intro": "New *intro*.",
                                      "questions": "", "minutes": "", "pass_percent": "",
                                      "csrf_token": csrf_from(client, url)})
    assert response.status_code == 302
    db.session.expire_all()
    course = db.session.scalar(select(Course).where(Course.slug == "demo"))
    assert course.title == "Demo, renamed" and "<em>intro</em>" in course.intro_html and course.assessment is None
    refused = client.post(url, data={"title": "", "program": "capm", "csrf_token": csrf_from(client, url)})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.scalar(select(Course.title).where(Course.slug == "demo")) == "Demo, renamed"
