"""learnpm: exam prep for PMI's CAPM exam. The app exists only through create_app()."""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, current_app, jsonify, redirect, request, session, url_for
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from learnpm import config as settings
from learnpm.extensions import csrf, db, limiter, login_manager, migrate
from learnpm.resilience import LearnpmFlask, register_retry


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Give SQLite write-ahead logging, enforced foreign keys and a lock wait."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, overridden by `config` (tests pass theirs)."""
    config = config or {}
    instance_path = config.get("LEARNPM_INSTANCE_PATH") or os.environ.get("LEARNPM_INSTANCE_PATH")
    app = LearnpmFlask(__name__, instance_path=instance_path or None, instance_relative_config=True)
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment(app.instance_path, have_key="SECRET_KEY" in config))
    app.config.update(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:"):
        os.makedirs(app.instance_path, exist_ok=True)
    if app.config["LEARNPM_TRUSTED_PROXIES"]:
        hops = app.config["LEARNPM_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    from learnpm.errors import register_error_handlers
    from learnpm.inputguard import register_input_guard
    from learnpm.production import register_production_guards
    from learnpm.security import register_security_headers
    from learnpm.templating import register_filters

    register_filters(app)
    register_error_handlers(app)
    register_retry(app)
    register_security_headers(app)
    register_input_guard(app)
    register_production_guards(app)
    return app


def _init_extensions(app: Flask) -> None:
    from learnpm import mail, models  # every model, for Alembic and the shell
    from learnpm.auth import sessions, usercache
    from learnpm.auth.views import SESSION_KEY

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"),
                     render_as_batch=True, compare_type=True, include_object=models.include_in_migrations)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    usercache.init_app(app)

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, version = session_id.partition(":")
        login_session = session.get(SESSION_KEY)
        if not user_id.isdigit() or not version.isdigit() or not isinstance(login_session, int):
            return None
        key = (int(user_id), int(version), login_session)
        cache = usercache.of(current_app)  # login_manager is shared by every app in the process: not a closure
        cached = cache.get(key)
        if cached is not None:
            return usercache.attach(db.session(), cached)
        user = sessions.load(*key)
        if user is not None:
            cache.put(key, user)
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return jsonify({"error": "unauthorized", "detail": "Log in first."}), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _register_blueprints(app: Flask) -> None:
    from learnpm.admin.views import bp as admin_bp
    from learnpm.api.views import bp as api_bp
    from learnpm.auth.views import bp as auth_bp
    from learnpm.certificates.views import bp as certificates_bp
    from learnpm.classes.views import bp as classes_bp
    from learnpm.glossary.views import bp as glossary_bp
    from learnpm.hours.views import bp as hours_bp
    from learnpm.lessons.authoring import bp as authoring_bp
    from learnpm.lessons.views import bp as lessons_bp
    from learnpm.quizzes.import_views import bp as bank_import_bp
    from learnpm.quizzes.views import bp as quizzes_bp
    from learnpm.reports.views import bp as reports_bp
    from learnpm.studio.banks import bp as banks_bp
    from learnpm.studio.courses import bp as studio_bp

    for bp in (auth_bp, lessons_bp, authoring_bp, classes_bp, hours_bp, quizzes_bp, certificates_bp, admin_bp, api_bp,
               reports_bp, glossary_bp, bank_import_bp, studio_bp, banks_bp):
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from learnpm.auth.cli import users_cli
    from learnpm.certificates.cli import certificates_cli
    from learnpm.classes.cli import classes_cli
    from learnpm.hours.cli import hours_cli
    from learnpm.lessons.cli import content_cli
    from learnpm.mail.cli import mail_cli
    from learnpm.quizzes.cli import attempts_cli, questions_cli
    from learnpm.reports.cli import reports_cli

    for group in (users_cli, mail_cli, classes_cli, content_cli, hours_cli, questions_cli, attempts_cli,
                  certificates_cli, reports_cli):
        app.cli.add_command(group)
