"""`learnpm hours ...`: record live sessions, seal stale reading sessions, verify the ledger."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.hours import services
from learnpm.lessons.models import Course
from learnpm.timeutil import utcnow

hours_cli = AppGroup("hours", help="Contact hours: record, seal, verify.")


@hours_cli.command("record")
@click.option("--email", required=True, help="The learner.")
@click.option("--minutes", required=True, type=int, help="1 to 6,000 minutes.")
@click.option("--reason", required=True, help="What the session was.")
@click.option("--course", "course_slug", help="Course slug (may be left out when there is one course).")
@click.option("--by", "by_email", help="Email of the instructor who recorded it.")
@click.option("--on", "occurred_on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The session's date (default today; never later).")
@click.option("--early-reason", help="Why the date is before the learner's account, when it is.")
def record(email: str, minutes: int, reason: str, course_slug: str | None, by_email: str | None,
           occurred_on, early_reason: str | None) -> None:
    """Record instructor-led hours for a learner."""
    from learnpm.auth.services import find_by_email

    courses = db.session.scalars(select(Course)).all()
    if course_slug:
        course = next((c for c in courses if c.slug == course_slug), None)
        if course is None:
            raise click.ClickException(f"No course {course_slug!r}.")
    elif len(courses) == 1:
        course = courses[0]
    else:
        raise click.ClickException("Name the course with --course (there are several).")
    ids, unknown = services.learner_ids_for([email])
    if unknown:
        raise click.ClickException(f"No active account for {email!r}.")
    actor = "command line"
    if by_email:
        actor = find_by_email(by_email)
        if actor is None:
            raise click.ClickException(f"No account for --by {by_email!r}.")
    try:
        services.record_live(ids, course, minutes, reason, actor, services.settings_from(current_app.config),
                             occurred_on.date() if occurred_on else utcnow().date(), early_reason=early_reason)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Recorded {minutes} minutes for {email} in {course.slug}.")


@hours_cli.command("seal-stale")
def seal_stale() -> None:
    """Seal reading sessions whose page stopped sending beats (run it from cron)."""
    count = services.seal_stale(utcnow(), services.settings_from(current_app.config))
    click.echo(f"Sealed {count} reading session(s).")


@hours_cli.command("verify")
def verify() -> None:
    """Check every learner's hash chain, totals and caps; exit 1 and name the first bad row of each."""
    checked, broken = services.verify_all(current_app.config["SECRET_KEY"], services.settings_from(current_app.config))
    for link in broken:
        click.echo(f"user {link.user_id}: row {link.seq} (entry {link.entry_id}) {link.reason}", err=True)
    if broken:
        raise SystemExit(1)
    click.echo(f"ok: {checked} ledger chain(s) verified")
