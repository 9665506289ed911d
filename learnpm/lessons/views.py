"""The catalog and the reading pages."""

from flask import Blueprint, render_template

bp = Blueprint("lessons", __name__)


@bp.get("/")
def catalog():
    return render_template("lessons/catalog.html", courses=[])
