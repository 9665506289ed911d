"""Courses in the browser: create a course, its modules and lessons; reorder, retire and restore them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from learnpm.auth.decorators import instructor_required
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons import structure
from learnpm.lessons.services import get_any_course, get_lesson_for_edit
from learnpm.quizzes import editing
from learnpm.studio.forms import CourseForm, ModuleForm, NewLessonForm

bp = Blueprint("studio", __name__, url_prefix="/instructor/courses")


def _csrf() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


def _assessment(form: CourseForm) -> dict | None:
    return structure.assessment_from(form.questions.data, form.minutes.data, form.pass_percent.data)


def _outline_page(course, module_form=None, lesson_form=None, status=200):
    module_form = module_form or ModuleForm(formdata=None)
    lesson_form = lesson_form or NewLessonForm(formdata=None)
    lesson_form.domain.choices = [(d["key"], d["title"]) for d in course.program.rules.domains]
    return render_template("studio/outline.html", course=course, outline=structure.full_outline(course),
                           problems=editing.assessment_problems(course),
                           module_form=module_form, lesson_form=lesson_form, form=FlaskForm()), status


@bp.route("/new", methods=["GET", "POST"])
@instructor_required
def new_course():
    form = CourseForm()
    form.program.choices = [(p.key, p.title) for p in structure.programs()]
    if form.validate_on_submit():
        try:
            course = structure.create_course(current_user, title=form.title.data, slug=form.slug.data or "",
                                             program_key=form.program.data, intro=form.intro.data or "",
                                             assessment=_assessment(form))
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(f"Course “{course.title}” created. Add its first module.", "success")
            return redirect(url_for(".outline", course_slug=course.slug))
    return render_template("studio/course_form.html", form=form, course=None), 422 if form.is_submitted() else 200


@bp.route("/<course_slug>/settings", methods=["GET", "POST"])
@instructor_required
def settings(course_slug: str):
    course = get_any_course(course_slug)
    form = CourseForm()
    form.program.choices = [(course.program.key, course.program.title)]
    if not form.is_submitted():
        form.title.data, form.intro.data, form.program.data = course.title, course.intro_md, course.program.key
        for key in structure.ASSESSMENT_KEYS:
            getattr(form, key).data = (course.assessment or {}).get(key)
    elif form.validate():
        try:
            structure.update_course(course, current_user, title=form.title.data, intro=form.intro.data or "",
                                    assessment=_assessment(form))
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash("Course saved.", "success")
            return redirect(url_for(".outline", course_slug=course.slug))
    return render_template("studio/course_form.html", form=form, course=course), 422 if form.is_submitted() else 200


@bp.get("/<course_slug>/outline")
@instructor_required
def outline(course_slug: str):
    return _outline_page(get_any_course(course_slug))


@bp.post("/<course_slug>/modules")
@instructor_required
def new_module(course_slug: str):
    course = get_any_course(course_slug)
    form = ModuleForm()
    if form.validate_on_submit():
        try:
            module = structure.create_module(course, current_user, title=form.title.data, slug=form.slug.data or "")
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(f"Module “{module.title}” added.", "success")
            return redirect(url_for(".outline", course_slug=course.slug))
    return _outline_page(course, module_form=form, status=422)


@bp.post("/<course_slug>/modules/<module_slug>/lessons")
@instructor_required
def new_lesson(course_slug: str, module_slug: str):
    course = get_any_course(course_slug)
    module = structure.get_module(course, module_slug)
    form = NewLessonForm()
    if form.validate_on_submit():
        try:
            lesson = structure.create_lesson(module, current_user, title=form.title.data, domain=form.domain.data,
                                             slug=form.slug.data or "")
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(f"Lesson “{lesson.title}” created as a draft from the template: write it, then publish it.",
                  "success")
            return redirect(url_for("authoring.edit", course_slug=course.slug, lesson_slug=lesson.slug))
    return _outline_page(course, lesson_form=form, status=422)


@bp.post("/<course_slug>/modules/<module_slug>/move/<any(up, down):direction>")
@instructor_required
def move_module(course_slug: str, module_slug: str, direction: str):
    _csrf()
    course = get_any_course(course_slug)
    if not structure.move_module(structure.get_module(course, module_slug), current_user, direction):
        flash(f"That module is already at the {'top' if direction == 'up' else 'bottom'}.", "info")
    db.session.commit()
    return redirect(url_for(".outline", course_slug=course.slug, _anchor=f"module-{module_slug}"))


@bp.post("/<course_slug>/modules/<module_slug>/<any(retire, restore):action>")
@instructor_required
def retire_module(course_slug: str, module_slug: str, action: str):
    _csrf()
    course = get_any_course(course_slug)
    module = structure.get_module(course, module_slug)
    structure.set_module_retired(module, current_user, action == "retire")
    db.session.commit()
    done = "retired" if action == "retire" else "restored"
    flash(f"Module “{module.title}” {done} with its lessons.", "success")
    return redirect(url_for(".outline", course_slug=course.slug))


@bp.post("/<course_slug>/lessons/<lesson_slug>/move/<any(up, down):direction>")
@instructor_required
def move_lesson(course_slug: str, lesson_slug: str, direction: str):
    _csrf()
    lesson = get_lesson_for_edit(course_slug, lesson_slug)
    if not structure.move_lesson(lesson, current_user, direction):
        flash(f"That lesson is already at the {'top' if direction == 'up' else 'bottom'} of its module.", "info")
    db.session.commit()
    return redirect(url_for(".outline", course_slug=course_slug, _anchor=f"lesson-{lesson_slug}"))


@bp.post("/<course_slug>/lessons/<lesson_slug>/status/<any(retire, restore):action>")
@instructor_required
def retire_lesson(course_slug: str, lesson_slug: str, action: str):
    _csrf()
    lesson = get_lesson_for_edit(course_slug, lesson_slug)
    structure.set_lesson_retired(lesson, current_user, action == "retire")
    db.session.commit()
    flash(f"Lesson “{lesson.title}” " + ("retired: learners no longer see it; its history and hours stay."
                                         if action == "retire" else "restored."), "success")
    return redirect(url_for(".outline", course_slug=course_slug))
