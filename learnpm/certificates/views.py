"""Certificate pages: the learner's list and PDFs, public verification, instructor issuance, admin revocation."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from learnpm.auth.decorators import admin_required, instructor_required, learner_required
from learnpm.certificates import services
from learnpm.certificates.eligibility import floor_tenths
from learnpm.certificates.forms import (
    CourseIssueForm,
    IssueForm,
    LearnerIssueForm,
    RestoreForm,
    RevokeForm,
    SettingsForm,
)
from learnpm.certificates.pdf import format_date
from learnpm.errors import DomainError
from learnpm.extensions import db, limiter
from learnpm.lessons.models import Course
from learnpm.lessons.services import get_any_course
from learnpm.timeutil import now

bp = Blueprint("certificates", __name__)


def _config() -> services.CertificateConfig:
    return services.config_from(current_app.config)


def _is_staff() -> bool:
    return current_user.has_role("instructor")


def _flash_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


@bp.app_context_processor
def certificate_helpers() -> dict:
    return {"format_date": format_date, "floor_tenths": floor_tenths}


# The learner


@bp.get("/certificates")
@learner_required
def index():
    courses = db.session.scalars(select(Course).order_by(Course.title)).all() if _is_staff() else []
    return render_template("certificates/index.html", overview=services.learner_overview(current_user.id),
                           form=IssueForm(), staff_courses=courses)


@bp.post("/certificates/issue")
@learner_required
def issue():
    form = IssueForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for(".index"), 303)
    try:
        course = get_any_course(form.course.data)
        certificate, created = services.issue(current_user.id, course, current_user, now().date(), _config())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        message = "Your certificate is ready" if created else "You already have this certificate"
        flash(f"{message}: {certificate.code}.", "success")
    return redirect(url_for(".index"), 303)


@bp.get("/certificates/<code>.pdf")
@learner_required
def pdf(code: str):
    certificate = services.for_viewer(code, current_user.id, _is_staff())
    response = Response(certificate.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    response.set_etag(certificate.pdf_sha256)
    return response.make_conditional(request)


@bp.get("/certificates/<code>/audit-pack.zip")
@learner_required
def audit_pack(code: str):
    certificate = services.for_viewer(code, current_user.id, _is_staff())
    body = services.audit_pack(certificate, _config().public_url)
    return Response(body, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="audit-pack-{certificate.code}.zip"',
        "Cache-Control": "no-store"})


# Anyone


@bp.get("/verify/<code>")
@limiter.limit(lambda: current_app.config["LEARNPM_VERIFY_LIMIT"])
def verify(code: str):
    certificate = services.find(code)
    return render_template("certificates/verify.html", certificate=certificate,
                           snap=services.pdf_snapshot(certificate.snapshot))


# Instructors


@bp.get("/instructor/courses/<course_slug>/certificates")
@instructor_required
def course_certificates(course_slug: str):
    course = get_any_course(course_slug)
    return render_template("certificates/instructor.html", course=course, learners=services.cohort(course),
                           one_form=LearnerIssueForm(), all_form=CourseIssueForm())


@bp.post("/instructor/courses/<course_slug>/certificates/issue")
@instructor_required
def issue_one(course_slug: str):
    course = get_any_course(course_slug)
    form = LearnerIssueForm()
    if not form.validate_on_submit() or not form.user_id.data.isdigit():
        flash("Choose a learner.", "error")
        return redirect(url_for(".course_certificates", course_slug=course.slug), 303)
    try:
        certificate, created = services.issue(int(form.user_id.data), course, current_user, now().date(), _config())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        verb = "Issued" if created else "Already issued:"
        flash(f"{verb} {certificate.code} to {certificate.snapshot['learner_name']}.", "success")
    return redirect(url_for(".course_certificates", course_slug=course.slug), 303)


@bp.post("/instructor/courses/<course_slug>/certificates/issue-all")
@instructor_required
def issue_all(course_slug: str):
    course = get_any_course(course_slug)  # CSRFProtect has checked the form's only field, its token
    try:
        issued = services.issue_all(course, current_user, now().date(), _config())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"Issued {len(issued)} certificate(s)." if issued else "No eligible learner is waiting for a "
              "certificate.", "success")
    return redirect(url_for(".course_certificates", course_slug=course.slug), 303)


# Admins


@bp.get("/admin/certificates")
@admin_required
def admin_list():
    q = request.args.get("q", "").strip()[:100]
    pagination = services.search(q, request.args.get("page", 1, type=int))
    return render_template("certificates/admin_list.html", pagination=pagination, q=q)


@bp.route("/admin/certificates/<code>", methods=["GET", "POST"])
@admin_required
def admin_detail(code: str):
    certificate = services.find(code)
    if certificate.code != code:
        return redirect(url_for(".admin_detail", code=certificate.code))
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(certificate.code, form.reason.data, current_user, now())
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(f"Certificate {certificate.code} is revoked; its verification page says so.", "success")
            return redirect(url_for(".admin_detail", code=certificate.code), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("certificates/admin_detail.html", certificate=certificate, form=form,
                           restore_form=RestoreForm(formdata=None),
                           snap=services.pdf_snapshot(certificate.snapshot)), status


@bp.post("/admin/certificates/<code>/<any(reinstate, reissue):action>")
@admin_required
def restore(code: str, action: str):
    certificate = services.find(code)
    form = RestoreForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for(".admin_detail", code=certificate.code), 303)
    try:
        if action == "reinstate":
            services.reinstate(certificate.code, form.reason.data, current_user, now())
            message, target = f"Certificate {certificate.code} is valid again.", certificate.code
        else:
            new = services.reissue(certificate.code, form.reason.data, current_user, now().date(), now(), _config())
            message, target = f"Certificate {new.code} re-issued in place of {certificate.code}.", new.code
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".admin_detail", code=certificate.code), 303)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".admin_detail", code=target), 303)


@bp.route("/admin/certificates/settings", methods=["GET", "POST"])
@admin_required
def settings():
    config = _config()
    current = services.current_settings(config.default_provider_name)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in services.SETTING_LIMITS}
        try:
            services.update_settings(values, current_user, now(), config.default_provider_name)
        except DomainError as exc:
            field = (exc.detail or {}).get("field") if isinstance(exc.detail, dict) else None
            if field and hasattr(form, field):
                getattr(form, field).errors = [exc.message]
            else:
                form.form_errors.append(exc.message)
            db.session.rollback()
        else:
            db.session.commit()
            flash("Certificate settings saved. They print on certificates issued from now on.", "success")
            return redirect(url_for(".settings"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("certificates/settings.html", form=form, current=current), status
