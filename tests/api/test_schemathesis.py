"""API fuzzing: schemathesis against /api/v1/openapi.json, in-process, with logged-in sessions.

Every operation of the document is called with generated requests (valid and invalid) through a logged-in
learner's client (the instructor's for /preview, which only instructors may call), with the CSRF header.
The checks: never a 5xx, and every status, content type and body is one the document describes.

Bounded for CI: at most MAX_EXAMPLES generated cases per operation, derandomized (a fixed seed), no deadline,
no example database, so a run is reproducible and short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from learnpm.api.views import openapi_document
from learnpm.extensions import db
from learnpm.hours import services as hours_services
from learnpm.lessons.models import Course
from learnpm.quizzes.models import AttemptItem
from tests.conftest import csrf_from, log_in

MAX_EXAMPLES = 100
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
NO_LIMIT = "100000 per second"  # the handlers, not the rate limiter, are under test here (429 is tested elsewhere)
# Names that exist in the seeded content; the body hook sometimes puts them in, so calls can get past "unknown".
KNOWN = {"lesson": ["mini-course/intro"], "course": ["mini-course"], "domain": ["alpha", "beta"], "program": ["mini"]}


@pytest.fixture
def app_config():
    return {"LEARNPM_HEARTBEAT_LIMIT": NO_LIMIT, "LEARNPM_ANSWER_LIMIT": NO_LIMIT, "LEARNPM_ATTEMPT_LIMIT": NO_LIMIT}


@dataclass
class Session:
    client: object
    token: str


@dataclass
class Seeds:
    """Attempts that exist for the learner, by the operations that should reach them."""

    answerable: list[int] = field(default_factory=list)  # open practice attempts: PUT answers reaches the save
    breakable: list[int] = field(default_factory=list)  # an open mock exam: POST break can start the break
    submittable: list[int] = field(default_factory=list)  # submitted by the fuzzer, so kept apart
    questions: dict[int, list[str]] = field(default_factory=dict)

    def all(self) -> list[int]:
        return self.answerable + self.breakable + self.submittable


def _session(app, user) -> Session:
    client = app.test_client()
    response = log_in(client, user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return Session(client, csrf_from(client))


def _start(session: Session, **body) -> int:
    response = session.client.post("/api/v1/attempts", json=body, headers={"X-CSRFToken": session.token})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def sessions(app, quiz_imported, learner, instructor) -> dict[str, Session]:
    return {"learner": _session(app, learner), "instructor": _session(app, instructor)}


def _seed_hours(app, learner, instructor) -> None:
    """A sealed engagement record, a live session and a correction: /me/hours then lists every kind of entry."""
    settings = hours_services.settings_from(app.config)
    start = datetime(2026, 1, 5, 9, 0, 0)
    for seconds in (0, 20, 40):
        hours_services.heartbeat(learner.id, "mini-course/intro", True, True, start + timedelta(seconds=seconds),
                                 settings)
    hours_services.seal_stale(start + timedelta(hours=1), settings)
    course = db.session.scalar(db.select(Course).where(Course.slug == "mini-course"))
    live = hours_services.record_live([learner.id], course, 30, "Live review session", instructor, settings,
                                      start.date())
    hours_services.correct_entry(live[0].id, -600, "Left early", instructor, settings)
    db.session.commit()


@pytest.fixture
def seeds(app, sessions, learner, instructor) -> Seeds:
    _seed_hours(app, learner, instructor)
    learner = sessions["learner"]
    seeds = Seeds(
        answerable=[_start(learner, mode="practice", domain="alpha", count=8),  # single and multiple questions
                    _start(learner, mode="practice", domain="beta", count=9)],  # single, matching and fill-in
        breakable=[_start(learner, mode="mock")],
        submittable=[_start(learner, mode="custom", count=4)],
    )
    for attempt_id in seeds.all():
        seeds.questions[attempt_id] = list(db.session.scalars(
            db.select(AttemptItem.question_key).where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.position)))
    return seeds


@pytest.fixture
def api_schema(app, seeds):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """Send about half the cases to the seeded attempts (and their questions) so they reach the handlers."""
        if not path_parameters or "attempt_id" not in path_parameters:
            return st.just(path_parameters)
        path = context.operation.path
        if path.endswith("/break"):
            ids = seeds.breakable + seeds.answerable[:1]
        elif path.endswith("/submit"):
            ids = seeds.submittable
        elif "question_id" in path_parameters:
            ids = seeds.answerable + seeds.breakable
        else:
            ids = seeds.all()
        seeded = st.sampled_from(ids).flatmap(
            lambda attempt_id: st.fixed_dictionaries({
                "attempt_id": st.just(attempt_id),
                **({"question_id": st.sampled_from(seeds.questions[attempt_id] + [path_parameters["question_id"]])}
                   if "question_id" in path_parameters else {}),
            }))
        return st.one_of(st.just(path_parameters), seeded)

    @schema.hook
    def flatmap_body(context, body):
        """Sometimes put known names (a published lesson, the course, a domain) in a body, so calls can succeed."""
        known = [name for name in KNOWN if isinstance(body, dict) and name in body]
        if not known:
            return st.just(body)
        replacements = st.fixed_dictionaries({name: st.sampled_from(KNOWN[name]) for name in known})
        return st.one_of(st.just(body), replacements.map(lambda values: {**body, **values}))

    return schema


def _operations() -> list[tuple[str, str]]:
    return [(method, path) for path, item in openapi_document()["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")]


# schemathesis's own pytest integration (`schemathesis.pytest.from_fixture`) does not run on pytest 9.2 (it sets
# the removed `Node._nodeid`), so each operation is a plain parametrized test driving schemathesis's strategies.
@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda value: value)
def test_api_conforms_to_its_document(method, path, api_schema, sessions):
    operation = api_schema[path][method]
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    # /preview is for instructors; everything else is called as the learner who owns the seeded attempts.
    session = sessions["instructor" if path == "/preview" else "learner"]

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def fuzz(case):
        # The document's `session` cookie scheme makes schemathesis send (then delete) a made-up session cookie;
        # the client's real, logged-in cookie is what authenticates.
        if case.cookies:
            case.cookies.pop("session", None)
        case.call_and_validate(session=session.client, headers={"X-CSRFToken": session.token}, checks=CHECKS)

    fuzz()
