"""`learnpm classes import FILE.csv --class SLUG --course SLUG [--dry-run]`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from learnpm.auth import recovery
from learnpm.classes import services
from learnpm.classes.roster import parse_roster
from learnpm.errors import DomainError
from learnpm.extensions import db
from learnpm.lessons.models import Course

classes_cli = AppGroup("classes", help="Classes of learners.")


@classes_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--class", "class_slug", required=True, help="The class (created when missing).")
@click.option("--course", "course_slug", required=True, help="The class's course.")
@click.option("--name", help="The name of a class that is created (default: from its slug).")
@click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
def import_roster(file, class_slug: str, course_slug: str, name: str | None, dry_run: bool) -> None:
    """Add the CSV's learners (`name,email` header) to a class, inviting the new ones; all or nothing."""
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"No course {course_slug!r}.")
    if services.slugify(class_slug) != class_slug:
        raise click.ClickException(f"A class slug is lowercase letters, digits and hyphens, like "
                                   f"{services.slugify(class_slug) or 'spring-2027'!r}; got {class_slug!r}.")
    group = services.find_class(class_slug)
    if group is not None and group.course_id != course.id:
        raise click.ClickException(f"The class {class_slug!r} is for the course {group.course.slug!r}, "
                                   f"not {course_slug!r}.")
    roster = parse_roster(file.read())
    plan = services.plan_import(group, roster)
    for row in plan.new:
        click.echo(f"line {row.line}: new, invited: {row.name} <{row.email}>")
    for row in plan.existing:
        click.echo(f"line {row.line}: existing account, added: {row.email}")
    for row in plan.members:
        click.echo(f"line {row.line}: already in the class: {row.email}")
    for error in plan.errors:
        click.echo(f"{file.name}: {error}", err=True)
    if not plan.ok:
        click.echo(f"{plan.summary()}. Nothing was imported.", err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo(f"{plan.summary()}. Dry run: nothing was changed.")
        return
    links = recovery.Links(current_app.config["SECRET_KEY"], current_app.config["LEARNPM_PUBLIC_URL"])
    try:
        if group is None:
            group = services.create_class("command line", course, name or class_slug.replace("-", " ").title(),
                                          slug=class_slug)
            click.echo(f"Created the class {group.slug}.")
        plan = services.apply_import("command line", group, roster, links)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()  # one transaction; the invitations go out right after it, before the command exits
    click.echo(f"{plan.summary()}.")
