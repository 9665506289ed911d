"""Instructors' lesson editor: edit with live preview, revisions with diffs, publish and unpublish."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from learnpm.auth.decorators import instructor_required
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons import services
from learnpm.lessons.forms import LessonForm
from learnpm.lessons.models import Course

bp = Blueprint("authoring", __name__, url_prefix="/instructor")


def check_question_count(lesson_id: int) -> int:
    """The lesson's knowledge-check questions (a query of the quizzes feature, which this page gathers)."""
    from learnpm.quizzes.models import Question  # noqa: PLC0415 - a view may gather from a higher feature

    return db.session.scalar(select(func.count()).select_from(Question).where(
        Question.lesson_id == lesson_id, Question.check.is_(True), Question.retired.is_(False))) or 0


@bp.get("/lessons")
@instructor_required
def lessons():
    courses = db.session.scalars(select(Course).order_by(Course.title)).all()
    outlines = [(course, services.course_outline(course, include_drafts=True)) for course in courses]
    return render_template("lessons/authoring/index.html", outlines=outlines)


@bp.route("/courses/<course_slug>/lessons/<lesson_slug>/edit", methods=["GET", "POST"])
@instructor_required
def edit(course_slug: str, lesson_slug: str):
    lesson = services.get_lesson_for_edit(course_slug, lesson_slug)
    form = LessonForm()
    if not form.is_submitted():
        form.title.data, form.duration.data, form.domain.data = lesson.title, lesson.duration_minutes, lesson.domain
        form.activity_minutes.data, form.body.data = lesson.activity_minutes, lesson.body_md
        form.objectives.data = "\n".join(lesson.objectives)
    elif form.validate():
        try:
            revision = services.save_lesson(
                lesson, current_user, title=form.title.data.strip(), duration=form.duration.data,
                domain=form.domain.data, objectives=form.objective_list(),
                activity_minutes=form.activity_minutes.data or 0, body=form.body.data,
                check_questions=check_question_count(lesson.id),
                render_seconds=current_app.config["LEARNPM_RENDER_SECONDS"])
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(f"Saved as revision {revision.number}." if revision else "No changes to save.", "success")
            return redirect(url_for(".edit", course_slug=course_slug, lesson_slug=lesson_slug))
    domains = lesson.course.program.rules.domains
    status = 422 if form.is_submitted() else 200
    return render_template("lessons/authoring/edit.html", lesson=lesson, form=form, domains=domains,
                           publish_form=FlaskForm()), status


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/<any(publish, unpublish):action>")
@instructor_required
def publish(course_slug: str, lesson_slug: str, action: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    lesson = services.get_lesson_for_edit(course_slug, lesson_slug)
    services.set_draft(lesson, current_user, draft=action == "unpublish")
    db.session.commit()
    flash("The lesson is published." if action == "publish" else "The lesson is unpublished (a draft).", "success")
    return redirect(url_for(".edit", course_slug=course_slug, lesson_slug=lesson_slug))


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>/revisions")
@instructor_required
def revisions(course_slug: str, lesson_slug: str):
    lesson = services.get_lesson_for_edit(course_slug, lesson_slug)
    return render_template("lessons/authoring/revisions.html", lesson=lesson,
                           revisions=services.revisions(lesson), form=FlaskForm())


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>/revisions/<int:number>")
@instructor_required
def revision(course_slug: str, lesson_slug: str, number: int):
    lesson = services.get_lesson_for_edit(course_slug, lesson_slug)
    newer = services.get_revision(lesson, number)
    older = services.get_revision(lesson, number - 1) if number > 1 else None
    diff = services.revision_diff(older, newer) if older else []
    return render_template("lessons/authoring/revision.html", lesson=lesson, revision=newer, older=older,
                           diff=diff, form=FlaskForm())


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/revisions/<int:number>/restore")
@instructor_required
def restore(course_slug: str, lesson_slug: str, number: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    lesson = services.get_lesson_for_edit(course_slug, lesson_slug)
    revision = services.restore_revision(lesson, services.get_revision(lesson, number), current_user)
    db.session.commit()
    flash(f"Revision {number} restored as revision {revision.number}." if revision
          else "That revision is the current text.", "success")
    return redirect(url_for(".edit", course_slug=course_slug, lesson_slug=lesson_slug))
