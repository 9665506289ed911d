"""Time in one place: naive UTC datetimes, as stored in the database."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (columns hold naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def now():
    """Return the app's notion of now: an injected clock in tests, else utcnow().

    Within a request it is the time the request first asked, so a request that is run again after the
    database dropped out (learnpm.resilience) acts at the moment it arrived: a replayed heartbeat earns
    nothing more, and a replayed answer save is judged against the deadline as the first was.
    """
    from flask import current_app, has_request_context, request

    read = current_app.config.get("LEARNPM_CLOCK", utcnow)
    if not has_request_context():
        return read()
    if "learnpm.now" not in request.environ:
        request.environ["learnpm.now"] = read()
    return request.environ["learnpm.now"]
