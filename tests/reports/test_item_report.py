"""Item statistics of a course: difficulty, discrimination, option choice, flags and KR-20 per form."""

from __future__ import annotations

import re

from sqlalchemy import select

from learnpm.extensions import db
from learnpm.lessons.models import Course
from learnpm.quizzes.models import Question, QuestionVersion
from learnpm.reports import items
from learnpm.reports.items import _chosen, _keyed

ITEMS = "/instructor/courses/mini-course/items"
CHECK = {"mode": "check", "lesson": "mini-course/intro"}


def strong(key: str) -> bool:
    """A strong learner: right on a-2 and a-3, but misses a-1 (the broken item)."""
    return key != "a-1"


def weak(key: str) -> bool:
    return key == "a-1"


def row_of(html: str, key: str) -> str:
    start = html.index(f'aria-label="Edit question {key}">{key}</a> ')
    return html[start:html.index("</tr>", start)]


def test_a_broken_item_is_flagged_with_its_reasons_and_kr20_is_shown_per_form(
        client, quiz_imported, make_user, instructor, login, take):
    learners = [make_user(name=f"L{i}") for i in range(6)]
    for learner in learners[:3]:
        take(learner, right=strong, **CHECK)
    for learner in learners[3:]:
        take(learner, right=weak, **CHECK)
    login(instructor)
    response = client.get(ITEMS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    broken = row_of(html, "a-1")
    assert "Flagged:" in broken
    assert "negative discrimination (-1.00)" in broken
    assert "distractor &#39;c&#39; chosen by nobody" in broken or "distractor 'c' chosen by nobody" in broken
    assert "<td>6</td>" in broken and "<td>50 %</td>" in broken
    assert re.search(r"Right one: 50 % <strong>\(key\)</strong>", broken)
    assert "Wrong one: 50 %" in broken and "Also wrong: 0 %" in broken
    assert html.index(">a-1</a> ") < html.index(">a-2</a> ")                       # flagged ones first
    assert "<td>—</td>" in row_of(html, "a-2")        # everyone scores 1 on a-2's other items: undefined
    forms = html[html.index("KR-20 per quiz form"):html.index("</table>", html.index("KR-20 per quiz form"))]
    assert "Knowledge check: Intro" in forms and "<td>3</td><td>6</td>" in forms
    # By hand: p = q = 0.5 for each of the 3 items, totals 2,2,2,1,1,1 (variance 0.25),
    # so KR-20 = 3/2 * (1 - 0.75 / 0.25) = -3
    assert "-3.00" in forms
    assert "How to read this page" in html


def test_first_attempts_only_leaves_out_retakes(client, quiz_imported, make_user, instructor, login, take):
    learners = [make_user(name=f"L{i}") for i in range(5)]
    for learner in learners:
        take(learner, right=False, **CHECK)
    take(learners[0], right=True, **CHECK)
    login(instructor)
    every = client.get(ITEMS).get_data(as_text=True)
    first = client.get(ITEMS, query_string={"attempts": "first"}).get_data(as_text=True)
    assert "<td>6</td>" in row_of(every, "a-1") and "<td>17 %</td>" in row_of(every, "a-1")
    assert "<td>5</td>" in row_of(first, "a-1") and "<td>0 %</td>" in row_of(first, "a-1")
    assert "on first attempts" in first and "on all attempts" in every
    assert "too hard (0 % correct)" in row_of(first, "a-1")


def test_an_empty_course_says_there_are_no_responses(client, quiz_imported, instructor, login):
    login(instructor)
    html = client.get(ITEMS).get_data(as_text=True)
    assert "No responses yet." in html and "No quiz form has 5 attempts" in html
    assert "of the course&#39;s 25 questions have no responses yet" in html or "25 questions have no" in html


def test_what_a_response_chose_for_each_type():
    assert _chosen("single", "b") == ("b",)
    assert _chosen("multiple", ["a", "c"]) == ("a", "c")
    assert _chosen("matching", {"l2": "r1", "l1": "r2"}) == ("l1\u2192r2", "l2\u2192r1")
    assert _chosen("fill_in", "charter") == ()
    assert _chosen("single", None) == ()
    content = {"type": "matching", "options": [{"id": "l1", "match": "r1"}, {"id": "l2", "match": "r2"}],
               "choices": []}
    assert _keyed(content) == {"l1\u2192r1", "l2\u2192r2"}
    assert _keyed({"type": "fill_in", "answers": ["x"], "options": []}) == set()


def page_of(html: str) -> str:
    """The page without its CSRF tokens, which carry the second they were signed in."""
    return re.sub(r'(name="csrf[-_]token" (?:content|value)=)"[^"]*"', r"\1", html)


def page(response) -> str:
    return page_of(response.get_data(as_text=True))


def test_a_repeat_view_reuses_the_analysis_until_another_attempt_closes(
        app, client, quiz_imported, make_user, instructor, login, take, monkeypatch):
    learners = [make_user(name=f"L{i}") for i in range(5)]
    for learner in learners:
        take(learner, right=False, **CHECK)
    analyzed = []
    real = items._analyze
    monkeypatch.setattr(items, "_analyze", lambda *args: analyzed.append(args[1]) or real(*args))
    login(instructor)
    first = client.get(ITEMS).get_data(as_text=True)
    assert page(client.get(ITEMS)) == page_of(first) and analyzed == [False]           # the second view: cached
    client.get(ITEMS, query_string={"attempts": "first"})
    assert analyzed == [False, True]                                                   # each choice has its own
    assert "<td>5</td>" in row_of(first, "a-1") and "<td>0 %</td>" in row_of(first, "a-1")

    take(learners[0], right=True, **CHECK)                  # a new closed attempt: analyzed again, and counted
    after = client.get(ITEMS).get_data(as_text=True)
    assert analyzed == [False, True, False]
    assert "<td>6</td>" in row_of(after, "a-1") and "<td>17 %</td>" in row_of(after, "a-1")

    question = db.session.scalar(select(Question).where(Question.key == "a-1"))
    question.retired = True                                 # what is read afresh shows at once, from the cache
    db.session.commit()
    retired = client.get(ITEMS).get_data(as_text=True)
    assert analyzed == [False, True, False] and "(retired)" in row_of(retired, "a-1")


def test_a_question_edit_makes_the_analysis_run_again(app, quiz_imported, make_user, take):
    for learner in [make_user(name=f"L{i}") for i in range(5)]:
        take(learner, right=True, **CHECK)
    course = db.session.scalar(select(Course).where(Course.slug == "mini-course"))
    cache: dict = {}
    report = items.item_report(course, False, cache)
    assert items.item_report(course, False, cache).rows[0].stats is report.rows[0].stats     # the same analysis
    question, version = db.session.execute(
        select(Question, QuestionVersion).join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(Question.key == "a-2")).one()
    question.version = 2                                    # an edit adds a version, as an import does
    db.session.add(QuestionVersion(question_id=question.id, number=2, content={**version.content, "stem": "New"}))
    db.session.commit()
    again = items.item_report(course, False, cache)
    assert again.rows[0].stats is not report.rows[0].stats and list(cache) == [(course.id, False)]
    assert [r.current for r in again.rows if r.key == "a-2"] == [False]   # its responses are to version 1
