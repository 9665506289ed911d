"""The catalog, course and lesson pages, search, and lesson media."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from learnpm.errors import NotFound
from learnpm.extensions import db, limiter
from learnpm.glossary import services as glossary_services
from learnpm.glossary.models import GlossaryTerm, ReferencePage
from learnpm.hours.queries import ENGAGED_IN_LESSON, completed_of, lessons_done_by_course
from learnpm.lessons import services
from learnpm.lessons.models import Course, Lesson, MediaFile, Module, Program
from learnpm.lessons.search import MAX_TERMS, MIN_TERM, search_terms
from learnpm.lessons.services import PageRef
from learnpm.memo import short_cache
from learnpm.quizzes.models import Question
from learnpm.quizzes.services import CHECK_PASSES, CHECK_QUESTIONS

bp = Blueprint("lessons", __name__)
OUTLINE_SECONDS = 5.0  # a lesson published on another server shows on this one's course pages within this
OUTLINE_MODELS = (Course, Module, Lesson, ReferencePage)  # a commit here that writes one clears the outlines
LESSON_MODELS = (Program, Course, Module, Lesson, GlossaryTerm, Question)


@bp.get("/")
def catalog():
    done = (lessons_done_by_course(current_user.id, current_app.config["LEARNPM_COMPLETION_SHARE"])
            if current_user.is_authenticated else None)
    return render_template("lessons/catalog.html", courses=services.published_courses(), done=done)


@bp.get("/courses/<course_slug>")
@login_required
def course(course_slug: str):
    page = short_cache(current_app, "course_page", OUTLINE_SECONDS, OUTLINE_MODELS).get_or_make(
        course_slug, lambda: _course_page(course_slug))
    if page is None:
        raise NotFound("There is no such course.")
    outline, aids = page
    done = completed_of(current_user.id, outline.rated_seconds, current_app.config["LEARNPM_COMPLETION_SHARE"])
    return render_template("lessons/course.html", course=outline.course, outline=outline.modules, done=done, aids=aids)


def _course_page(slug: str):
    """What every learner's course page shows alike: kept a few seconds per process (learnpm.memo)."""
    outline = services.reading_outline(slug)
    if outline is None:
        return None
    return outline, tuple(PageRef(page.id, page.slug, page.title)
                          for page in glossary_services.references(outline.course))


def _lesson_page(course_slug: str, lesson_slug: str):
    """What every learner's page of a lesson shows alike: kept a few seconds per process (learnpm.memo)."""
    lesson = services.reading_lesson(course_slug, lesson_slug)
    if lesson is None:
        return None
    return (lesson, tuple(TermLink(t.slug, t.term) for t in glossary_services.lesson_terms(lesson.id)),
            db.session.scalar(select(CHECK_QUESTIONS), {"lesson": lesson.id}))


# The learner's own figures on a lesson page, in one statement: engaged seconds, and passed knowledge checks.
_LEARNER_IN_LESSON = select(ENGAGED_IN_LESSON, CHECK_PASSES)


@dataclass(frozen=True)
class TermLink:
    slug: str
    term: str


@bp.get("/courses/<course_slug>/<lesson_slug>")
@login_required
def lesson(course_slug: str, lesson_slug: str):
    page = short_cache(current_app, "lesson_page", OUTLINE_SECONDS, LESSON_MODELS).get_or_make(
        (course_slug, lesson_slug), lambda: _lesson_page(course_slug, lesson_slug))
    if page is None:
        raise NotFound("There is no such lesson.")
    lesson, terms, checks = page
    counted, passes = db.session.execute(_LEARNER_IN_LESSON, {"user": current_user.id, "lesson": lesson.id}).one()
    passed = bool(checks and passes)
    return render_template("lessons/lesson.html", lesson=lesson, previous=lesson.previous, following=lesson.following,
                           terms=terms, counted_seconds=counted, check_questions=checks, check_passed=passed,
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
