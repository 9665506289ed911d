"""Report pages: the learner's dashboard, the instructor's cohort, one learner in detail, item statistics."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from learnpm.auth.decorators import instructor_required, learner_required
from learnpm.classes import services as classes
from learnpm.classes.models import LearnerClass
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons.models import Course
from learnpm.lessons.services import get_any_course
from learnpm.quizzes.views import MODE_TITLES
from learnpm.reports import cohort, dashboard, export, items
from learnpm.reports.forms import ExamDateForm
from learnpm.reports.presenters import dashboard_charts
from learnpm.timeutil import now

bp = Blueprint("reports", __name__)


def _share() -> float:
    return current_app.config["LEARNPM_COMPLETION_SHARE"]


def _csv_response(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


# The learner


def _render_dashboard(form: ExamDateForm, status: int = 200):
    report = dashboard.build(current_user, now(), _share(), program_key=request.args.get("program") or None)
    return render_template("reports/dashboard.html", report=report, charts=dashboard_charts(report), form=form,
                           start_form=FlaskForm(), share=_share(), instructor_view=False,
                           my_classes=classes.classes_of(current_user.id)), status


@bp.get("/dashboard")
@learner_required
def learner_dashboard():
    return _render_dashboard(ExamDateForm(exam_date=current_user.exam_date))


@bp.post("/dashboard/exam-date")
@learner_required
def exam_date():
    form = ExamDateForm()
    if form.validate_on_submit():
        if not form.clear.data and form.exam_date.data is None:
            form.exam_date.errors.append("Enter a date, or choose “Clear the date”.")
        else:
            try:
                dashboard.set_exam_date(current_user, form.value(), now().date())
            except DomainError as exc:
                form.exam_date.errors.append(exc.message)
            else:
                db.session.commit()
                value = form.value()
                flash(f"Your exam date is {value.isoformat()}." if value else "Your exam date is cleared.", "success")
                return redirect(url_for(".learner_dashboard"), 303)
    return _render_dashboard(form, 422)


# The instructor


@bp.get("/instructor/cohorts")
@instructor_required
def courses():
    rows = db.session.scalars(select(Course).order_by(Course.title)).all()
    return render_template("reports/courses.html", courses=rows)


def _class_of(course: Course) -> LearnerClass | None:
    """The class that `?class=SLUG` names; 404 unless it is a class of this course."""
    slug = request.args.get("class", "")
    if not slug:
        return None
    group = classes.find_class(slug)
    if group is None or group.course_id != course.id:
        abort(404)
    return group


def _cohort_filter(course: Course) -> cohort.CohortFilter:
    group = _class_of(course)
    filters = cohort.parse_filter(request.args)
    return replace(filters, class_slug=group.slug, class_id=group.id) if group else replace(filters, class_slug="")


@bp.get("/instructor/courses/<course_slug>/cohort")
@instructor_required
def cohort_report(course_slug: str):
    course = get_any_course(course_slug)
    page = cohort.cohort_page(course, _cohort_filter(course), now(), _share())
    return render_template("reports/cohort.html", page=page, sorts=cohort.SORTS, inactive_days=cohort.INACTIVE_DAYS,
                           classes=classes.classes_for_course(course.id))


@bp.get("/instructor/courses/<course_slug>/cohort.csv")
@instructor_required
def cohort_csv(course_slug: str):
    course = get_any_course(course_slug)
    filters = _cohort_filter(course)
    page = cohort.cohort_all(course, filters, now(), _share())
    suffix = f"-{filters.class_slug}" if filters.class_slug else ""
    return _csv_response(export.cohort_csv(page), f"cohort-{course.slug}{suffix}.csv")


def _learner_report(course_slug: str, user_id: int):
    course = get_any_course(course_slug)
    learner = cohort.in_cohort(course, user_id)
    if learner is None:
        abort(404)
    return course, dashboard.build(learner, now(), _share(), course=course)


@bp.get("/instructor/courses/<course_slug>/learners/<int:user_id>")
@instructor_required
def learner_detail(course_slug: str, user_id: int):
    course, report = _learner_report(course_slug, user_id)
    return render_template("reports/learner.html", report=report, charts=dashboard_charts(report), course=course,
                           share=_share(), instructor_view=True)


@bp.get("/instructor/courses/<course_slug>/learners/<int:user_id>.csv")
@instructor_required
def learner_csv(course_slug: str, user_id: int):
    course, report = _learner_report(course_slug, user_id)
    return _csv_response(export.detail_csv(report, course.slug), f"learner-{user_id}-{course.slug}.csv")


@bp.get("/instructor/courses/<course_slug>/items")
@instructor_required
def item_statistics(course_slug: str):
    course = get_any_course(course_slug)
    group = _class_of(course)
    report = items.item_report(course, request.args.get("attempts") == "first",
                               cache=current_app.extensions.setdefault("learnpm.item_reports", {}),
                               class_id=group.id if group else None)
    return render_template("reports/items.html", report=report, group=group,
                           classes=classes.classes_for_course(course.id),
                           titles=MODE_TITLES, min_form=items.MIN_FORM_ATTEMPTS, min_responses=items.MIN_RESPONSES,
                           max_attempts=f"{items.MAX_ATTEMPTS:,}")
