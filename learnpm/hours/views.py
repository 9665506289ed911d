"""The learner's hours page and exports; instructors record live sessions; admins correct entries."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from learnpm.auth.decorators import admin_required, instructor_required, learner_required
from learnpm.auth.models import User, normalize_email
from learnpm.classes import services as classes
from learnpm.csvsafe import safe_cell
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.hours import queries, services
from learnpm.hours.forms import CorrectionForm, LiveSessionForm
from learnpm.hours.models import HoursEntry
from learnpm.lessons.models import Course
from learnpm.reports import charts
from learnpm.timeutil import now

bp = Blueprint("hours", __name__)

CSV_FIELDS = ["seq", "occurred_on", "course", "lesson", "source", "seconds", "reason", "recorded_by",
              "started_at", "ended_at", "corrects", "created_at", "hash"]


@bp.get("/hours")
@learner_required
def page():
    summary = queries.summary(current_user.id, current_app.config["LEARNPM_COMPLETION_SHARE"])
    recent = [(day.strftime("%d %b"), round(seconds / 3600, 2)) for day, seconds in summary.days[-21:]]
    days_chart = charts.bar_chart("Hours credited per day (last 21 days of study)", recent,
                                  max_value=max([8.0, *(hours for _, hours in recent)]), unit="h")
    return render_template("hours/page.html", summary=summary, days_chart=days_chart)


@bp.get("/hours/ledger.<any(csv, json):fmt>")
@learner_required
def export(fmt: str):
    entries = [queries.entry_dict(e) for e in queries.summary(current_user.id, 1.0).entries]
    entries.reverse()
    if fmt == "json":
        body = json.dumps({"learner": current_user.email, "entries": entries}, indent=2)
        return Response(body, mimetype="application/json",
                        headers={"Content-Disposition": "attachment; filename=learnpm-hours.json"})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({name: safe_cell(value) for name, value in entry.items()} for entry in entries)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=learnpm-hours.csv"})


@bp.route("/instructor/hours", methods=["GET", "POST"])
@instructor_required
def record_live():
    form = LiveSessionForm()
    courses = db.session.scalars(select(Course).order_by(Course.title)).all()
    group = _class_filter(form)
    if form.validate_on_submit():
        course = next((c for c in courses if c.slug == form.course.data), None)
        ids, unknown = services.learner_ids_for(form.learners.data.splitlines())
        if course is None:
            form.course.errors = ["Choose one of the courses."]
        elif unknown:
            form.learners.errors = [f"No active account for: {', '.join(unknown[:10])}"]
        else:
            try:
                services.record_live(ids, course, form.minutes.data, form.reason.data, current_user,
                                     services.settings_from(current_app.config), form.occurred_on.data,
                                     today=now().date(), early_reason=form.early_reason.data)
            except DomainError as exc:
                form.form_errors.append(exc.message)
            else:
                flash(f"Recorded {form.minutes.data} minutes for {len(ids)} learner(s).", "success")
                return redirect(url_for(".record_live"))
    status = 422 if form.is_submitted() else 200
    return render_template("hours/record.html", form=form, courses=courses, group=group,
                           classes=classes.classes_for_course()), status


def _class_filter(form: LiveSessionForm):
    """`?class=SLUG` fills the form with the class's members and course (a live class of one class)."""
    slug = request.args.get("class", "")
    group = classes.find_class(slug) if slug else None
    if slug and group is None:
        abort(404)
    if group is not None and not form.is_submitted():
        form.learners.data = "\n".join(u.email for u in classes.members(group))
        form.course.data = group.course.slug
    return group


def _admin_page(email: str, failed: int | None = None, error: str | None = None, status: int = 200):
    learner = db.session.scalar(select(User).where(User.email_normalized == normalize_email(email))) \
        if email else None
    entries = db.session.scalars(select(HoursEntry).where(HoursEntry.user_id == learner.id)
                                 .order_by(HoursEntry.seq.desc())).all() if learner else []
    return render_template("hours/admin.html", email=email, learner=learner, entries=entries,
                           form=CorrectionForm(), failed=failed, error=error,
                           values=request.form if failed else {}), status


@bp.get("/admin/hours")
@admin_required
def ledger_admin():
    return _admin_page(request.args.get("email", "").strip()[:254])


@bp.post("/admin/hours/<int:entry_id>/correct")
@admin_required
def correct(entry_id: int):
    form = CorrectionForm()
    entry = db.session.get(HoursEntry, entry_id)
    if entry is None:
        abort(404)
    email = db.session.get(User, entry.user_id).email
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        message = " ".join(m for errors in form.errors.values() for m in errors)
        return _admin_page(email, entry_id, message, 422)
    try:
        services.correct_entry(entry_id, form.minutes.data * 60, form.reason.data, current_user,
                               services.settings_from(current_app.config))
    except DomainError as exc:
        return _admin_page(email, entry_id, exc.message, 422)
    flash("Correction recorded as a new ledger row.", "success")
    return redirect(url_for(".ledger_admin", email=email))
