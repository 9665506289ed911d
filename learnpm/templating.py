"""Template filters shared by every feature."""

from flask import Flask


def hours(seconds: int | float, places: int = 1) -> str:
    """Format seconds as hours with one decimal, truncated so 22.96 h never shows as 23.0."""
    factor = 10 ** places
    return f"{int(seconds / 3600 * factor) / factor:.{places}f}"


def minutes(seconds: int | float) -> str:
    whole = int(seconds // 60)
    return f"{whole} min" if whole else f"{int(seconds)} s"


def register_filters(app: Flask) -> None:
    app.add_template_filter(hours)
    app.add_template_filter(minutes)
