"""The course glossary, its flashcards on the FSRS schedule, and the reference pages beside the lessons."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.glossary.models import Flashcard, GlossaryTerm, ReferencePage
from learnpm.glossary.parsing import parse_glossary
from learnpm.lessons.lint import check_content, errors
from tests.conftest import FakeClock, csrf_from
from tests.content_fixtures import import_checked

GLOSSARY = """---
title: Glossary
---

## Critical path

lesson: intro
also: CPM, critical path method

The longest path of dependent activities; it sets the **shortest** project duration.

## Float

lesson: intro

How long an activity can slip without delaying the project.

## Burndown chart

lesson: intro

A chart of the work left against time.
"""

FORMULAS = """---
title: Formula sheet
---

## Earned value

CPI = EV / AC. Below 1 means over budget.

## Communication channels

n(n - 1) / 2.
"""


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 25, 10, 0, 0))


@pytest.fixture
def app_config(clock):
    return {"LEARNPM_CLOCK": clock}


@pytest.fixture
def aids_content(quiz_content):
    course = quiz_content / "courses/mini-course"
    (course / "glossary.md").write_text(GLOSSARY)
    (course / "reference").mkdir()
    (course / "reference/01-formula-sheet.md").write_text(FORMULAS)
    return quiz_content


@pytest.fixture
def aids(app, aids_content):
    return import_checked(aids_content)


def test_the_glossary_file_is_read_with_every_problem_at_its_line():
    parsed = parse_glossary(GLOSSARY.split("---\n", 2)[2], 4)
    assert [(t.term, t.lesson, t.also, t.line) for t in parsed.terms] == [
        ("Critical path", "intro", ["CPM", "critical path method"], 5),
        ("Float", "intro", [], 12), ("Burndown chart", "intro", [], 18)]
    assert parsed.terms[0].slug == "critical-path" and parsed.problems == []
    bad = parse_glossary("stray text\n## Float\n\nNo lesson here.\n## float\nlesson: x\n\n### Heading\n", 1)
    assert bad.problems == [
        (1, "text before the first '## TERM' heading: 'stray text'"),
        (8, "a definition may not hold a heading: '### Heading'"),
        (2, "term 'Float' has no 'lesson:' line (the lesson that teaches it)"),
        (5, "term 'float' has no definition"),
        (5, "term 'float' is also defined at line 2"),
    ]


def test_content_check_reports_a_term_of_an_unknown_lesson(aids_content):
    glossary = aids_content / "courses/mini-course/glossary.md"
    glossary.write_text(glossary.read_text().replace("lesson: intro\n\nHow long", "lesson: nowhere\n\nHow long"))
    _tree, problems = check_content(aids_content)
    assert [(p.line, p.message) for p in errors(problems) if p.path.endswith("glossary.md")] == [
        (12, "term 'Float': unknown lesson 'nowhere'")]


def test_import_adds_changes_and_retires_terms_and_pages_idempotently(aids, aids_content, runner):
    assert sorted(db.session.scalars(select(GlossaryTerm.slug))) == ["burndown-chart", "critical-path", "float"]
    page = db.session.scalar(select(ReferencePage))
    assert page.slug == "formula-sheet" and "<strong>" not in page.body_html and "CPI = EV / AC" in page.body_html
    again = runner.invoke(args=["content", "import", str(aids_content)])
    assert "term" not in again.output and "reference" not in again.output, again.output
    glossary = aids_content / "courses/mini-course/glossary.md"
    glossary.write_text(glossary.read_text().replace("## Burndown chart\n\nlesson: intro\n\nA chart of the work left "
                                                     "against time.\n", "").replace("can slip", "may slip"))
    changed = runner.invoke(args=["content", "import", str(aids_content)]).output
    assert "changed: term mini-course/float" in changed and "retired: term mini-course/burndown-chart" in changed
    assert db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.slug == "burndown-chart")).retired


def test_the_glossary_page_lists_searches_and_links_each_term_to_its_lesson(client, aids, learner, login):
    assert client.get("/glossary").status_code == 302  # logged in only
    login(learner)
    page = client.get("/glossary").get_data(as_text=True)
    assert page.index("Burndown chart") < page.index("Critical path") < page.index("Float")  # alphabetical
    assert 'id="critical-path"' in page and "(CPM, critical path method)" in page
    assert "<strong>shortest</strong>" in page and 'href="/courses/mini-course/intro"' in page
    found = client.get("/glossary", query_string={"q": "slip"}).get_data(as_text=True)
    assert "1 term match" in found and "Float" in found and "Critical path" not in found
    hostile = client.get("/glossary", query_string={"q": "%_' OR 1=1 --"})
    assert hostile.status_code == 200 and "0 terms match" in hostile.get_data(as_text=True)
    assert client.get("/glossary", query_string={"course": "nope"}).status_code == 404


def test_the_course_and_lesson_pages_lead_to_the_aids(client, aids, learner, login):
    login(learner)
    course = client.get("/courses/mini-course").get_data(as_text=True)
    assert 'href="/glossary?course=mini-course"' in course
    assert 'href="/glossary/flashcards?course=mini-course"' in course
    assert 'href="/courses/mini-course/reference/formula-sheet"' in course
    lesson = client.get("/courses/mini-course/intro").get_data(as_text=True)
    assert 'href="/glossary?course=mini-course#critical-path"' in lesson  # the lesson's key terms
    sheet = client.get("/courses/mini-course/reference/formula-sheet")
    assert sheet.status_code == 200 and "n(n - 1) / 2" in sheet.get_data(as_text=True)
    assert 'href="#earned-value"' in sheet.get_data(as_text=True)
    assert client.get("/courses/mini-course/reference/nothing").status_code == 404


def test_flashcards_follow_the_fsrs_schedule(client, aids, learner, login, clock):
    login(learner)
    token = csrf_from(client, "/glossary/flashcards")
    first = client.get("/glossary/flashcards").get_data(as_text=True)
    assert "0 of 3 glossary terms studied" in first and '<h2 id="card-term">Burndown chart</h2>' in first
    burndown = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.slug == "burndown-chart"))

    def rate(term, rating):
        return client.post(f"/glossary/flashcards/{term.id}", data={"rating": rating, "csrf_token": token})

    assert rate(burndown, "again").status_code == 302
    card = db.session.scalar(select(Flashcard).execution_options(populate_existing=True))
    assert card.reviews == 1 and card.due_at <= clock() + timedelta(minutes=10)  # soon: it was not known
    after = client.get("/glossary/flashcards").get_data(as_text=True)
    assert '<h2 id="card-term">Critical path</h2>' in after  # the next new term while that one waits
    critical = db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.slug == "critical-path"))
    rate(critical, "easy")
    known = db.session.get(Flashcard, (learner.id, critical.id))
    db.session.refresh(known)
    assert known.due_at >= clock() + timedelta(days=1)  # known well: days away
    clock.advance(15 * 60)
    assert '<h2 id="card-term">Burndown chart</h2>' in client.get("/glossary/flashcards").get_data(as_text=True)


def test_bad_flashcard_ratings_are_refused_and_change_nothing(client, aids, learner, login):
    login(learner)
    token = csrf_from(client, "/glossary/flashcards")
    term = db.session.scalar(select(GlossaryTerm))
    assert client.post(f"/glossary/flashcards/{term.id}", data={"rating": "good"}).status_code == 400  # no CSRF
    for rating, status in (("perfect", 422), ("g" * 10_000, 422), ("\x00", 400)):  # NUL: the input guard's 400
        response = client.post(f"/glossary/flashcards/{term.id}", data={"rating": rating, "csrf_token": token})
        assert response.status_code == status, rating[:10]
    for term_id in (0, 99999, 2**40):
        response = client.post(f"/glossary/flashcards/{term_id}", data={"rating": "good", "csrf_token": token})
        assert response.status_code == 404
    assert db.session.scalars(select(Flashcard)).all() == []
