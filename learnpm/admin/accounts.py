"""Admin account pages: create an account by invitation, edit one, send a reset link, read its audit trail."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select

from learnpm.admin.forms import ROLE_VALUES, UserForm
from learnpm.admin.views import bp
from learnpm.audit import AuditEvent
from learnpm.auth import recovery, services
from learnpm.auth.decorators import admin_required
from learnpm.errors import DomainError
from learnpm.extensions import db

AUDIT_PAGE = 50


def _links() -> recovery.Links:
    return recovery.Links(current_app.config["SECRET_KEY"], current_app.config["LEARNPM_PUBLIC_URL"])


def _field_error(form, exc: DomainError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    if field and field in form:
        form[field].errors = [*form[field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = recovery.invite(current_user, form.email.data, form.name.data, form.role.data, _links())
        except DomainError as exc:
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"Account created for {user.email}; an invitation to set a password is mailed (valid 7 days).",
                  "success")
            return redirect(url_for("admin.user_detail", user_id=user.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/new_user.html", form=form), status


def _detail(user, form=None, status: int = 200):
    events = db.session.scalars(
        select(AuditEvent).where(or_(AuditEvent.target == f"user:{user.id}", AuditEvent.actor_id == user.id))
        .order_by(AuditEvent.id.desc()).limit(AUDIT_PAGE)).all()
    form = form or UserForm(obj=user)
    return render_template("admin/user.html", user=user, form=form, plain=FlaskForm(), events=events,
                           has_password=services.has_password(user), roles=ROLE_VALUES), status


@bp.get("/users/<int:user_id>")
@admin_required
def user_detail(user_id: int):
    return _detail(services.get_user(user_id))


@bp.post("/users/<int:user_id>")
@admin_required
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = UserForm()
    if not form.validate_on_submit():
        return _detail(user, form, 422)
    try:
        changed = services.change_name(current_user, user, form.name.data)
        changed |= recovery.set_email(current_user, user, form.email.data)
        old_role = user.role
        services.set_role(current_user, user, form.role.data)
        changed |= user.role != old_role
    except DomainError as exc:
        db.session.rollback()
        _field_error(form, exc)
        return _detail(services.get_user(user_id), form, 422)
    db.session.commit()
    flash(f"Saved {user.email}." if changed else "Nothing changed.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


@bp.post("/users/<int:user_id>/reset")
@admin_required
def send_reset(user_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = services.get_user(user_id)
    try:
        if services.has_password(user):
            recovery.send_reset(current_user, user, _links())
            message = f"A password reset link is mailed to {user.email} (valid one hour)."
        else:
            recovery.send_invitation(current_user, user, _links())
            message = f"The invitation is mailed again to {user.email} (valid 7 days)."
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


@bp.get("/audit")
@admin_required
def audit_log():
    page = request.args.get("page", 1, type=int)
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    action = request.args.get("action", "").strip()[:60]
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    pagination = db.paginate(query, page=max(page, 1), per_page=AUDIT_PAGE, error_out=False)
    return render_template("admin/audit.html", pagination=pagination, action=action)
