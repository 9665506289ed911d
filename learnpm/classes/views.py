"""Instructor pages: classes of a course, their members, a CSV roster with a dry run then a confirm."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from learnpm.auth import recovery
from learnpm.auth.decorators import instructor_required
from learnpm.classes import services
from learnpm.classes.forms import ClassForm, ConfirmRosterForm, MemberForm, RosterForm
from learnpm.classes.roster import parse_roster
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons.models import Course

bp = Blueprint("classes", __name__, url_prefix="/instructor/classes")


def _links() -> recovery.Links:
    return recovery.Links(current_app.config["SECRET_KEY"], current_app.config["LEARNPM_PUBLIC_URL"])


def _field_error(form, exc: DomainError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    if field and field in form:
        form[field].errors = [*form[field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.title)))


def _index(form: ClassForm, status: int = 200):
    return render_template("classes/index.html", form=form, classes=services.classes_for_course()), status


def _class_form() -> ClassForm:
    form = ClassForm()
    form.course.choices = {c.slug: c.title for c in _courses()}
    return form


@bp.get("")
@instructor_required
def index():
    return _index(_class_form())


@bp.post("")
@instructor_required
def create():
    form = _class_form()
    if form.validate_on_submit():
        course = db.session.scalar(select(Course).where(Course.slug == form.course.data))
        try:
            group = services.create_class(current_user, course, form.name.data, form.exam_date.data)
        except DomainError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"Class {group.name} created.", "success")
            return redirect(url_for(".detail", slug=group.slug), 303)
    return _index(form, 422)


def _detail(group, member_form=None, roster_form=None, plan=None, confirm=None, status: int = 200):
    return render_template("classes/detail.html", group=group, members=services.members(group),
                           member_form=member_form or MemberForm(), roster_form=roster_form or RosterForm(),
                           plain=FlaskForm(), plan=plan, confirm=confirm), status


@bp.get("/<slug>")
@instructor_required
def detail(slug: str):
    return _detail(services.get_class(slug))


@bp.post("/<slug>/members")
@instructor_required
def add_member(slug: str):
    group = services.get_class(slug)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            user, invited = services.add_one(current_user, group, form.email.data, form.name.data or "", _links())
        except DomainError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"{user.name} ({user.email}) joined the class" + ("; an invitation is mailed." if invited else "."),
                  "success")
            return redirect(url_for(".detail", slug=slug), 303)
    return _detail(group, member_form=form, status=422)


@bp.post("/<slug>/members/<int:user_id>/remove")
@instructor_required
def remove_member(slug: str, user_id: int):
    group = services.get_class(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = services.remove_member(current_user, group, user_id)
    db.session.commit()
    flash(f"{user.email} left the class (the account stays).", "success")
    return redirect(url_for(".detail", slug=slug), 303)


def _digest(text: str) -> str:
    return hashlib.sha256(f"{current_user.id}:{text}".encode()).hexdigest()


@bp.post("/<slug>/import")
@instructor_required
def import_roster(slug: str):
    """The dry run: read the uploaded CSV and show what importing it would do."""
    group = services.get_class(slug)
    form = RosterForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if not data:
        form.file.errors = ["Choose a CSV file."]
        return _detail(group, roster_form=form, status=422)
    roster = parse_roster(data)
    plan = services.plan_import(group, roster)
    confirm = None
    if plan.ok:
        text = data.decode("utf-8-sig")
        confirm = ConfirmRosterForm(formdata=None, roster=text, digest=_digest(text))
    return _detail(group, plan=plan, confirm=confirm, status=200 if plan.ok else 422)


@bp.post("/<slug>/import/confirm")
@instructor_required
def confirm_roster(slug: str):
    group = services.get_class(slug)
    form = ConfirmRosterForm()
    if not form.validate_on_submit() or form.digest.data != _digest(form.roster.data):
        abort(400)
    roster = parse_roster(form.roster.data.encode("utf-8"))
    try:
        plan = services.apply_import(current_user, group, roster, _links())
    except DomainError as exc:
        db.session.rollback()
        plan = services.plan_import(group, roster)
        flash(exc.message, "error")
        return _detail(group, plan=plan, status=422)
    db.session.commit()
    flash(f"Imported: {plan.summary()}. Invitations are on their way to the new learners.", "success")
    return redirect(url_for(".detail", slug=slug), 303)
