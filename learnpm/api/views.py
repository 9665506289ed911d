"""The /api/v1 blueprint: session-cookie auth, JSON errors, the OpenAPI document."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user, login_required

from learnpm.auth.decorators import instructor_required, learner_required
from learnpm.errors import Conflict, DomainError, Forbidden, ValidationError
from learnpm.extensions import csrf, db, limiter
from learnpm.hours import queries as hours_queries
from learnpm.hours import services as hours_services
from learnpm.lessons import services as lesson_services
from learnpm.quizzes import answering, presenters
from learnpm.quizzes import services as quiz_services
from learnpm.resilience import replayable
from learnpm.timeutil import now

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked below, after authentication, so anonymous calls get 401 rather than 400

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def authenticate_then_check_csrf():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return jsonify({"error": "unauthorized", "detail": "Log in first."}), 401
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None

OPENAPI_FILE = Path(__file__).with_name("openapi.yml")


class MalformedBody(DomainError):
    status = 400
    code = "malformed"


def json_body() -> dict:
    """Return the request's JSON object, or raise a 400 that says what is wrong with it."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes: not a body any client sends
        data = None
    if not isinstance(data, dict):
        raise MalformedBody("The body must be a JSON object.")
    return data


@cache
def openapi_document() -> dict:
    return yaml.safe_load(OPENAPI_FILE.read_text())


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/me")
@login_required
def me():
    return jsonify({"id": current_user.id, "email": current_user.email, "name": current_user.name,
                    "role": current_user.role})


@bp.post("/preview")
@instructor_required
def preview():
    body = json_body()
    source = body.get("markdown")
    if not isinstance(source, str):
        raise ValidationError("'markdown' must be a string.", {"markdown": "required string"})
    return jsonify({"html": lesson_services.preview(source, current_app.config["LEARNPM_RENDER_SECONDS"])})


def _bool(body: dict, name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise ValidationError(f"'{name}' must be true or false.", {name: "boolean required"})
    return value


@bp.post("/heartbeat")
@replayable  # at the same time, against the clock the first run left, a second run earns nothing
@limiter.limit(lambda: current_app.config["LEARNPM_HEARTBEAT_LIMIT"], key_func=lambda: f"beat:{current_user.get_id()}")
@learner_required
def heartbeat():
    body = json_body()
    lesson = body.get("lesson")
    if not isinstance(lesson, str) or "/" not in lesson or len(lesson) > 250:
        raise ValidationError("'lesson' must be \"COURSE/LESSON\".", {"lesson": "COURSE/LESSON required"})
    tab = body.get("tab")
    if tab is not None and (not isinstance(tab, str) or len(tab) > 100):
        raise ValidationError("'tab' must be a short string.", {"tab": "string of at most 100 characters"})
    result = hours_services.heartbeat(current_user.id, lesson, _bool(body, "visible"), _bool(body, "active"),
                                      now(), hours_services.settings_from(current_app.config))
    return jsonify({"credited_seconds": result.credited_seconds, "lesson_seconds": result.lesson_seconds,
                    "total_seconds": result.total_seconds})


@bp.get("/me/hours")
@learner_required
def my_hours():
    summary = hours_queries.summary(current_user.id, current_app.config["LEARNPM_COMPLETION_SHARE"])
    return jsonify({
        "total_seconds": summary.total_seconds,
        "target_seconds": summary.target_seconds,
        "open_seconds": summary.open_seconds,
        "lessons": [{"lesson": f"{item.lesson.course.slug}/{item.lesson.slug}", "title": item.lesson.title,
                     "seconds": item.seconds, "duration_seconds": item.lesson.duration_seconds,
                     "complete": item.complete} for item in summary.lessons],
        "entries": [hours_queries.entry_dict(entry) for entry in summary.entries],
    })


# Attempts ------------------------------------------------------------------------------------------------

def _optional(body: dict, name: str, kind: type):
    value = body.get(name)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool) and kind is int
                              or kind is list and not all(isinstance(v, str) for v in value)):
        raise ValidationError(f"'{name}' must be a {kind.__name__}.", {name: kind.__name__})
    return value


def _attempt_response(attempt, status: int = 200):
    items = attempt.items
    return jsonify(presenters.attempt_payload(attempt, items, quiz_services.answers_of(attempt), now())), status


@bp.post("/attempts")
@limiter.limit(lambda: current_app.config["LEARNPM_ATTEMPT_LIMIT"], key_func=lambda: f"start:{current_user.get_id()}")
@learner_required
def create_attempt():
    body = json_body()
    mode = body.get("mode")
    if not isinstance(mode, str):
        raise ValidationError("'mode' is required.", {"mode": list(quiz_services.MODES)})
    request_ = quiz_services.StartRequest(
        mode=mode, program=_optional(body, "program", str), course=_optional(body, "course", str),
        lesson=_optional(body, "lesson", str), domain=_optional(body, "domain", str),
        count=_optional(body, "count", int), time_limit_seconds=_optional(body, "time_limit_seconds", int),
        source=_optional(body, "source", str), domains=_optional(body, "domains", list),
        tasks=_optional(body, "tasks", list), difficulty=_optional(body, "difficulty", list),
        include_extra=_optional(body, "include_extra", bool) or False, feedback=_optional(body, "feedback", str))
    attempt = quiz_services.start_attempt(current_user, request_, now())
    db.session.commit()
    return _attempt_response(attempt, 201)


@bp.get("/attempts/<int:attempt_id>")
@learner_required
def get_attempt(attempt_id: int):
    attempt = quiz_services.get_attempt(current_user, attempt_id, now())
    db.session.commit()  # an expired attempt was just closed
    return _attempt_response(attempt)


@bp.put("/attempts/<int:attempt_id>/answers/<question_id>")
@replayable  # an upsert of the same values at the same time
@limiter.limit(lambda: current_app.config["LEARNPM_ANSWER_LIMIT"], key_func=lambda: f"answer:{current_user.get_id()}")
@learner_required
def save_answer(attempt_id: int, question_id: str):
    body = json_body()
    if "answer" not in body and "flagged" not in body and "struck" not in body:
        raise ValidationError("Send 'answer', 'flagged', 'struck' or several.", {"answer": "required"})
    try:
        saved = answering.save_answer(current_user, attempt_id, question_id[:120], body.get("answer", answering.KEEP),
                                      body.get("flagged", answering.KEEP), now(),
                                      struck=body.get("struck", answering.KEEP))
    except Conflict:
        db.session.commit()  # keep the close that found the deadline passed
        raise
    db.session.commit()
    return jsonify(saved)


@bp.post("/attempts/<int:attempt_id>/break")
@learner_required
def start_break(attempt_id: int):
    attempt = quiz_services.start_break(current_user, attempt_id, now())
    db.session.commit()
    return jsonify({"id": attempt.id, "deadline": presenters.iso(attempt.deadline),
                    "break_started_at": presenters.iso(attempt.break_started_at),
                    "break_minutes": attempt.break_minutes, "locked_section": attempt.locked_section})


@bp.post("/attempts/<int:attempt_id>/break/end")
@learner_required
def end_break(attempt_id: int):
    attempt = quiz_services.end_break(current_user, attempt_id, now())
    db.session.commit()
    return _attempt_response(attempt)


@bp.get("/attempts/<int:attempt_id>/review")
@learner_required
def review_attempt(attempt_id: int):
    attempt = quiz_services.get_attempt(current_user, attempt_id, now())
    db.session.commit()  # an expired attempt was just closed
    if attempt.status == "open":
        raise Conflict("The review opens once the attempt is submitted.", {"status": "open"})
    if attempt.mode == "final":
        raise Forbidden("The end-of-course assessment shows its score and domain ratings, never its key.",
                        {"mode": "final"})
    return jsonify(presenters.review_payload(attempt, attempt.items, quiz_services.answers_of(attempt), _lesson_url))


def _lesson_url(lesson) -> str | None:
    if lesson is None or lesson.retired or lesson.draft:
        return None
    return url_for("lessons.lesson", course_slug=lesson.course.slug, lesson_slug=lesson.slug)


@bp.post("/attempts/<int:attempt_id>/submit")
@learner_required
def submit_attempt(attempt_id: int):
    attempt = quiz_services.submit(current_user, attempt_id, now())
    db.session.commit()
    return jsonify(presenters.result_payload(attempt))
