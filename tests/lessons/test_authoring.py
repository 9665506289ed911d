"""Authoring in the browser: edit, preview, revisions with diffs, restore, publish."""

import html

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Lesson, LessonRevision
from tests.conftest import csrf_from

EDIT = "/instructor/courses/demo/lessons/second/edit"


def form_data(client, **changes):
    data = {"title": "Second lesson", "duration": "10", "domain": "agile", "activity_minutes": "5",
            "objectives": "Understand it",
            "body": "## New heading\n\nFresh text.\n\n## Exercise (5 minutes)\n\nDo it.\n",
            "csrf_token": csrf_from(client, EDIT)}
    data.update(changes)
    return data


def lesson(slug="second") -> Lesson:
    db.session.expire_all()
    return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


@pytest.mark.parametrize("role, status", [("learner", 403), ("instructor", 200), ("admin", 200)])
def test_only_instructors_and_admins_edit(client, imported, make_user, login, role, status):
    login(make_user(role=role))
    assert client.get(EDIT).status_code == status
    assert client.get("/instructor/lessons").status_code == status


def test_saving_creates_a_revision_and_learners_see_the_new_text(app, client, imported, instructor, learner,
                                                                  login):
    login(instructor)
    response = client.post(EDIT, data=form_data(client))
    assert response.status_code == 302
    assert "Saved as revision 2." in client.get(EDIT).get_data(as_text=True)
    saved = lesson()
    assert '<h2 id="new-heading">New heading</h2>' in saved.html
    revision = db.session.scalar(select(LessonRevision).where(LessonRevision.number == 2))
    assert revision.author_id == instructor.id and revision.source == "browser"
    reader = app.test_client()
    login_page = csrf_from(reader, "/login")
    reader.post("/login", data={"email": learner.email, "password": "a perfectly fine test passphrase",
                                "csrf_token": login_page})
    assert "Fresh text." in reader.get("/courses/demo/second").get_data(as_text=True)


def test_saving_the_same_text_adds_no_revision(client, imported, instructor, login):
    login(instructor)
    client.post(EDIT, data=form_data(client))
    client.post(EDIT, data=form_data(client))
    assert db.session.query(LessonRevision).filter_by(lesson_id=lesson().id).count() == 2


def test_bad_edits_are_refused_and_keep_the_typed_text(client, imported, instructor, login):
    login(instructor)
    for changes, message in (({"title": ""}, "Enter a title."),
                             ({"duration": "0"}, "Use 1 to 600 minutes."),
                             ({"duration": "ten"}, "Not a valid integer value."),
                             ({"domain": "marketing"}, "Unknown domain"),
                             ({"body": "   "}, "The lesson text is empty."),
                             ({"body": "x" * 200_001}, "Field cannot be longer than 200000 characters.")):
        response = client.post(EDIT, data=form_data(client, **{"objectives": "Typed objective", **changes}))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, changes
        assert message in page, changes
        assert "Typed objective" in page
    assert "Fresh text." not in lesson().html


def test_hostile_markdown_is_sanitized_on_save(client, imported, instructor, login):
    login(instructor)
    client.post(EDIT, data=form_data(client, body="Hi <script>alert(1)</script> [x](javascript:alert(1))"))
    html = lesson().html
    assert "<script" not in html and "javascript:" not in html


def test_preview_api_renders_sanitized_html_for_instructors_only(client, imported, instructor, learner, login):
    login(learner)
    token = csrf_from(client)
    assert client.post("/api/v1/preview", json={"markdown": "# Hi"}, headers={"X-CSRFToken": token}).status_code \
        == 403
    client.post("/logout", data={"csrf_token": token})
    login(instructor)
    token = csrf_from(client)
    response = client.post("/api/v1/preview", json={"markdown": "## Hi\n\n<script>x</script>"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["html"].strip() == '<h2 id="hi">Hi</h2>'
    assert client.post("/api/v1/preview", json={"markdown": 5}, headers={"X-CSRFToken": token}).status_code == 422
    assert client.post("/api/v1/preview", data="not json", headers={"X-CSRFToken": token,
                                                                    "Content-Type": "application/json"}
                       ).status_code == 400
    assert client.post("/api/v1/preview", json={"markdown": "x" * 200_001},
                       headers={"X-CSRFToken": token}).status_code == 422
    assert client.post("/api/v1/preview", json={"markdown": "x"}).status_code == 400  # no CSRF header


def test_revision_history_diff_and_restore(client, imported, instructor, login):
    login(instructor)
    client.post(EDIT, data=form_data(client))
    history = client.get("/instructor/courses/demo/lessons/second/revisions").get_data(as_text=True)
    assert "content import" in history and instructor.name in history
    diff = client.get("/instructor/courses/demo/lessons/second/revisions/2").get_data(as_text=True)
    assert '<span class="added">+## New heading</span>' in diff
    assert '<span class="removed">-## Section one</span>' in diff
    token = csrf_from(client, EDIT)
    response = client.post("/instructor/courses/demo/lessons/second/revisions/1/restore",
                           data={"csrf_token": token}, follow_redirects=True)
    assert "Revision 1 restored as revision 3." in response.get_data(as_text=True)
    assert "Section one" in lesson().html


def test_unpublish_and_publish(client, imported, instructor, login):
    login(instructor)
    token = csrf_from(client, EDIT)
    client.post("/instructor/courses/demo/lessons/second/unpublish", data={"csrf_token": token})
    assert lesson().draft
    assert client.get("/courses/demo/second").status_code == 404
    assert "Draft" in client.get(EDIT).get_data(as_text=True)
    client.post("/instructor/courses/demo/lessons/second/publish", data={"csrf_token": token})
    assert not lesson().draft
    assert client.post("/instructor/courses/demo/lessons/second/publish").status_code == 400  # no CSRF


def test_export_writes_browser_edits_back(client, runner, imported, instructor, login, tmp_path):
    login(instructor)
    client.post(EDIT, data=form_data(client))
    runner.invoke(args=["content", "export", str(tmp_path / "out")])
    text = (tmp_path / "out/courses/demo/01-basics/02-second.md").read_text()
    assert "## New heading" in text and "title: Second lesson" in text


@pytest.mark.parametrize("changes, message", [
    ({"activity_minutes": "7"}, "activity_minutes is 7 but the text's '(N minutes)' headings add up to 5"),
    ({"duration": "90"}, "duration 90 is above the estimate"),
    ({"body": "## Exercise (5 minutes)\n\nSee [nowhere](../09-none/01-missing.md).\n"}, "broken link to"),
])
def test_a_browser_save_that_content_check_would_fail_is_refused(client, instructor, login, imported, changes,
                                                                  message):
    login(instructor)
    before = lesson().body_md
    response = client.post(EDIT, data=form_data(client, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "content check would fail it" in page
    assert message in html.unescape(page)
    assert lesson().body_md == before
