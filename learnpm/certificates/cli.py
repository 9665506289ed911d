"""`learnpm certificates ...`: issue a learner's certificate, revoke one."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from learnpm.auth.services import find_by_email
from learnpm.certificates import services
from learnpm.errors import Conflict, DomainError
from learnpm.extensions import db
from learnpm.lessons.services import get_any_course
from learnpm.timeutil import now

certificates_cli = AppGroup("certificates", help="Contact-hour certificates: issue, revoke, reinstate, re-issue.")


@certificates_cli.command("issue")
@click.option("--email", required=True, help="The learner.")
@click.option("--course", "course_slug", required=True, help="The course's slug.")
def issue(email: str, course_slug: str) -> None:
    """Issue the learner's certificate if eligible; otherwise exit 1 and say what is missing."""
    user = find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email!r}.")
    config = services.config_from(current_app.config)
    try:
        course = get_any_course(course_slug)
        certificate, created = services.issue(user.id, course, "command line", now().date(), config)
    except Conflict as exc:
        click.echo(f"{user.email} is not eligible for {course_slug} yet. Still needed:", err=True)
        for item in (exc.detail or {}).get("missing", [exc.message]):
            click.echo(f"  - {item}", err=True)
        raise SystemExit(1) from exc
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    state = "Issued" if created else "Already issued"
    click.echo(f"{state} certificate {certificate.code} to {user.email} for {course.slug}: "
               f"{certificate.snapshot['verify_url']}")


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why it is revoked (kept in the log, not shown publicly).")
@click.option("--by", "by_email", help="Email of the admin revoking it.")
def revoke(code: str, reason: str, by_email: str | None) -> None:
    """Revoke a certificate; its verification page then says so."""
    actor = "command line"
    if by_email:
        actor = find_by_email(by_email)
        if actor is None:
            raise click.ClickException(f"No account for --by {by_email!r}.")
        if not actor.has_role("admin"):
            raise click.ClickException(f"{actor.email} is not an admin; only admins revoke certificates.")
    try:
        certificate = services.revoke(code, reason, actor, now())
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Revoked certificate {certificate.code} on {certificate.revoked_at.date().isoformat()}.")


def _admin_actor(by_email: str | None):
    if not by_email:
        return "command line"
    actor = find_by_email(by_email)
    if actor is None:
        raise click.ClickException(f"No account for --by {by_email!r}.")
    if not actor.has_role("admin"):
        raise click.ClickException(f"{actor.email} is not an admin; only admins reinstate or re-issue certificates.")
    return actor


@certificates_cli.command("reinstate")
@click.argument("code")
@click.option("--reason", required=True, help="Why it is valid again (kept in the audit log).")
@click.option("--by", "by_email", help="Email of the admin reinstating it.")
def reinstate(code: str, reason: str, by_email: str | None) -> None:
    """Make a revoked certificate valid again."""
    try:
        certificate = services.reinstate(code, reason, _admin_actor(by_email), now())
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Reinstated certificate {certificate.code}.")


@certificates_cli.command("reissue")
@click.argument("code")
@click.option("--reason", required=True, help="Why a new certificate replaces the revoked one (audit log).")
@click.option("--by", "by_email", help="Email of the admin re-issuing it.")
def reissue(code: str, reason: str, by_email: str | None) -> None:
    """Issue a new certificate in place of a revoked one, on the learner's current ledger."""
    config = services.config_from(current_app.config)
    try:
        certificate = services.reissue(code, reason, _admin_actor(by_email), now().date(), now(), config)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Re-issued {code} as {certificate.code}: {certificate.snapshot['verify_url']}")
