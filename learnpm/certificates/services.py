"""Certificate workflows: settings, eligibility, issuance, access, revocation, the audit pack."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from learnpm import audit
from learnpm.auth.models import User
from learnpm.certificates import auditpack
from learnpm.certificates.eligibility import Eligibility, evaluate, floor_tenths
from learnpm.certificates.models import (
    DEFAULT_SIGNATORY_NAME,
    DEFAULT_SIGNATORY_TITLE,
    Certificate,
    CertificateSettings,
)
from learnpm.certificates.pdf import UNICODE_RANGES, CertificateSnapshot, render_certificate, unprintable
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.hours import services as hours_services
from learnpm.hours.ledger import BrokenLink
from learnpm.hours.models import EngagementClock, HoursEntry
from learnpm.hours.queries import entry_dict
from learnpm.lessons.models import Course, Lesson, Module
from learnpm.quizzes import outcomes

# No 0/O, 1/I/L: a code read aloud or typed from paper is unambiguous. 31**12 is about 2**59.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 3
LIVE_LINE = "Instructor-led sessions and corrections"
SETTING_LIMITS = {"provider_name": 200, "provider_number": 60, "signatory_name": 120, "signatory_title": 120}
SETTING_LABELS = {"provider_name": "Provider name", "provider_number": "Provider number",
                  "signatory_name": "Signatory name", "signatory_title": "Signatory title"}


@dataclass(frozen=True)
class CertificateConfig:
    public_url: str
    default_provider_name: str


@dataclass(frozen=True)
class CourseStatus:
    """A course as the learner's certificates page shows it."""

    course: Course
    eligibility: Eligibility
    certificate: Certificate | None  # the live (not revoked) certificate, if any


@dataclass(frozen=True)
class Overview:
    """The learner's certificates page: every course's status and every certificate."""

    courses: list[CourseStatus]
    certificates: list[Certificate]
    open_seconds: int  # time in the reading session under way, which reaches the ledger when it ends


@dataclass(frozen=True)
class LearnerStatus:
    """A learner of a course as the instructor's certificates page shows them."""

    user: User
    eligibility: Eligibility
    certificate: Certificate | None


def config_from(config) -> CertificateConfig:
    """Read the certificate settings from the app's config mapping."""
    return CertificateConfig(config["LEARNPM_PUBLIC_URL"].rstrip("/"),
                             config.get("LEARNPM_PROVIDER_NAME") or "learnpm")


def new_code() -> str:
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS))
    return "LPM-" + "-".join(groups)


def normalize_code(code: str) -> str:
    return code.strip().upper()[:24]


def verify_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/verify/{code}"


# Settings


def current_settings(default_provider_name: str) -> CertificateSettings:
    """Return the settings row, or the defaults (unsaved) while an admin has not set them."""
    row = db.session.get(CertificateSettings, 1)
    if row is not None:
        return row
    return CertificateSettings(id=1, provider_name=default_provider_name, provider_number=None,
                               signatory_name=DEFAULT_SIGNATORY_NAME, signatory_title=DEFAULT_SIGNATORY_TITLE)


def _printable(value: str) -> str | None:
    """Return the first character that a certificate cannot print, if any."""
    for char in value:
        if not char.isprintable() or not any(low <= ord(char) <= high for low, high in UNICODE_RANGES):
            return char
    return None


def _clean_setting(name: str, value: str | None) -> str | None:
    value = " ".join((value or "").split())
    label, limit = SETTING_LABELS[name], SETTING_LIMITS[name]
    if not value:
        if name == "provider_number":
            return None
        raise ValidationError(f"{label} is required.", {"field": name})
    if len(value) < 2 and name != "provider_number":
        raise ValidationError(f"{label} must be at least 2 characters.", {"field": name})
    if len(value) > limit:
        raise ValidationError(f"{label} must be at most {limit} characters (got {len(value)}).", {"field": name})
    bad = _printable(value)
    if bad is not None:
        raise ValidationError(f"{label}: the certificate cannot print {bad!r} (U+{ord(bad):04X}); use Latin, "
                              "Greek or Cyrillic letters.", {"field": name})
    return value


def update_settings(values: dict[str, str | None], actor, now: datetime,
                    default_provider_name: str) -> CertificateSettings:
    """Validate and save provider and signatory; they print on certificates issued from now on."""
    clean = {name: _clean_setting(name, values.get(name)) for name in SETTING_LIMITS}
    row = db.session.get(CertificateSettings, 1)
    if row is None:
        row = current_settings(default_provider_name)
        db.session.add(row)
    changed = {name: value for name, value in clean.items() if getattr(row, name) != value}
    for name, value in clean.items():
        setattr(row, name, value)
    row.updated_at = now
    row.updated_by = getattr(actor, "email", None) or str(actor)
    audit.record(actor, "certificate.settings", "certificate_settings", **changed)
    db.session.flush()
    return row


# Eligibility


def _rows(user_id: int, course_id: int, upto_seq: int | None) -> tuple:
    where = (HoursEntry.user_id == user_id, HoursEntry.course_id == course_id)
    return where if upto_seq is None else (*where, HoursEntry.seq <= upto_seq)


def course_seconds(user_id: int, course_id: int, upto_seq: int | None = None) -> int:
    """Return the seconds the ledger credits to a learner in a course (sealed rows only)."""
    return db.session.scalar(select(func.coalesce(func.sum(HoursEntry.seconds), 0))
                             .where(*_rows(user_id, course_id, upto_seq)))


def blocking_revocation(user_id: int, course_id: int) -> Certificate | None:
    """The learner's latest revoked certificate of the course that no admin has reinstated or cleared."""
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.revoked_at.is_not(None),
        Certificate.reissued_as.is_(None)).order_by(Certificate.revoked_at.desc()).limit(1))


def revocation_note(certificate: Certificate | None) -> str | None:
    if certificate is None:
        return None
    return (f"certificate {certificate.code} was revoked on {certificate.revoked_at.date().isoformat()}; "
            "an administrator must reinstate it or re-issue it before a new one can be issued")


def _eligibility(user_id: int, course: Course, seconds: int,
                 status: outcomes.AssessmentStatus | None = None, blocked: Certificate | None | bool = False
                 ) -> Eligibility:
    status = status or outcomes.assessment_status(user_id, course.id)
    if blocked is False:
        blocked = blocking_revocation(user_id, course.id)
    return evaluate(seconds, course.program.rules.target_seconds, status.required, status.passed,
                    status.pass_percent, status.best_percent, revocation_note(blocked or None))


def live_certificate(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.revoked_at.is_(None)))


# The snapshot


def _study_dates(user_id: int, course_id: int, upto_seq: int) -> tuple[date, date]:
    """First and last days of study: a correction is dated when it was made, so it counts only alone."""
    where = _rows(user_id, course_id, upto_seq)
    span = select(func.min(HoursEntry.occurred_on), func.max(HoursEntry.occurred_on)).where(*where)
    first, last = db.session.execute(span.where(HoursEntry.source != "correction")).one()
    if first is None:
        first, last = db.session.execute(span).one()
    return first, last


def _module_seconds(user_id: int, course_id: int, upto_seq: int) -> list[tuple[str, int]]:
    """Return lesson study per module in course order, then live sessions and corrections on one line."""
    where = _rows(user_id, course_id, upto_seq)
    per_module = db.session.execute(
        select(Module.title, func.sum(HoursEntry.seconds))
        .join(Lesson, Lesson.id == HoursEntry.lesson_id).join(Module, Module.id == Lesson.module_id)
        .where(*where, HoursEntry.source == "engagement")
        .group_by(Module.id, Module.title, Module.position).order_by(Module.position)).all()
    rows = [(title, int(seconds)) for title, seconds in per_module if seconds]
    other = db.session.scalar(select(func.coalesce(func.sum(HoursEntry.seconds), 0))
                              .where(*where, HoursEntry.source != "engagement"))
    if other:
        rows.append((LIVE_LINE, int(other)))
    return rows


def build_snapshot(user: User, course: Course, code: str, upto_seq: int, today: date,
                   settings: CertificateSettings, public_url: str) -> dict:
    """Freeze everything the certificate says (from the ledger rows up to `upto_seq`), as JSON-ready values."""
    seconds = course_seconds(user.id, course.id, upto_seq)
    started, completed = _study_dates(user.id, course.id, upto_seq)
    return {
        "code": code,
        "learner_name": user.name,
        "course_title": course.title,
        "program_title": course.program.title,
        "provider_name": settings.provider_name,
        "provider_number": settings.provider_number,
        "contact_seconds": seconds,
        "started_on": started.isoformat(),
        "completed_on": completed.isoformat(),
        "issued_on": today.isoformat(),
        "modules": [[title, part] for title, part in _module_seconds(user.id, course.id, upto_seq)],
        "signatory_name": settings.signatory_name,
        "signatory_title": settings.signatory_title,
        "verify_url": verify_url(public_url, code),
    }


def pdf_snapshot(data: dict) -> CertificateSnapshot:
    """Turn a stored snapshot into what the renderer prints (hours truncated to one decimal)."""
    return CertificateSnapshot(
        code=data["code"], learner_name=data["learner_name"], course_title=data["course_title"],
        program_title=data["program_title"], provider_name=data["provider_name"],
        provider_number=data["provider_number"], contact_hours=floor_tenths(data["contact_seconds"]),
        started_on=date.fromisoformat(data["started_on"]), completed_on=date.fromisoformat(data["completed_on"]),
        issued_on=date.fromisoformat(data["issued_on"]),
        modules=[(title, floor_tenths(seconds)) for title, seconds in data["modules"]],
        signatory_name=data["signatory_name"], signatory_title=data["signatory_title"],
        verify_url=data["verify_url"])


def render_pdf(data: dict) -> bytes:
    """Render a stored snapshot as the certificate PDF."""
    return render_certificate(pdf_snapshot(data))


# Issuance


HIDDEN_CATEGORIES = ("Cc", "Cs", "Co", "Cn", "Zl", "Zp")
JOINERS = ("\u200c", "\u200d")  # zero-width (non-)joiners: part of some scripts' spelling


def name_problem(name: str) -> str | None:
    """Why a name cannot go on a certificate (a hidden character, or one no installed font prints), or None."""
    if not name.strip():
        return "The learner's name is empty."
    for char in name:
        category = unicodedata.category(char)
        if category in HIDDEN_CATEGORIES or (category == "Cf" and char not in JOINERS):
            return (f"The learner's name holds an invisible or control character (U+{ord(char):04X}), which a "
                    "certificate does not print. Correct the name on the account page, then ask again.")
    bad = unprintable(name)
    if bad is not None:
        return (f"The certificate cannot print {bad!r} (U+{ord(bad):04X}) in the learner's name: no installed font "
                "has it. Write the name without it on the account page, then ask again.")
    return None


def _check_name(name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise Conflict(problem, {"missing": [problem]})


def issue(user_id: int, course: Course, actor, today: date, config: CertificateConfig,
          *, cleared: Certificate | None = None) -> tuple[Certificate, bool]:
    """Issue the learner's certificate for the course, or return the live one; say whether it is new.

    A revoked certificate that no admin has reinstated or cleared blocks it (`cleared` is the one an
    admin's re-issue is clearing).
    """
    existing = live_certificate(user_id, course.id)
    if existing is not None:
        return existing, False
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such learner.")
    # Every figure comes from the rows up to this one, so a row sealed meanwhile cannot make them disagree.
    ledger_seq = db.session.scalar(select(func.coalesce(func.max(HoursEntry.seq), 0))
                                   .where(HoursEntry.user_id == user_id))
    seconds = course_seconds(user_id, course.id, ledger_seq)
    _check_name(user.name)
    blocked = blocking_revocation(user_id, course.id)
    status = _eligibility(user_id, course, seconds, blocked=None if cleared is not None and blocked is not None
                          and blocked.id == cleared.id else blocked)
    if not status.eligible:
        raise Conflict(f"Not eligible yet for {course.title}: still needed: {'; '.join(status.missing)}.",
                       {"missing": list(status.missing)})
    code = new_code()
    data = build_snapshot(user, course, code, ledger_seq, today, current_settings(config.default_provider_name),
                          config.public_url)
    pdf = render_pdf(data)
    certificate = Certificate(code=code, user_id=user_id, course_id=course.id, snapshot=data, ledger_seq=ledger_seq,
                              pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                              created_by_id=getattr(actor, "id", None),
                              created_by=getattr(actor, "email", None) or str(actor))
    db.session.add(certificate)
    audit.record(actor, "certificate.issue", f"certificate:{code}", user=user_id, course=course.slug,
                 contact_seconds=seconds)
    try:
        db.session.flush()
    except IntegrityError:
        # A parallel request issued it first (one live certificate per learner and course).
        db.session.rollback()
        existing = live_certificate(user_id, course.id)
        if existing is None:
            raise Conflict("The certificate could not be issued; try again.") from None
        return existing, False
    return certificate, True


def cohort(course: Course) -> list[LearnerStatus]:
    """Every learner with hours in the course: credited time, what is missing, the live certificate."""
    rows = db.session.execute(
        select(User, func.sum(HoursEntry.seconds)).join(HoursEntry, HoursEntry.user_id == User.id)
        .where(HoursEntry.course_id == course.id).group_by(User.id).order_by(User.name, User.id)).all()
    live = {c.user_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.course_id == course.id, Certificate.revoked_at.is_(None)))}
    statuses = outcomes.assessment_statuses([user.id for user, _ in rows], course.id)
    blocked: dict[int, Certificate] = {}
    for certificate in db.session.scalars(select(Certificate).where(
            Certificate.course_id == course.id, Certificate.revoked_at.is_not(None),
            Certificate.reissued_as.is_(None)).order_by(Certificate.revoked_at)):
        blocked[certificate.user_id] = certificate
    return [LearnerStatus(user, _eligibility(user.id, course, int(seconds), statuses[user.id],
                                             blocked.get(user.id)), live.get(user.id))
            for user, seconds in rows]


def issue_all(course: Course, actor, today: date, config: CertificateConfig) -> list[Certificate]:
    """Issue certificates to every eligible learner of the course who has none; return the new ones."""
    issued = []
    for status in cohort(course):
        if status.certificate is None and status.eligibility.eligible:
            certificate, created = issue(status.user.id, course, actor, today, config)
            if created:
                issued.append(certificate)
    return issued


# Reading and access


def find(code: str) -> Certificate:
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == normalize_code(code)))
    if certificate is None:
        raise NotFound("No certificate has this code. Check the code on the certificate and try again.")
    return certificate


def for_viewer(code: str, viewer_id: int, staff: bool) -> Certificate:
    """Return the certificate if the viewer may download it; anyone else learns nothing (404)."""
    certificate = find(code)
    if not staff and certificate.user_id != viewer_id:
        raise NotFound("No certificate has this code. Check the code on the certificate and try again.")
    return certificate


def learner_overview(user_id: int) -> Overview:
    """The learner's eligibility per course (published ones and any certified) and all their certificates."""
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                      .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
    certified = {c.course_id for c in certificates}
    courses = db.session.scalars(select(Course).where(or_(Course.published.is_(True), Course.id.in_(certified)))
                                 .order_by(Course.title)).all()
    seconds = dict(db.session.execute(select(HoursEntry.course_id, func.sum(HoursEntry.seconds))
                                      .where(HoursEntry.user_id == user_id).group_by(HoursEntry.course_id)).all())
    live = {c.course_id: c for c in certificates if not c.revoked}
    statuses = [CourseStatus(course, _eligibility(user_id, course, int(seconds.get(course.id, 0))),
                             live.get(course.id)) for course in courses]
    clock = db.session.get(EngagementClock, user_id)
    return Overview(statuses, list(certificates), clock.open_seconds if clock else 0)


def search(query: str, page: int, per_page: int = 50):
    """Certificates matching a code, learner name or email, or course, newest first (a pagination)."""
    statement = (select(Certificate).join(User, User.id == Certificate.user_id)
                 .join(Course, Course.id == Certificate.course_id)
                 .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    query = query.strip()
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(Certificate.code).like(like), User.email_normalized.like(like),
                                        func.lower(User.name).like(like), func.lower(Course.title).like(like),
                                        Course.slug.like(like)))
    return db.paginate(statement, page=max(page, 1), per_page=per_page, error_out=False)


# Revocation


def revoke(code: str, reason: str, actor, now: datetime) -> Certificate:
    """Revoke a certificate with a reason; its verification page then says it is revoked."""
    certificate = find(code)
    if certificate.revoked:
        raise Conflict(f"Certificate {certificate.code} was already revoked on {certificate.revoked_at.date()}.")
    reason = " ".join(reason.split())
    if not 3 <= len(reason) <= 500:
        raise ValidationError("Give a reason of 3 to 500 characters.", {"field": "reason"})
    certificate.revoked_at = now
    certificate.revoked_reason = reason
    certificate.revoked_by_id = getattr(actor, "id", None)
    certificate.revoked_by = getattr(actor, "email", None) or str(actor)
    audit.record(actor, "certificate.revoke", f"certificate:{certificate.code}", reason=reason,
                 user=certificate.user_id, course=certificate.course.slug)
    db.session.flush()
    return certificate


def _admin_reason(reason: str, actor) -> str:
    if not getattr(actor, "has_role", lambda _role: False)("admin") and actor != "command line":
        raise ValidationError("Only an administrator reinstates or re-issues a revoked certificate.")
    reason = " ".join((reason or "").split())
    if not 3 <= len(reason) <= 500:
        raise ValidationError("Give a reason of 3 to 500 characters.", {"field": "reason"})
    return reason


def reinstate(code: str, reason: str, actor, now: datetime) -> Certificate:
    """Make a revoked certificate valid again, with a reason (in the audit log)."""
    certificate = find(code)
    reason = _admin_reason(reason, actor)
    if not certificate.revoked:
        raise Conflict(f"Certificate {certificate.code} is not revoked.")
    if certificate.reissued_as:
        raise Conflict(f"Certificate {certificate.code} was re-issued as {certificate.reissued_as}.")
    if live_certificate(certificate.user_id, certificate.course_id) is not None:
        raise Conflict("The learner already holds a valid certificate for this course.")
    label = getattr(actor, "email", None) or str(actor)
    audit.record(actor, "certificate.reinstate", f"certificate:{certificate.code}", reason=reason,
                 revoked_at=certificate.revoked_at.isoformat(), revoked_reason=certificate.revoked_reason)
    certificate.revoked_at = certificate.revoked_reason = certificate.revoked_by = None
    certificate.revoked_by_id = None
    certificate.reinstated_at, certificate.reinstated_by, certificate.reinstated_reason = now, label, reason
    db.session.flush()
    return certificate


def reissue(code: str, reason: str, actor, today: date, now: datetime, config: CertificateConfig) -> Certificate:
    """Issue a new certificate in place of a revoked one, on the current ledger, with a reason (audit log)."""
    old = find(code)
    reason = _admin_reason(reason, actor)
    if not old.revoked:
        raise Conflict(f"Certificate {old.code} is not revoked: revoke it first.")
    if old.reissued_as:
        raise Conflict(f"Certificate {old.code} was already re-issued as {old.reissued_as}.")
    new, created = issue(old.user_id, old.course, actor, today, config, cleared=old)
    label = getattr(actor, "email", None) or str(actor)
    old.reissued_as, old.reissued_at, old.reissued_by, old.reissued_reason = new.code, now, label, reason
    audit.record(actor, "certificate.reissue", f"certificate:{old.code}", reason=reason, new_code=new.code,
                 created=created)
    db.session.flush()
    return new


# The audit pack


def audit_pack(certificate: Certificate, public_url: str) -> bytes:
    """Zip the PDF with the course's ledger rows up to issuance, as CSV, JSON and xAPI statements."""
    entries = db.session.scalars(select(HoursEntry).where(
        HoursEntry.user_id == certificate.user_id, HoursEntry.course_id == certificate.course_id,
        HoursEntry.seq <= certificate.ledger_seq).order_by(HoursEntry.seq)).all()
    titles = {e.id: (e.lesson.title if e.lesson else e.course.title) for e in entries}
    records = [dict(entry_dict(e), title=titles[e.id]) for e in entries]
    return auditpack.build(auditpack.PackInfo(
        code=certificate.code, learner_name=certificate.snapshot["learner_name"],
        learner_email=certificate.user.email, course_slug=certificate.course.slug,
        course_title=certificate.snapshot["course_title"], issued_on=date.fromisoformat(
            certificate.snapshot["issued_on"]),
        contact_seconds=certificate.snapshot["contact_seconds"], pdf_sha256=certificate.pdf_sha256,
        public_url=public_url.rstrip("/")), certificate.pdf, records)


def ledger_anchors(rows_by_user: dict[int, list[dict]]) -> list[BrokenLink]:
    """Each certificate names the ledger rows it was issued on: a chain shorter or different there was cut."""
    broken = []
    for code, user_id, course_id, seq, snapshot in db.session.execute(select(
            Certificate.code, Certificate.user_id, Certificate.course_id, Certificate.ledger_seq,
            Certificate.snapshot)):
        rows = rows_by_user.get(user_id, [])
        seconds = int(snapshot["contact_seconds"])
        upto = sum(r["seconds"] for r in rows if r["seq"] <= seq and r["course_id"] == course_id)
        if seq > len(rows) or upto != seconds:
            broken.append(BrokenLink(user_id, min(seq, len(rows) + 1), None,
                                     f"certificate {code} was issued on {seconds} s up to row {seq}, but the chain "
                                     f"has {len(rows)} rows giving {upto} s there: rows removed or changed"))
    return broken


hours_services.LEDGER_ANCHORS.append(ledger_anchors)
