"""Admin pages: list users, change roles, deactivate accounts (accounts.py: create, edit, reset, audit)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from learnpm.admin.forms import ROLE_VALUES, ActiveForm, RoleForm
from learnpm.auth import services
from learnpm.auth.decorators import admin_required
from learnpm.auth.models import User
from learnpm.errors import DomainError
from learnpm.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.get("/users")
@admin_required
def users():
    q = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", 1, type=int)
    query = select(User).order_by(User.email_normalized)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(User.email_normalized.like(like), func.lower(User.name).like(like)))
    pagination = db.paginate(query, page=max(page, 1), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", pagination=pagination, q=q, roles=ROLE_VALUES)


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    user = services.get_user(user_id)
    try:
        services.set_role(current_user, user, form.role.data)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"{user.email} is now {user.role}.", "success")
    return redirect(url_for("admin.users", q=request.args.get("q", "")))


@bp.post("/users/<int:user_id>/active")
@admin_required
def change_active(user_id: int):
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    user = services.get_user(user_id)
    try:
        services.set_active(current_user, user, form.active.data == "1")
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"{user.email} is {'active' if user.active else 'deactivated'}.", "success")
    if request.form.get("back") == "detail":
        return redirect(url_for("admin.user_detail", user_id=user.id), 303)
    return redirect(url_for("admin.users", q=request.args.get("q", "")))


from learnpm.admin import accounts  # noqa: E402, F401  (its routes join this blueprint)
