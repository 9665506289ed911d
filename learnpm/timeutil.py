"""Time in one place: naive UTC datetimes, as stored in the database."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (columns hold naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def now():
    """Return the app's notion of now: an injected clock in tests, else utcnow()."""
    from flask import current_app

    return current_app.config.get("LEARNPM_CLOCK", utcnow)()
