"""Time in one place: naive UTC datetimes, as stored in the database."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (columns hold naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)
