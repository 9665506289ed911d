"""The catalog, course and lesson pages, search, and lesson media."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from learnpm.extensions import db, limiter
from learnpm.glossary import services as glossary_services
from learnpm.hours.queries import completed_lessons, engaged_in_lesson
from learnpm.lessons import services
from learnpm.lessons.models import MediaFile
from learnpm.lessons.search import MAX_TERMS, MIN_TERM, search_terms
from learnpm.quizzes.services import check_status

bp = Blueprint("lessons", __name__)


@bp.get("/")
def catalog():
    return render_template("lessons/catalog.html", courses=services.published_courses())


@bp.get("/courses/<course_slug>")
@login_required
def course(course_slug: str):
    course = services.get_course(course_slug)
    done = completed_lessons(current_user.id, current_app.config["LEARNPM_COMPLETION_SHARE"])
    return render_template("lessons/course.html", course=course, outline=services.course_outline(course), done=done,
                           aids=glossary_services.references(course))


@bp.get("/courses/<course_slug>/<lesson_slug>")
@login_required
def lesson(course_slug: str, lesson_slug: str):
    lesson = services.get_published_lesson(course_slug, lesson_slug)
    previous, following = services.neighbors(lesson)
    counted = engaged_in_lesson(current_user.id, lesson.id)
    checks, passed = check_status(current_user.id, lesson.id)
    return render_template("lessons/lesson.html", lesson=lesson, previous=previous, following=following,
                           terms=glossary_services.lesson_terms(lesson.id),
                           counted_seconds=counted, check_questions=checks, check_passed=passed,
                           heartbeat_seconds=current_app.config["LEARNPM_HEARTBEAT_SECONDS"],
                           idle_seconds=current_app.config["LEARNPM_IDLE_SECONDS"])


@bp.get("/search")
@login_required
@limiter.limit(lambda: current_app.config["LEARNPM_SEARCH_LIMIT"], key_func=lambda: f"search:{current_user.get_id()}",
               exempt_when=lambda: not request.args.get("q", "").strip())
def search():
    query = request.args.get("q", "").strip()[:200]
    terms = search_terms(query)
    results = services.search(query) if terms else []
    return render_template("lessons/search.html", query=query, results=results, terms=terms,
                           min_term=MIN_TERM, max_terms=MAX_TERMS)


@bp.get("/media/<path:name>")
def media(name: str):
    item = db.session.scalar(select(MediaFile).where(MediaFile.name == name))
    if item is None:
        abort(404)
    response = Response(item.data, mimetype=item.content_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.set_etag(item.sha256)
    return response.make_conditional(request)
