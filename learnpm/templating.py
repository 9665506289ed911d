"""Template filters shared by every feature."""

from flask import Flask

from learnpm.hours.display import format_hours, format_remaining


def hours(seconds: int | float) -> str:
    """Format seconds as hours with one decimal, truncated so 22.96 h never shows as 23.0."""
    return format_hours(seconds)


def hours_to_go(target_seconds: int | float, credited_seconds: int | float) -> str:
    """The hours still needed, agreeing with "credited of target" on every page."""
    return format_remaining(credited_seconds, target_seconds)


def minutes(seconds: int | float) -> str:
    whole = int(seconds // 60)
    return f"{whole} min" if whole else f"{int(seconds)} s"


def register_filters(app: Flask) -> None:
    app.add_template_filter(hours)
    app.add_template_filter(hours_to_go)
    app.add_template_filter(minutes)
