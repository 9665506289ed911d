"""The instructor's cohort: columns, sorting, filters, pagination, CSV, and a constant number of queries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import event, select

from learnpm.extensions import db
from learnpm.hours import services as hours_services
from learnpm.hours.models import LessonProgress
from learnpm.lessons.models import Course, Lesson
from learnpm.reports import cohort, queries

COHORT = "/instructor/courses/mini-course/cohort"


@pytest.fixture
def course(quiz_imported) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == "mini-course"))


@pytest.fixture
def live(app, course, instructor):
    """Return live(learners, minutes): record an instructor-led session for them in the course."""

    def do(learners, minutes: int) -> None:
        hours_services.record_live([u.id for u in learners], course, minutes, "Live class",
                                   instructor, hours_services.settings_from(app.config), date(2026, 11, 20))
        db.session.commit()

    return do


def names_on(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<th scope="row"><a href="/instructor/courses/mini-course/learners/\d+">([^<]*)</a></th>', html)


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_cohort_shows_each_learners_columns_and_links_to_the_detail(
        client, course, make_user, instructor, login, live, take, clock):
    ann = make_user(name="Ann Archer", email="ann@example.com")
    bob = make_user(name="Bob Baker", email="bob@example.com")
    make_user(name="Carl Nobody", email="carl@example.com")           # no activity: not in the cohort
    live([ann], 90)
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "intro"))
    db.session.add(LessonProgress(user_id=ann.id, lesson_id=lesson.id, course_id=course.id, engaged_seconds=300))
    db.session.commit()
    take(ann, mode="check", lesson="mini-course/intro")                 # passes the intro's check
    take(bob, mode="mock", right=lambda key: key.startswith("a-"))
    login(instructor)
    response = client.get(COHORT)
    assert response.status_code == 200
    assert names_on(response) == ["Ann Archer", "Bob Baker"]
    html = response.get_data(as_text=True)
    ann_row = html[html.index("Ann Archer"):html.index("Bob Baker")]
    assert "ann@example.com" in ann_row and "1.5" in ann_row and "1 / 1" in ann_row and "2026-11-25" in ann_row
    assert "100 %" in ann_row and "3 q." in ann_row                       # readiness from the 3 check answers
    bob_row = html[html.index("Bob Baker"):html.index("</tbody>")]
    assert "0.0" in bob_row and "below target" in bob_row and "0 / 1" in bob_row
    best = db.session.scalar(select(cohort.Attempt.score_percent).where(cohort.Attempt.user_id == bob.id))
    assert f"{best:.1f} %" in bob_row
    detail = client.get(f"/instructor/courses/mini-course/learners/{ann.id}")
    assert detail.status_code == 200
    assert "Ann Archer" in detail.get_data(as_text=True) and "Save the date" not in detail.get_data(as_text=True)
    assert "1.5 of 1.0 hours" in detail.get_data(as_text=True)


def test_sorting_by_each_column_both_ways(client, course, make_user, instructor, login, live, take, clock):
    ann = make_user(name="ann Archer", email="zed@example.com")
    bob = make_user(name="Bob Baker", email="yan@example.com")
    cat = make_user(name="Cat Cole", email="xia@example.com")
    live([ann], 30)
    live([bob], 120)
    live([cat], 60)
    take(bob, mode="mock", right=False)
    take(cat, mode="mock", right=True)
    take(ann, right=lambda key: key.startswith("a-"))                   # half right, no mock
    login(instructor)

    def order(**args) -> list[str]:
        return [n.split()[0] for n in names_on(client.get(COHORT, query_string=args))]

    assert order() == ["ann", "Bob", "Cat"]                              # by name, case-insensitive
    assert order(sort="name", dir="desc") == ["Cat", "Bob", "ann"]
    assert order(sort="email") == ["Cat", "Bob", "ann"]
    assert order(sort="hours") == ["ann", "Cat", "Bob"]
    assert order(sort="hours", dir="desc") == ["Bob", "Cat", "ann"]
    assert order(sort="best_mock", dir="desc") == ["Cat", "Bob", "ann"]  # no mock: last either way
    assert order(sort="best_mock") == ["Bob", "Cat", "ann"]
    assert order(sort="readiness", dir="desc") == ["Cat", "ann", "Bob"]
    assert order(sort="readiness") == ["Bob", "ann", "Cat"]
    assert order(sort="last_active", dir="desc") == ["ann", "Cat", "Bob"]
    assert order(sort="bogus", dir="sideways") == ["ann", "Bob", "Cat"]  # unknown values fall back
    page = client.get(COHORT, query_string={"sort": "hours", "dir": "desc"}).get_data(as_text=True)
    assert 'aria-sort="descending"' in page


def test_the_stored_readiness_used_for_sorting_matches_the_model(app, course, make_user, take, clock):
    learners = [make_user(name=f"L{i}") for i in range(4)]
    take(learners[0], right=lambda key: key.startswith("a-"), count=10)
    take(learners[1], right=lambda key: key.endswith(("1", "2", "3")), count=12)
    take(learners[2], right=False, count=6)
    take(learners[3], mode="practice", domain="beta", right=lambda key: key != "b-2", count=6)  # one domain only
    rules = course.program.rules
    page = cohort.cohort_all(course, cohort.CohortFilter(), clock(), app.config["LEARNPM_COMPLETION_SHARE"])
    stored = {row.user_id: row.readiness for row in page.rows}
    counts = queries.recent_domain_counts(course.program_id, rules.domain_keys(), clock())
    for learner in learners:
        model = queries.readiness_from_counts(counts[learner.id], rules, clock())
        got = stored[learner.id]
        assert (got.percent, got.low, got.high, got.questions) == (model.percent, model.low, model.high,
                                                                   model.questions)


def test_filters_search_below_target_and_inactive(client, course, make_user, instructor, login, live, take, clock):
    ann = make_user(name="Ann Archer", email="ann@example.com")
    bob = make_user(name="Bob O'Brien_x", email="bob@work.example.org")
    cat = make_user(name="Cat Cole", email="cat@example.com")
    take(ann)                                     # 2026-11-25
    clock.advance(15 * 86400)
    take(bob)
    take(cat)
    live([cat], 90)                               # cat has met the 1-hour target
    login(instructor)

    def names(**args) -> list[str]:
        return names_on(client.get(COHORT, query_string=args))

    assert names(q="archer") == ["Ann Archer"]
    assert names(q="WORK.EXAMPLE") == ["Bob O&#39;Brien_x"]
    assert names(q="_x") == ["Bob O&#39;Brien_x"]   # _ and % are not wildcards
    assert names(q="%") == []
    assert names(below_target="1") == ["Ann Archer", "Bob O&#39;Brien_x"]
    assert names(inactive="1") == ["Ann Archer"]
    assert names(inactive="1", below_target="1", q="bob") == []
    page = client.get(COHORT, query_string={"q": "a", "inactive": "1"}).get_data(as_text=True)
    assert "1 learner match the filters" in " ".join(page.split())
    assert 'href="/instructor/courses/mini-course/cohort.csv?q=a&amp;inactive=1"' in page


def test_pagination_and_csv_of_every_page(client, course, make_user, instructor, login, live):
    learners = [make_user(name=f"Learner {i:03d}", email=f"l{i:03d}@example.com") for i in range(60)]
    live(learners, 30)
    login(instructor)
    first = client.get(COHORT)
    assert len(names_on(first)) == 50 and names_on(first)[0] == "Learner 000"
    assert "Page 1 of 2" in first.get_data(as_text=True) and 'rel="next"' in first.get_data(as_text=True)
    second = client.get(COHORT, query_string={"page": 2})
    assert names_on(second) == [f"Learner {i:03d}" for i in range(50, 60)]
    assert 'rel="prev"' in second.get_data(as_text=True)
    beyond = client.get(COHORT, query_string={"page": 9})
    assert names_on(beyond) == [] and "No learner matches." in beyond.get_data(as_text=True)
    assert "60 learners" in beyond.get_data(as_text=True)
    assert names_on(client.get(COHORT, query_string={"page": "x"}))[0] == "Learner 000"

    exported = client.get(COHORT + ".csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert exported.get_data(as_text=True).splitlines()[0].startswith("name,email,hours,")
    rows = rows_of(exported)
    assert len(rows) == 60 and rows[59]["email"] == "l059@example.com"
    assert rows[0]["hours"] == "0.5" and rows[0]["lessons_total"] == "1" and rows[0]["readiness_questions"] == "0"
    filtered = rows_of(client.get(COHORT + ".csv", query_string={"q": "l05", "sort": "name", "dir": "desc"}))
    assert [r["email"] for r in filtered] == [f"l{i:03d}@example.com" for i in range(59, 49, -1)]


def test_csv_neutralizes_formulas_in_names(client, course, make_user, instructor, login, live):
    hostile = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "Plain, \"quoted\" name"]
    users = [make_user(name=name, email=f"h{i}@example.com") for i, name in enumerate(hostile)]
    live(users, 30)
    login(instructor)
    rows = {r["email"]: r["name"] for r in rows_of(client.get(COHORT + ".csv"))}
    assert rows["h0@example.com"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows["h1@example.com"] == "'+1+1" and rows["h2@example.com"] == "'-2+3"
    assert rows["h3@example.com"] == "'@SUM(A1)" and rows["h4@example.com"] == 'Plain, "quoted" name'
    detail = client.get(f"/instructor/courses/mini-course/learners/{users[0].id}.csv")
    assert detail.status_code == 200
    detail_rows = list(csv.reader(io.StringIO(detail.get_data(as_text=True))))
    assert detail_rows[0] == ["section", "item", "value", "detail"]
    assert ["learner", "name", "'=HYPERLINK(\"http://evil.example\",\"click\")", ""] in detail_rows
    assert ["learner", "email", "h0@example.com", ""] in detail_rows
    assert any(r[:3] == ["hours", "credited", "0.5"] for r in detail_rows)


def count_statements(app, action) -> int:
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_cohort_page_issues_the_same_number_of_queries_for_5_and_50_learners(
        app, client, course, make_user, instructor, login, live, take):
    login(instructor)
    counts = {}
    learners = []
    for size in (5, 50):
        new = [make_user(name=f"Q {len(learners) + i}") for i in range(size - len(learners))]
        live(new, 30)
        for learner in new[:3]:
            take(learner, right=lambda key: key.startswith("a-"))
        learners += new
        for path in (COHORT, COHORT + "?sort=readiness&dir=desc", COHORT + ".csv"):
            response = None

            def get(path=path):
                nonlocal response
                response = client.get(path)

            client.get(path)  # the instructor's user is now in this process's memory, as between two clicks
            counts[(size, path)] = count_statements(app, get)
            assert response.status_code == 200
        assert len(names_on(client.get(COHORT))) == size
    for path in (COHORT, COHORT + "?sort=readiness&dir=desc", COHORT + ".csv"):
        assert counts[(5, path)] == counts[(50, path)], counts
        assert counts[(50, path)] <= 8


def test_learners_outside_the_cohort_are_not_found(client, course, make_user, instructor, login, live):
    ann = make_user(name="Ann Archer")
    stranger = make_user(name="Stranger")
    live([ann], 30)
    login(instructor)
    assert client.get(f"/instructor/courses/mini-course/learners/{ann.id}").status_code == 200
    assert client.get(f"/instructor/courses/mini-course/learners/{stranger.id}").status_code == 404
    assert client.get(f"/instructor/courses/mini-course/learners/{stranger.id}.csv").status_code == 404
    assert client.get(f"/instructor/courses/mini-course/learners/{instructor.id}").status_code == 404
    assert client.get("/instructor/courses/mini-course/learners/99999").status_code == 404
    assert client.get(f"/instructor/courses/nope/learners/{ann.id}").status_code == 404


def test_cohort_lessons_done_agrees_with_the_dashboard_rule(app, course, make_user, take, clock, live):
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "intro"))
    studied, checked, short = make_user(name="Studied"), make_user(name="Checked"), make_user(name="Short")
    live([studied], 10)
    for user, seconds in ((studied, 300), (checked, 240), (short, 200)):
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=course.id,
                                      engaged_seconds=seconds))
    db.session.commit()
    for user in (checked, short):
        take(user, mode="check", lesson="mini-course/intro")
    page = cohort.cohort_page(course, cohort.CohortFilter(), clock(), app.config["LEARNPM_COMPLETION_SHARE"])
    done = {row.name: row.lessons_done for row in page.rows}
    assert done == {"Checked": 1, "Short": 0, "Studied": 0}  # 240 s = 80 % of 5 min; Studied has no check passed
    from learnpm.reports.dashboard import build

    for user in (studied, checked, short):
        report = build(user, clock(), app.config["LEARNPM_COMPLETION_SHARE"], course=course)
        assert report.lessons_done == done[user.name]


def test_a_reading_session_under_way_counts_for_hours_lessons_and_membership(app, course, make_user, clock):
    from learnpm.hours.models import EngagementClock

    reader = make_user(name="Rita Reader")
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "intro"))
    db.session.add(EngagementClock(user_id=reader.id, open_lesson_id=lesson.id, open_day=clock().date(),
                                   open_seconds=300, open_started_at=clock(), open_last_credit_at=clock()))
    db.session.commit()
    assert cohort.in_cohort(course, reader.id) is not None
    page = cohort.cohort_page(course, cohort.CohortFilter(), clock(), app.config["LEARNPM_COMPLETION_SHARE"])
    [row] = page.rows
    assert (row.name, row.hours_seconds, row.last_active, row.lessons_done) == ("Rita Reader", 300, clock(), 0)
    # The intro has a knowledge check: it is done once the check is passed, open record or not.
    from learnpm.quizzes.models import Attempt

    db.session.add(Attempt(user_id=reader.id, program_id=course.program_id, course_id=course.id, lesson_id=lesson.id,
                           mode="check", status="closed", created_at=clock(), closed_at=clock(), passed=True,
                           score_percent=100.0))
    db.session.commit()
    page = cohort.cohort_page(course, cohort.CohortFilter(), clock(), app.config["LEARNPM_COMPLETION_SHARE"])
    assert page.rows[0].lessons_done == 1
