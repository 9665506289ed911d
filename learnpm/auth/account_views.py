"""The account page: name, email, password, log out everywhere, and all my data as JSON."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from learnpm.auth import recovery, services, sessions
from learnpm.auth.forms import EmailChangeForm, NameForm
from learnpm.auth.views import SESSION_KEY, _apply_field_error, bp, links
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.timeutil import utcnow


def _page(name_form=None, email_form=None, status: int = 200):
    return render_template("auth/account.html", name_form=name_form or NameForm(name=current_user.name),
                           email_form=email_form or EmailChangeForm(), plain_form=FlaskForm(),
                           session_count=sessions.count(current_user.id)), status


@bp.get("/account")
@login_required
def account():
    return _page()


@bp.post("/account/name")
@login_required
def change_name():
    form = NameForm()
    if form.validate_on_submit():
        try:
            changed = services.change_name(current_user, current_user, form.name.data)
        except DomainError as exc:
            _apply_field_error(form, exc)
        else:
            db.session.commit()
            flash("Your name is changed. New certificates carry it; certificates already issued keep the name "
                  "they were issued to." if changed else "Your name is unchanged.", "success")
            return redirect(url_for("auth.account"), 303)
    return _page(name_form=form, status=422)


@bp.post("/account/email")
@login_required
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            recovery.request_email_change(current_user, form.email.data, links())
        except DomainError as exc:
            _apply_field_error(form, exc)
        else:
            db.session.commit()
            flash(f"We sent a link to {form.email.data}. Your address changes when you open it.", "success")
            return redirect(url_for("auth.account"), 303)
    return _page(email_form=form, status=422)


@bp.get("/account/email/<token>")
def confirm_email(token: str):
    try:
        user = recovery.confirm_email_change(token, links())
    except DomainError as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 400
    db.session.commit()
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    if not FlaskForm().validate_on_submit():
        return _page(status=400)
    sessions.end_all(current_user, actor=current_user)
    db.session.commit()
    logout_user()
    session.pop(SESSION_KEY, None)
    flash("You are logged out everywhere: on this browser and on every other.", "success")
    return redirect(url_for("auth.login"), 303)


@bp.get("/account/data.json")
@login_required
def my_data():
    """Everything learnpm holds about the learner: profile, hours ledger, attempts, certificates."""
    # A page may gather from higher features; imported here, as auth is imported by all of them.
    from learnpm.certificates.models import Certificate
    from learnpm.hours import queries as hours
    from learnpm.quizzes.models import Attempt

    user = current_user
    attempts = db.session.scalars(select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.id)).all()
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                      .order_by(Certificate.id)).all()
    entries = [hours.entry_dict(e) for e in hours.summary(user.id, 1.0).entries]
    entries.reverse()

    def iso(value):
        return value.isoformat() + "Z" if value else None

    body = {
        "exported_at": iso(utcnow()),
        "profile": {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
                    "created_at": iso(user.created_at), "last_login_at": iso(user.last_login_at),
                    "exam_date": user.exam_date.isoformat() if user.exam_date else None},
        "hours": {"entries": entries},
        "attempts": [{"id": a.id, "mode": a.mode, "status": a.status, "course_id": a.course_id,
                      "domain": a.domain, "created_at": iso(a.created_at), "closed_at": iso(a.closed_at),
                      "score_percent": a.score_percent, "passed": a.passed, "result": a.result}
                     for a in attempts],
        "certificates": [{"code": c.code, "issued_at": iso(c.issued_at), "snapshot": c.snapshot,
                          "revoked_at": iso(c.revoked_at), "revoked_reason": c.revoked_reason}
                         for c in certificates],
    }
    return Response(json.dumps(body, indent=2, default=str), mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=learnpm-my-data.json",
                             "Cache-Control": "private, no-store"})
