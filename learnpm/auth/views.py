"""Registration, log-in, log-out and password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from learnpm.auth import services
from learnpm.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from learnpm.auth.models import normalize_email
from learnpm.errors import DomainError
from learnpm.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    return "login:" + normalize_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the catalog."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("lessons.catalog")


def _apply_field_error(form, exc: DomainError) -> None:
    field = (exc.detail or {}).get("field") if isinstance(exc.detail, dict) else None
    if field and field in form:
        form[field].errors = [*form[field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LEARNPM_REGISTER_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("lessons.catalog"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.name.data, form.password.data)
        except DomainError as exc:
            _apply_field_error(form, exc)
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for("lessons.catalog"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LEARNPM_LOGIN_ADDRESS_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LEARNPM_LOGIN_ACCOUNT_LIMIT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("The email or password is not right.")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("lessons.catalog"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except DomainError as exc:
            _apply_field_error(form, exc)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the cookie follows the new session version
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("lessons.catalog"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
