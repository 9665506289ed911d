"""The /api/v1 blueprint: session-cookie auth, JSON errors, the OpenAPI document."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from learnpm.auth.decorators import instructor_required
from learnpm.errors import DomainError, ValidationError
from learnpm.lessons import services as lesson_services

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_FILE = Path(__file__).with_name("openapi.yml")


class MalformedBody(DomainError):
    status = 400
    code = "malformed"


def json_body() -> dict:
    """Return the request's JSON object, or raise a 400 that says what is wrong with it."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise MalformedBody("The body must be a JSON object.")
    return data


@cache
def openapi_document() -> dict:
    return yaml.safe_load(OPENAPI_FILE.read_text())


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/me")
@login_required
def me():
    return jsonify({"id": current_user.id, "email": current_user.email, "name": current_user.name,
                    "role": current_user.role})


@bp.post("/preview")
@instructor_required
def preview():
    body = json_body()
    source = body.get("markdown")
    if not isinstance(source, str):
        raise ValidationError("'markdown' must be a string.", {"markdown": "required string"})
    return jsonify({"html": lesson_services.preview(source)})
