"""`learnpm reports refresh-readiness`: recompute the stored readiness snapshots."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from learnpm.extensions import db
from learnpm.reports import readiness_store
from learnpm.timeutil import utcnow

reports_cli = AppGroup("reports", help="Maintain what the progress reports store.")


@reports_cli.command("refresh-readiness")
def refresh_readiness() -> None:
    """Recompute every learner's readiness snapshot (after a program's domains or weights change)."""
    written = readiness_store.refresh_all(utcnow())
    db.session.commit()
    click.echo(f"Stored the readiness of {written} learner(s) per program.")
