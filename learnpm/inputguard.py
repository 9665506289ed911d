"""One guard before every view: text no database stores and numbers no column holds never reach a view.

A NUL byte (PostgreSQL refuses it in text) or a lone surrogate (no encoder writes it) anywhere in the
path, the query string, a form or a JSON body answers 400 (JSON under /api/); an id in the path or a
page number in the query string beyond what an integer column holds answers 404.
"""

from __future__ import annotations

import re

from flask import Flask, request

from learnpm.errors import BadInput, NotFound

MAX_ID = 2**31 - 1          # PostgreSQL's integer; SQLite's is wider, so the same limit holds on both
MAX_PAGE = 100_000
PAGE_ARGS = ("page",)
_BAD = re.compile("[\x00\ud800-\udfff]")
MAX_DEPTH = 64


def BadText() -> BadInput:  # noqa: N802 - reads as the exception it makes
    return BadInput("The request holds a NUL byte or a lone surrogate, which no field accepts.")


def OutOfRange() -> NotFound:  # noqa: N802
    return NotFound("There is nothing at this address: the number is out of range.")


def bad_text(value: object, depth: int = 0) -> bool:
    """True when a string anywhere in `value` (keys too) holds a NUL or a lone surrogate."""
    if isinstance(value, str):
        return _BAD.search(value) is not None
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, dict):
        return any(bad_text(k, depth + 1) or bad_text(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(bad_text(v, depth + 1) for v in value)
    return False


def _multi(values) -> bool:
    return any(bad_text(k) or any(bad_text(v) for v in values.getlist(k)) for k in values)


def _page_out_of_range(raw: str) -> bool:
    text = raw.strip()
    if not text.lstrip("+-").isdigit():
        return False  # not a number: the view falls back to its default page
    return len(text) > 9 or not 0 <= int(text) <= MAX_PAGE


def check_request() -> None:
    """Refuse the request before its view runs when it carries text or numbers that cannot be stored."""
    if bad_text(request.path) or _multi(request.args):
        raise BadText()
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise OutOfRange()
    if any(_page_out_of_range(v) for name in PAGE_ARGS for v in request.args.getlist(name)):
        raise OutOfRange()
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and (
                _multi(request.form) or any(bad_text(f.filename or "") for f in request.files.values())):
            raise BadText()
        if request.is_json:
            try:
                body = request.get_json(silent=True)
            except RecursionError:
                body = None
            if bad_text(body):
                raise BadText()


def register_input_guard(app: Flask) -> None:
    """Run the guard first, before the CSRF check, the limiter and every view."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
