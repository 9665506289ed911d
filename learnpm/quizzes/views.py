"""Quiz pages: choose a quiz, take an attempt, review and submit, read the feedback."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from learnpm.auth.decorators import instructor_required, learner_required
from learnpm.auth.models import User, normalize_email
from learnpm.errors import DomainError
from learnpm.extensions import db, limiter
from learnpm.lessons.models import Course, Program
from learnpm.quizzes import clock, pagecache, presenters, services
from learnpm.quizzes.models import Accommodation
from learnpm.reports import charts
from learnpm.timeutil import now

bp = Blueprint("quizzes", __name__)
bp.record_once(lambda state: pagecache.init_app(state.app))

MODE_TITLES = {"check": "Knowledge check", "practice": "Domain practice", "custom": "Custom quiz",
               "final": "End-of-course assessment", "mock": "Full mock exam", "review": "Spaced review"}


def _list_arg(name: str) -> list[str] | None:
    """A multi-valued form field as a list (None when none was ticked), each value cut short."""
    return [value[:20] for value in request.form.getlist(name)[:50]] or None


def _int_arg(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() and len(value) < 7 else None


@bp.get("/quizzes")
@learner_required
def index():
    programs = db.session.scalars(select(Program)).all()
    courses = db.session.scalars(select(Course).where(Course.published.is_(True))).all()
    return render_template("quizzes/index.html", programs=programs, courses=courses, form=FlaskForm(),
                           attempts=services.history(current_user.id), titles=MODE_TITLES,
                           choices={p.key: services.custom_choices(current_user.id, p) for p in programs})


@bp.post("/quizzes/start")
@limiter.limit(lambda: current_app.config["LEARNPM_ATTEMPT_LIMIT"], key_func=lambda: f"start:{current_user.get_id()}")
@learner_required
def start():
    if not FlaskForm().validate_on_submit():
        abort(400)
    form = request.form
    minutes = _int_arg(form.get("minutes")) if form.get("timed") else None
    start_request = services.StartRequest(
        mode=form.get("mode", ""), program=form.get("program") or None, course=form.get("course") or None,
        lesson=form.get("lesson") or None, domain=form.get("domain") or None, count=_int_arg(form.get("count")),
        time_limit_seconds=minutes * 60 if minutes else _int_arg(form.get("time_limit_seconds")),
        source=form.get("source") or None, domains=_list_arg("domains"), tasks=_list_arg("tasks"),
        difficulty=_list_arg("difficulty"), include_extra=bool(form.get("include_extra")),
        feedback="immediate" if form.get("tutor") else None)
    try:
        attempt = services.start_attempt(current_user, start_request, now())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(request.referrer if _same_site(request.referrer) else url_for(".index"))
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.get("/attempts/<int:attempt_id>")
@learner_required
def attempt(attempt_id: int):
    moment = now()
    attempt = services.get_attempt(current_user, attempt_id, moment)
    db.session.commit()
    answers = services.answers_of(attempt)
    if attempt.status == "open":
        return _open_attempt(attempt, answers, moment)
    items = attempt.items
    program = db.session.get(Program, attempt.program_id).rules
    # A final's results give the score and domain ratings only: its questions' keys are never shown.
    final = attempt.mode == "final"
    seconds = presenters.seconds_per_item(attempt, items, answers)
    review = [] if final else presenters.review_items(items, answers, seconds)
    show = request.args.get("show", "all")
    trend = services.mock_trend(current_user.id, attempt.program_id) if attempt.mode == "mock" else []
    trend_chart = charts.line_chart("Your mock exam scores, oldest first",
                                    [(f"{m.closed_at:%d %b}", m.score_percent or 0) for m in trend],
                                    target=program.exam.get("pass_percent")) if len(trend) > 1 else None
    missed = sum(not r["correct"] and r["item"].question.pool == "exam" for r in review)
    if missed:  # source "missed" is the learner's latest outcome per question: a later right answer removes one
        missed = min(missed, services.custom_choices(current_user.id,
                                                     db.session.get(Program, attempt.program_id))["source"]["missed"])
    return render_template("quizzes/results.html", attempt=attempt, title=MODE_TITLES[attempt.mode],
                           review=review, program=program, lesson=services.lesson_of(attempt), form=FlaskForm(),
                           show=show if show in presenters.RESULT_FILTERS else "all",
                           seconds=sum(seconds.values()), duration=presenters.duration,
                           tasks=[] if final else presenters.task_breakdown(items), trend=trend,
                           trend_chart=trend_chart, missed=min(missed, services.COUNT_RANGE[1]),
                           program_key=db.session.get(Program, attempt.program_id).key)


def _open_attempt(attempt, answers, moment):
    """The page of an open attempt: its questions come from the cached static part (none during a break);
    the learner's saved answers go beside them as JSON."""
    payload = presenters.attempt_clock(attempt, moment)
    static = None if payload["on_break"] else pagecache.static_part(attempt)
    state = {"answers": presenters.saved_state(static.items, answers) if static else {},
             "feedback": presenters.feedback_state(attempt, attempt.items, answers)
             if static and attempt.feedback == "immediate" and answers else {}}
    payload["questions_total"] = static.total if static else None
    return render_template("quizzes/attempt.html", attempt=attempt, title=MODE_TITLES[attempt.mode], payload=payload,
                           static=static, state=state, now=moment,
                           break_ends=clock.break_ends_at(attempt.break_started_at, attempt.break_minutes,
                                                          attempt.break_ended_at),
                           form=FlaskForm())


@bp.post("/attempts/<int:attempt_id>/submit")
@learner_required
def submit(attempt_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.submit(current_user, attempt_id, now())
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.route("/instructor/accommodations", methods=["GET", "POST"])
@instructor_required
def accommodations():
    form = FlaskForm()
    values, error, status = {}, None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {key: request.form.get(key, "")[:500] for key in ("email", "factor", "reason")}
        learner = db.session.scalar(select(User).where(User.email_normalized == normalize_email(values["email"])))
        try:
            factor = float(values["factor"])
        except ValueError:
            factor = 0.0
        if learner is None:
            error = "No account with that email."
        else:
            try:
                services.set_accommodation(current_user, learner.id, factor, values["reason"])
            except DomainError as exc:
                error = exc.message
            else:
                db.session.commit()
                flash(f"{learner.name} now has {factor:g}× time on timed quizzes and exams.", "success")
                return redirect(url_for(".accommodations"))
        status = 422
    rows = db.session.execute(select(Accommodation, User).join(User, User.id == Accommodation.user_id)
                              .order_by(User.email_normalized)).all()
    return render_template("quizzes/accommodations.html", rows=rows, form=form, values=values, error=error), status
