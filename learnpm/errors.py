"""Domain exceptions, and their translation to HTTP pages and JSON in one place."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused an action; the message is safe to show."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, detail: object = None):
        super().__init__(message)
        self.message = message
        self.detail = detail


class ValidationError(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class BadInput(DomainError):
    """The request carries text that no field accepts (a NUL byte, a lone surrogate)."""

    status = 400
    code = "bad_input"


class Conflict(DomainError):
    status = 409
    code = "conflict"


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, error: str, message: str, detail: object = None):
    """Answer JSON under /api/ and an HTML page elsewhere."""
    if wants_json():
        body = {"error": error, "detail": detail if detail is not None else message}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return error_response(exc.status, exc.code, exc.message, exc.detail)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(
            400, "csrf", "The form expired or was not sent from this site. Reload the page and try again.",
            exc.description,
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            400: "The request could not be understood.",
            401: "Please log in.",
            403: "You do not have access to this page.",
            404: "There is nothing at this address.",
            405: "That method is not allowed here.",
            413: "What was sent is too large.",
            429: "Too many attempts. Wait a minute and try again.",
        }
        status = exc.code or 500
        message = messages.get(status, exc.description or "Something went wrong.")
        return error_response(status, exc.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "server_error", "Something went wrong on our side. Please try again.")
