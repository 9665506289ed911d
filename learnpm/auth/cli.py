"""`learnpm users ...`: create accounts from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from learnpm.auth import recovery, services
from learnpm.auth.models import Role
from learnpm.errors import DomainError
from learnpm.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")

DEMO_ACCOUNTS = (
    ("learner@example.com", "Demo Learner", "learner", "learnpm-demo-learner-pass"),
    ("instructor@example.com", "Demo Instructor", "instructor", "learnpm-demo-instructor-pass"),
    ("admin@example.com", "Demo Admin", "admin", "learnpm-demo-admin-pass"),
)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value,
              show_default=True)
@click.password_option("--password", help="Prompted for when left out.")
def create(email: str, name: str, role: str, password: str) -> None:
    """Create a user account."""
    try:
        user = services.create_user(email, name, password, role)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("invite")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value,
              show_default=True)
@click.option("--class", "class_slug", help="Also add the learner to this class.")
def invite(email: str, name: str, role: str, class_slug: str | None) -> None:
    """Create an account and mail it an invitation (a link to set a password, valid 7 days)."""
    links = recovery.Links(current_app.config["SECRET_KEY"], current_app.config["LEARNPM_PUBLIC_URL"])
    try:
        group = None
        if class_slug:
            from learnpm.classes import services as classes  # the class is a feature above accounts

            group = classes.get_class(class_slug)
        user = recovery.invite("command line", email, name, role, links)
        if group is not None:
            classes.add_members("command line", group, [user])
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()  # the invitation is delivered right after the commit, before the command exits
    joined = f" and added to {group.name}" if group is not None else ""
    click.echo(f"Invited {user.role} {user.email} (id {user.id}){joined}; the link is valid 7 days.")


@users_cli.command("demo")
def demo() -> None:
    """Create the demo accounts that are missing (never in production) and print their log-ins."""
    if current_app.config["LEARNPM_PRODUCTION"]:
        raise click.ClickException("Demo accounts are not created when LEARNPM_ENV=production.")
    click.echo("Demo accounts (development only):")
    for email, name, role, password in DEMO_ACCOUNTS:
        if services.find_by_email(email) is None:
            services.create_user(email, name, password, role)
            note = "created"
        else:
            note = "exists"
        click.echo(f"  {role:<10} {email:<24} password: {password}  ({note})")
    db.session.commit()
