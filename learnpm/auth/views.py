"""Registration, log-in, log-out and password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from learnpm.auth import recovery, services, sessions
from learnpm.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from learnpm.auth.models import normalize_email
from learnpm.errors import DomainError
from learnpm.extensions import db, limiter

bp = Blueprint("auth", __name__)

SESSION_KEY = "learnpm_sid"  # the LoginSession of this browser, beside Flask-Login's user id


def log_in(user) -> None:
    """Start a server-side session for `user` (the caller commits) and put it in this browser's cookie."""
    session_id = sessions.start(user, current_app.config["PERMANENT_SESSION_LIFETIME"])
    db.session.commit()
    login_user(user)
    session[SESSION_KEY] = session_id


def current_session_id() -> int | None:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, int) else None


def links() -> recovery.Links:
    return recovery.Links(current_app.config["SECRET_KEY"], current_app.config["LEARNPM_PUBLIC_URL"])


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
    mode = current_app.config["LEARNPM_REGISTRATION"]
    if mode == "invite":
        return render_template("auth/register_closed.html"), 403
    form = RegisterForm()
    if form.validate_on_submit():
        refused = services.registration_problem(mode, form.email.data)
        try:
            if refused:
                raise DomainError(refused, {"field": "email"})
            user = services.create_user(form.email.data, form.name.data, form.password.data)
        except DomainError as exc:
            _apply_field_error(form, exc)
        else:
            log_in(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for("lessons.catalog"))
    status = 422 if form.is_submitted() else 200
    allowed = mode[len("domain:"):].replace(",", ", ") if mode.startswith("domain:") else None
    return render_template("auth/register.html", form=form, allowed_domains=allowed), status


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
            log_in(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("The email or password is not right.")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    sessions.end(current_user.id, current_session_id())
    db.session.commit()
    logout_user()
    session.pop(SESSION_KEY, None)
    flash("You are logged out.", "info")
    return redirect(url_for("lessons.catalog"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data, current_session_id())
        except DomainError as exc:
            _apply_field_error(form, exc)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the cookie follows the new session version
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("auth.account"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status


from learnpm.auth import account_views, recovery_views  # noqa: E402, F401  (their routes join this blueprint)
