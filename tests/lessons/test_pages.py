"""The catalog, course and lesson pages, search and media."""

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Lesson


def test_catalog_lists_published_courses_to_anyone(client, imported):
    page = client.get("/").get_data(as_text=True)
    assert "Demo course" in page and "3 lessons" in page


def test_course_and_lesson_pages_need_a_login(client, imported):
    response = client.get("/courses/demo/first")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_course_page_lists_modules_and_lessons_with_rated_time(client, imported, learner, login):
    login(learner)
    page = client.get("/courses/demo").get_data(as_text=True)
    assert "Start: First lesson" in page  # nothing done yet: the first lesson comes first, above the outline
    outline = page[page.index('<section class="module"'):]
    order = [outline.index(text) for text in ("Basics", "First lesson", "More", "Third lesson")]
    assert order == sorted(order)
    assert "10 min" in outline


def test_lesson_page_has_objectives_toc_and_previous_next(client, imported, learner, login):
    login(learner)
    page = client.get("/courses/demo/second").get_data(as_text=True)
    assert "Understand it" in page
    assert 'href="#section-one"' in page
    assert 'rel="prev" href="/courses/demo/first"' in page
    assert 'rel="next" href="/courses/demo/third"' in page
    assert 'data-lesson="demo/second"' in page


def test_unknown_and_draft_lessons_are_404(client, imported, learner, login):
    login(learner)
    assert client.get("/courses/demo/nope").status_code == 404
    assert client.get("/courses/nope").status_code == 404
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "third"))
    lesson.draft = True
    db.session.commit()
    assert client.get("/courses/demo/third").status_code == 404
    page = client.get("/courses/demo/second").get_data(as_text=True)
    assert "/courses/demo/third" not in page  # no "next" link to a draft


def test_search_finds_lessons_with_highlighted_snippets(client, imported, learner, login):
    login(learner)
    page = client.get("/search?q=temporary teams").get_data(as_text=True)
    assert "3 lessons found" in page
    assert "<mark>" in page


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR NOT", "*", "a' OR '1'='1", "<script>", "x" * 500,
                                   "NEAR(a b)", "title:foo"])
def test_search_survives_hostile_queries(client, imported, learner, login, query):
    login(learner)
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("</header>")[1]


def test_search_snippets_escape_lesson_text(client, imported, learner, login):
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "first"))
    from learnpm.lessons.search import index_lesson

    lesson.search_text = "zebra <img src=x onerror=alert(1)> zebra"
    index_lesson(lesson.id, lesson.title, lesson.search_text)
    db.session.commit()
    login(learner)
    page = client.get("/search?q=zebra").get_data(as_text=True)
    assert "<mark>zebra</mark>" in page
    assert "<img src=x" not in page and "&lt;img" in page


def test_media_is_served_with_its_type(client, imported):
    response = client.get("/media/dot.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert client.get("/media/../../etc/passwd").status_code == 404
