"""A heartbeat-shaped request built up one layer at a time, to price each layer learnpm's stack adds.

`LADDER_LEVEL` (0-5) picks how many layers `POST /beat` goes through, in this order:

0. Flask: parse a small JSON body, answer JSON (no session);
1. + read the signed session cookie;
2. + flask-login loading the user from SQLite through Flask-SQLAlchemy (`session.get`);
3. + Flask-WTF's CSRF check of the `X-CSRFToken` header;
4. + a Flask-Limiter per-user limit (memory storage);
5. + the heartbeat's database work: one read and one compare-and-swap update, committed.

`GET /page` is the lesson page's shape: a 20 KB Jinja page (a layout with a dozen links and a
stored HTML body) for the logged-in user (flask-login's template context loads the user at any
level); from level 3 it holds a CSRF token, from level 5 it makes three reads of the database.

Served by the same gunicorn settings as the baseline (bench/ladder.py runs it).
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, render_template, request, session
from flask_limiter import Limiter
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect, generate_csrf
from jinja2 import DictLoader
from sqlalchemy import bindparam, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

LEVEL = int(os.environ.get("LADDER_LEVEL", "5"))

app = Flask(__name__)
app.config.update(SECRET_KEY="ladder-" + "k" * 40, WTF_CSRF_CHECK_DEFAULT=False,
                  SQLALCHEMY_DATABASE_URI=os.environ.get("LADDER_DATABASE_URL", "sqlite:///ladder.sqlite3"),
                  SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": False}, RATELIMIT_STORAGE_URI="memory://")
app.jinja_loader = DictLoader({
    "layout.html": "<!doctype html><html lang=en><head><title>{% block title %}{% endblock %}</title>"
                   "{% if csrf %}<meta name=csrf-token content='{{ csrf_token() }}'>{% endif %}</head><body><nav><ul>"
                   "{% for name in links %}<li><a href='{{ url_for('page', part=name) }}'>{{ name|title }}</a></li>"
                   "{% endfor %}{% if user %}<li>{{ user.name }}</li>{% endif %}</ul></nav>"
                   "<main>{% block content %}{% endblock %}</main></body></html>",
    "page.html": "{% extends 'layout.html' %}{% block title %}{{ title }}{% endblock %}"
                 "{% block content %}<h1>{{ title }}</h1><p>{{ counted }} min</p>{{ body|safe }}{% endblock %}"})
BODY = "<p>" + "A stored paragraph of lesson text, already rendered from Markdown. " * 280 + "</p>"
LINKS = ("courses", "dashboard", "quizzes", "hours", "certificates", "lessons", "live", "time", "cohorts",
         "users", "ledger", "account")
db = SQLAlchemy(app)
login_manager = LoginManager(app)
csrf = CSRFProtect(app)
limiter = Limiter(key_func=lambda: f"beat:{current_user.get_id()}", app=app)


class User(UserMixin, db.Model):
    __tablename__ = "ladder_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Clock(db.Model):
    __tablename__ = "ladder_clocks"
    user_id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    seconds: Mapped[int]


_READ = select(Clock.__table__).where(Clock.__table__.c.user_id == bindparam("user"))
_SWAP = (update(Clock.__table__).where(Clock.__table__.c.user_id == bindparam("user"),
                                       Clock.__table__.c.version == bindparam("seen"))
         .values(version=bindparam("seen") + 1, seconds=bindparam("new_seconds")))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """learnpm's SQLite settings: write-ahead logging, no fsync per commit."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id))


with app.app_context():
    db.create_all()
    if db.session.get(User, 1) is None:
        db.session.add_all([User(id=1, name="ladder"), Clock(user_id=1, version=0, seconds=0)])
        db.session.commit()


@app.get("/")
def ready():
    return "ready"


@app.get("/login")
def log_in():
    login_user(db.session.get(User, 1))
    return jsonify({"csrf": generate_csrf()})


def _beat() -> dict:
    body = request.get_json()
    if LEVEL >= 1:
        session.get("_user_id")
    if LEVEL >= 2 and not current_user.is_authenticated:
        return {"error": "unauthorized"}
    if LEVEL >= 3:
        csrf.protect()
    if LEVEL >= 5:
        row = db.session.execute(_READ, {"user": current_user.id}).one()
        db.session.execute(_SWAP, {"user": row.user_id, "seen": row.version, "new_seconds": row.seconds + 1})
        db.session.commit()
    return {"credited_seconds": 1, "visible": bool(body.get("visible"))}


@app.post("/beat")
def beat():
    return jsonify(_beat())


@app.get("/page")
@app.get("/page/<part>")
def page(part: str = "lesson"):
    user = current_user if current_user.is_authenticated else None
    counted = 0
    if LEVEL >= 5:
        for _ in range(3):
            counted += db.session.execute(_READ, {"user": user.id}).one().seconds
    return render_template("page.html", title=part.title(), body=BODY, links=LINKS, user=user, counted=counted,
                           csrf=LEVEL >= 3)


if LEVEL >= 4:
    beat = limiter.limit("100000 per second")(beat)
    app.view_functions["beat"] = beat
