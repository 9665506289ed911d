"""Forgotten passwords and invitations: ask for a link by mail, then choose a password through it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from learnpm.auth import recovery
from learnpm.auth.forms import ForgotForm, NewPasswordForm
from learnpm.auth.models import normalize_email
from learnpm.auth.views import SESSION_KEY, _apply_field_error, bp, links, log_in
from learnpm.errors import DomainError
from learnpm.extensions import db, limiter


def _reset_account_key() -> str:
    return "reset:" + normalize_email(request.form.get("email", ""))[:254]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LEARNPM_RESET_ADDRESS_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LEARNPM_RESET_ACCOUNT_LIMIT"], methods=["POST"],
               key_func=_reset_account_key)
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data, links())
        db.session.commit()
        # The same page whether or not the address has an account.
        return render_template("auth/forgot_sent.html", email=form.email.data)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form), status


def _end_current_login() -> None:
    """A link opened in a browser logged in as someone (anyone) else: that log-in ends first."""
    if current_user.is_authenticated:
        logout_user()
    session.pop(SESSION_KEY, None)


def _choose_password(token: str, check, apply, template: str, done_message: str, log_in_after: bool):
    try:
        user = check(token, links())
    except DomainError as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = apply(token, form.password.data, links())
        except DomainError as exc:
            _apply_field_error(form, exc)
        else:
            db.session.commit()
            _end_current_login()
            flash(done_message, "success")
            if log_in_after:
                log_in(user)
                return redirect(url_for("lessons.catalog"))
            return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, user=user), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, recovery.check_reset, recovery.reset_password, "auth/reset.html",
                            "Your password is changed and every session is logged out. Log in with the new one.",
                            log_in_after=False)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _choose_password(token, recovery.check_invitation, recovery.accept_invitation, "auth/invitation.html",
                            "Welcome. Your password is set and you are logged in.", log_in_after=True)
