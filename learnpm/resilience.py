"""Requests ride out a database restart: a request that could not reach the database is run again.

When PostgreSQL restarts (or a pooled connection was cut), the first statement of a request fails with
an OperationalError. If the request has not sent its COMMIT yet (its flush may have failed: a
transaction never committed), nothing it did was stored, so running it again from the start is safe:
the app waits a little (backing off) and retries, for up to LEARNPM_DB_RETRY_SECONDS. A request that
failed while its COMMIT was sent has an unknown outcome: it is run again only if its view is marked
@replayable (a second run after a landed first changes nothing more, as for an answer save; the
request keeps the time it first read, see timeutil.now). Any other, and one that runs out of time,
answers 503 with Retry-After, which the pages' scripts retry. The pool does not ping on checkout (a
round trip on every request): a connection the server closed fails the first statement, SQLAlchemy
then discards the pool's older connections, and the run again gets a new one.
"""

from __future__ import annotations

import sqlite3
import time

from flask import Flask, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from learnpm.extensions import db, login_manager

FIRST_DELAY = 0.1     # seconds before the first retry; doubles up to MAX_DELAY
MAX_DELAY = 1.0


class _RunAgain(Exception):
    """Raised by the error handler to send the request round again."""


SERVER_GONE = ("57P01", "57P02", "57P03")  # PostgreSQL shutting down, crashed, or not accepting connections yet


def is_connection_error(exc: Exception) -> bool:
    """True for errors that mean the database could not be reached (or SQLite was busy), not a wrong statement.

    SQLite reports a missing table as an OperationalError too, and PostgreSQL a canceled statement: those
    are not retried.
    """
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        return "locked" in str(exc.orig) or "busy" in str(exc.orig)
    state = getattr(exc.orig, "sqlstate", None)  # psycopg's SQLSTATE; None when no server answered at all
    return state is None or state.startswith("08") or state in SERVER_GONE


@event.listens_for(Engine, "commit")
def _note_commit(_connection) -> None:
    """The COMMIT is about to be sent: from here the outcome of a cut connection is unknown. A failure in the
    flush before it (the session's writes, sent in a transaction never committed) stored nothing."""
    if has_app_context():  # not for sessions outside the app (scripts)
        g.learnpm_committing = True


def replayable(view):
    """Mark a view that may run again after its commit was cut off: a second run after a landed first
    changes nothing more. Put it right under the route decorator."""
    view.learnpm_replayable = True
    return view


def _may_run_again(app: Flask) -> bool:
    if time.monotonic() >= g.get("learnpm_retry_until", 0):
        return False
    return not g.get("learnpm_committing") or getattr(app.view_functions.get(request.endpoint),
                                                      "learnpm_replayable", False)


class LearnpmFlask(Flask):
    """Flask, whose requests are run again when the database could not be reached (see the module's docstring)."""

    def process_response(self, response):
        response = super().process_response(response)
        if response.status_code == 503:  # the limiter's headers rewrite Retry-After from its own window
            response.headers["Retry-After"] = "1"
        return response

    def full_dispatch_request(self):
        started = time.monotonic()
        delay = FIRST_DELAY
        while True:
            g.learnpm_committing = False
            g.learnpm_retry_until = started + self.config["LEARNPM_DB_RETRY_SECONDS"]
            try:
                return super().full_dispatch_request()
            except _RunAgain:
                db.session.rollback()
                db.session.remove()
                g.pop("_login_user", None)  # flask-login loads the user again on the next round
                self.logger.warning("database unreachable: retrying the request in %.1f s", delay)
                time.sleep(delay)
                delay = min(MAX_DELAY, delay * 2)


def register_retry(app: Flask) -> None:
    """Turn a connection error into a retry while time is left, else into a clean 503."""
    from learnpm.errors import error_response

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        connection = is_connection_error(exc)
        if connection and _may_run_again(app):
            raise _RunAgain() from exc
        g._login_user = login_manager.anonymous_user()  # the error page must not ask the database who is in
        if not connection:
            app.logger.exception("Database error on %s %s", request.method, request.path)
            return error_response(500, "server_error", "Something went wrong on our side. Please try again.")
        app.logger.warning("database unreachable, answering 503: %s", exc.__class__.__name__)
        response, status = error_response(503, "unavailable",
                                          "The database is briefly unavailable. Nothing was lost: try again.")
        response = app.make_response((response, status))
        response.headers["Retry-After"] = "1"
        return response
