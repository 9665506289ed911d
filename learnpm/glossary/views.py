"""Glossary, flashcards and reference pages: thin views over glossary.services."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from learnpm.extensions import db
from learnpm.glossary import services
from learnpm.lessons import services as lesson_services
from learnpm.lessons.models import Course
from learnpm.timeutil import now

bp = Blueprint("glossary", __name__)


def _course() -> Course:
    """The course named by ?course=, or the only published one."""
    slug = request.args.get("course", "")[:100]
    if slug:
        return lesson_services.get_course(slug)
    courses = db.session.scalars(select(Course).where(Course.published.is_(True)).order_by(Course.title)).all()
    if not courses:
        abort(404)
    return courses[0]


@bp.get("/glossary")
@login_required
def index():
    course = _course()
    query = request.args.get("q", "")[:100]
    return render_template("glossary/index.html", course=course, query=query, terms=services.terms(course, query),
                           pages=services.references(course))


@bp.get("/glossary/flashcards")
@login_required
def flashcards():
    course = _course()
    return render_template("glossary/flashcards.html", course=course, form=FlaskForm(),
                           deck=services.deck(current_user.id, course, now()))


@bp.post("/glossary/flashcards/<int:term_id>")
@login_required
def rate(term_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    course = _course()
    services.review_card(current_user.id, term_id, request.form.get("rating", "")[:10], now(),
                         current_user.exam_date)
    db.session.commit()
    return redirect(url_for(".flashcards", course=course.slug))


@bp.get("/courses/<course_slug>/reference/<slug>")
@login_required
def reference(course_slug: str, slug: str):
    course = lesson_services.get_course(course_slug)
    return render_template("glossary/reference.html", course=course, page=services.reference(course, slug[:100]),
                           pages=services.references(course))
