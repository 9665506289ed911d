"""Readiness snapshots: written when an attempt closes, read by the cohort's sort and CSV, refreshed by command."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from learnpm.extensions import db
from learnpm.hours import services as hours_services
from learnpm.lessons.models import Course
from learnpm.quizzes.models import AttemptItem
from learnpm.reports import cohort, queries
from learnpm.reports.models import ReadinessSnapshot

COHORT = "/instructor/courses/mini-course/cohort"


@pytest.fixture
def course(quiz_imported) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == "mini-course"))


def model(course: Course, user_id: int, now):
    """The readiness the dashboard computes live."""
    rules = course.program.rules
    counts = queries.recent_domain_counts(course.program_id, rules.domain_keys(), now, [user_id])
    return queries.readiness_from_counts(counts.get(user_id, {}), rules, now)


def stored(user_id: int) -> ReadinessSnapshot | None:
    return db.session.scalar(select(ReadinessSnapshot).where(ReadinessSnapshot.user_id == user_id)
                             .execution_options(populate_existing=True))


def figures(readiness) -> tuple:
    return readiness.percent, readiness.low, readiness.high, readiness.questions


def test_closing_an_attempt_stores_the_learners_readiness(course, make_user, take, clock):
    ann = make_user(name="Ann")
    assert stored(ann.id) is None
    take(ann, right=lambda key: key.startswith("a-"), count=8)
    first = stored(ann.id)
    assert figures(first) == figures(model(course, ann.id, clock()))
    assert first.program_id == course.program_id and first.questions == 8
    assert first.computed_at == clock() - timedelta(seconds=30)  # when it was submitted
    again = take(ann, mode="practice", domain="beta", right=False, count=4)
    fresh = db.session.scalar(select(db.func.count()).select_from(AttemptItem).where(
        AttemptItem.attempt_id == again.id, AttemptItem.first_exposure.is_(True)))
    second = stored(ann.id)
    assert second.id == first.id and second.questions == 8 + fresh  # questions seen before do not count again
    assert figures(second) == figures(model(course, ann.id, clock()))
    assert db.session.scalar(select(db.func.count()).select_from(ReadinessSnapshot)) == 1


def test_the_cohort_sorted_by_readiness_follows_the_models_order(app, client, course, make_user, instructor, login,
                                                                  take, clock):
    answers = {"Ann": lambda key: key.startswith("a-"), "Bob": False, "Cat": True,
               "Dan": lambda key: key.endswith(("1", "2")), "Eve": lambda key: key != "b-1"}
    learners = {name: make_user(name=name) for name in answers}
    for name, right in answers.items():
        take(learners[name], right=right, count=10)
    idle = make_user(name="Idle")                  # in the cohort by a live session, with no answers: no estimate
    hours_services.record_live([idle.id], course, 30, "Live class", instructor,
                               hours_services.settings_from(app.config), date(2026, 11, 20))
    db.session.commit()
    percent = {name: model(course, learners[name].id, clock()).percent for name in answers}
    descending = sorted(answers, key=lambda n: (-percent[n], learners[n].id))  # ties by id, either way
    ascending = sorted(answers, key=lambda n: (percent[n], learners[n].id))
    login(instructor)
    page = client.get(COHORT, query_string={"sort": "readiness", "dir": "desc"}).get_data(as_text=True)
    assert sorted([*answers, "Idle"], key=lambda n: page.index(f">{n}</a></th>")) == [*descending, "Idle"]
    rows = cohort.cohort_page(course, cohort.CohortFilter(sort="readiness"), clock(), 0.8).rows
    assert [r.name for r in rows] == [*ascending, "Idle"]
    assert rows[-1].readiness is None
    assert all(figures(r.readiness) == figures(model(course, r.user_id, clock())) for r in rows[:-1])


def test_the_csv_readiness_columns_match_the_model(client, course, make_user, instructor, login, take, clock):
    ann, bob = make_user(name="Ann", email="ann@example.com"), make_user(name="Bob", email="bob@example.com")
    take(ann, right=lambda key: key.startswith("a-"), count=10)
    take(bob, mode="practice", domain="beta", right=lambda key: key != "b-2", count=6)  # one domain: wide range
    login(instructor)
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(client.get(COHORT + ".csv").get_data(as_text=True)))}
    for learner in (ann, bob):
        live = model(course, learner.id, clock())
        row = rows[learner.email]
        assert (row["readiness_percent"], row["readiness_low"], row["readiness_high"]) == (
            f"{live.percent:.1f}", f"{live.low:.1f}", f"{live.high:.1f}")
        assert row["readiness_questions"] == str(live.questions)


def test_the_refresh_command_recomputes_every_snapshot_as_closing_did(course, make_user, take, clock, runner):
    learners = [make_user(name=f"L{i}") for i in range(3)]
    for i, learner in enumerate(learners):
        take(learner, right=lambda key, i=i: key.endswith(str(i)), count=6 + i)
    before = {s.user_id: figures(s) for s in db.session.scalars(select(ReadinessSnapshot))}
    db.session.execute(delete(ReadinessSnapshot))
    db.session.add(ReadinessSnapshot(user_id=learners[0].id, program_id=course.program_id, percent=1.0, low=0.0,
                                     high=2.0, questions=1, computed_at=clock()))  # a stale row
    db.session.commit()
    result = runner.invoke(args=["reports", "refresh-readiness"])
    assert result.exit_code == 0, result.output
    assert "3 learner" in result.output
    db.session.expire_all()
    assert {s.user_id: figures(s) for s in db.session.scalars(select(ReadinessSnapshot))} == before


def test_importing_new_domain_weights_recomputes_the_stored_readiness(course, make_user, take, clock, runner,
                                                                      quiz_content):
    ann = make_user(name="Ann")
    take(ann, right=lambda key: key.startswith("a-"), count=8)  # strong in alpha, weak in beta
    even = stored(ann.id).percent
    program = quiz_content / "programs/mini.yml"
    text = program.read_text()
    program.write_text(text.replace("weight: 50\n    tasks: [{key: \"1.1\"", "weight: 80\n    tasks: [{key: \"1.1\"")
                       .replace("weight: 50\n    tasks: [{key: \"2.1\"", "weight: 20\n    tasks: [{key: \"2.1\""))
    result = runner.invoke(args=["content", "import", str(quiz_content)])
    assert result.exit_code == 0 and "changed: program mini" in result.output, result.output
    db.session.expire_all()
    assert stored(ann.id).percent > even  # alpha now weighs more
    assert figures(stored(ann.id)) == figures(model(course, ann.id, clock()))
