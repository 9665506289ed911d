"""The /api/v1 blueprint: session-cookie auth, JSON errors, the OpenAPI document."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, jsonify
from flask_login import current_user, login_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_FILE = Path(__file__).with_name("openapi.yml")


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
