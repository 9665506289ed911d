"""What production refuses: demo accounts, and per-process rate limits shared by several workers."""

from __future__ import annotations

import os
import shlex
import sys

from flask import Flask, request, session
from flask_login import current_user, logout_user

from learnpm.auth.cli import DEMO_ACCOUNTS
from learnpm.config import ConfigError

DEMO_EMAILS = frozenset(email for email, *_ in DEMO_ACCOUNTS)


def gunicorn_workers(argv: list[str] | None = None, environ: dict | None = None) -> int:
    """How many workers the gunicorn that runs this process starts (1 when not under gunicorn)."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not argv or "gunicorn" not in os.path.basename(argv[0]):
        return 1
    args = shlex.split(environ.get("GUNICORN_CMD_ARGS", "")) + list(argv[1:])
    workers = environ.get("WEB_CONCURRENCY") or "1"
    for index, arg in enumerate(args):
        if arg in ("-w", "--workers") and index + 1 < len(args):
            workers = args[index + 1]
        elif arg.startswith("--workers="):
            workers = arg.partition("=")[2]
        elif arg.startswith("-w") and arg[2:].isdigit():
            workers = arg[2:]
    return int(workers) if workers.isdigit() else 1


def check_shared_limits(config: dict, workers: int) -> None:
    """Refuse production with several workers counting rate limits in their own memory."""
    if not config.get("LEARNPM_PRODUCTION") or workers <= 1:
        return
    if not str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory"):
        return
    raise ConfigError(
        f"LEARNPM_ENV=production with {workers} gunicorn workers and no REDIS_URL: each worker would keep its "
        f"own rate-limit counts, allowing {workers} times every limit (log-in, heartbeats, answers). Set "
        "REDIS_URL=redis://HOST:6379/0 to share them, or run one worker (gunicorn -w 1) per app server.")


def register_production_guards(app: Flask) -> None:
    """Under production: demo accounts cannot log in, and an open session of one ends."""
    check_shared_limits(app.config, gunicorn_workers())
    if not app.config.get("LEARNPM_PRODUCTION"):
        return
    # Mail off is no reason to refuse to start; say so once (the mail feature says it itself when present).
    if "learnpm.mail" not in app.extensions and not (app.config.get("LEARNPM_SMTP_URL")
                                                      or os.environ.get("LEARNPM_SMTP_URL")):
        app.logger.warning("LEARNPM_SMTP_URL is not set: mail is off (messages only go to the log)")

    from learnpm.auth.models import normalize_email
    from learnpm.errors import error_response

    @app.before_request
    def no_demo_accounts():
        if request.endpoint == "auth.login" and request.method == "POST" \
                and normalize_email(request.form.get("email", "")) in DEMO_EMAILS:
            return error_response(403, "demo_account", "Demo accounts cannot log in on a production server.")
        if "_user_id" in session and current_user.is_authenticated and current_user.email_normalized in DEMO_EMAILS:
            logout_user()
            return error_response(403, "demo_account", "Demo accounts cannot log in on a production server.")
        return None
