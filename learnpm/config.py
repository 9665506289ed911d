"""Settings from the environment, and the test configuration."""

from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _dev_secret_key(instance_path: Path) -> str:
    """Return the development key kept in the instance folder, creating it once."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _mail_domain(public_url: str) -> str:
    host = urlsplit(public_url).hostname or "localhost"
    return "localhost" if host.replace(".", "").isdigit() else host


def registration_mode(raw: str) -> str:
    """Check LEARNPM_REGISTRATION: `open`, `invite` or `domain:example.org,example.com`."""
    value = raw.strip().lower()
    if value in ("open", "invite"):
        return value
    if value.startswith("domain:"):
        domains = [d.strip().lstrip("@") for d in value[len("domain:"):].split(",") if d.strip()]
        if domains and all("." in d and "@" not in d and " " not in d for d in domains):
            return "domain:" + ",".join(domains)
    raise ConfigError(f"LEARNPM_REGISTRATION must be open, invite or domain:example.org[,...], got {raw!r}")


KEY_BITS = 96  # what a production SECRET_KEY must carry, estimated from its characters (token_hex(16) has ~115)


def key_problem(key: str) -> str | None:
    """Why `key` is too weak for production (too short, or too few distinct or too repetitive characters)."""
    if len(key) < 32:
        return f"it has {len(key)} characters"
    counts = Counter(key)
    bits = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values()) * len(key)
    repeated = any(key.count(key[i:i + 8]) > 1 for i in range(len(key) - 7))
    if len(counts) < 10 or bits < KEY_BITS or repeated:
        return f"it is too predictable ({len(counts)} distinct characters, about {int(bits)} bits" + (
            ", a repeated run" if repeated else "") + ")"
    return None


def from_environment(instance_path: str, have_key: bool = False) -> dict:
    """Build the app's settings from LEARNPM_* and the other documented variables.

    `have_key` says the caller supplies SECRET_KEY itself, so none is generated.
    """
    instance = Path(instance_path)
    production = os.environ.get("LEARNPM_ENV", "development") == "production"
    secret_key = os.environ.get("SECRET_KEY", "")
    weak = key_problem(secret_key) if production and not have_key else None
    if weak:
        raise ConfigError(
            f"LEARNPM_ENV=production needs SECRET_KEY set to a random value of 32 characters or more ({weak}), "
            "e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if not secret_key and not have_key:
        secret_key = _dev_secret_key(instance)
    default_db = f"sqlite:///{instance / 'learnpm.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL", "")
    secure_cookies = os.environ.get("LEARNPM_SECURE_COOKIES", "1" if production else "0") == "1"
    limits = {name: os.environ[name] for name in LIMIT_SETTINGS if os.environ.get(name)}
    public_url = os.environ.get("LEARNPM_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
    return limits | {
        "LEARNPM_PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or default_db,
        "LEARNPM_PUBLIC_URL": public_url,
        "LEARNPM_CONTENT_DIR": os.environ.get("LEARNPM_CONTENT_DIR", "content"),
        "LEARNPM_HEARTBEAT_SECONDS": _int("LEARNPM_HEARTBEAT_SECONDS", 30),
        "LEARNPM_IDLE_SECONDS": _int("LEARNPM_IDLE_SECONDS", 300),
        "LEARNPM_DAILY_CEILING_MINUTES": _int("LEARNPM_DAILY_CEILING_MINUTES", 480),
        "LEARNPM_COMPLETION_SHARE": _float("LEARNPM_COMPLETION_SHARE", 0.8),
        "LEARNPM_TRUSTED_PROXIES": _int("LEARNPM_TRUSTED_PROXIES", 0),
        "LEARNPM_DB_RETRY_SECONDS": _float("LEARNPM_DB_RETRY_SECONDS", 15.0),
        # How long a process may serve a logged-in user without reading the database (PRODUCT.md: <= 5 s).
        "LEARNPM_USER_CACHE_SECONDS": _float("LEARNPM_USER_CACHE_SECONDS", 4.0),
        # Memory per process for the rendered questions of open attempts (about 0.3 MB per 150-question mock).
        "LEARNPM_ATTEMPT_PAGE_CACHE_MB": _int("LEARNPM_ATTEMPT_PAGE_CACHE_MB", 64),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "LEARNPM_SMTP_URL": os.environ.get("LEARNPM_SMTP_URL", ""),
        "LEARNPM_SMTP_TIMEOUT": _float("LEARNPM_SMTP_TIMEOUT", 10.0),
        "LEARNPM_SMTP_CAFILE": os.environ.get("LEARNPM_SMTP_CAFILE", ""),
        "LEARNPM_MAIL_FROM": os.environ.get("LEARNPM_MAIL_FROM") or f"learnpm <no-reply@{_mail_domain(public_url)}>",
        "LEARNPM_REGISTRATION": registration_mode(
            os.environ.get("LEARNPM_REGISTRATION") or ("invite" if production else "open")),
        "REMEMBER_COOKIE_SECURE": secure_cookies,
    }


# Rate limits that an operator (or the benchmark) may tune from the environment.
LIMIT_SETTINGS = ("LEARNPM_LOGIN_ACCOUNT_LIMIT", "LEARNPM_LOGIN_ADDRESS_LIMIT", "LEARNPM_REGISTER_LIMIT",
                  "LEARNPM_RESET_ACCOUNT_LIMIT", "LEARNPM_RESET_ADDRESS_LIMIT",
                  "LEARNPM_HEARTBEAT_LIMIT", "LEARNPM_ANSWER_LIMIT", "LEARNPM_VERIFY_LIMIT", "LEARNPM_SEARCH_LIMIT",
                  "LEARNPM_ATTEMPT_LIMIT")

DEFAULTS = {
    # No ping on each checkout (a round trip per request on PostgreSQL): a request that meets a connection the
    # server closed fails on its first statement, before any commit, and resilience.py runs it again.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_STRATEGY": "moving-window",
    # If Redis goes away, each server keeps limiting from memory instead of failing requests.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "LEARNPM_LOGIN_ACCOUNT_LIMIT": "10 per minute",
    "LEARNPM_LOGIN_ADDRESS_LIMIT": "300 per minute",
    "LEARNPM_REGISTER_LIMIT": "60 per hour",
    "LEARNPM_RESET_ACCOUNT_LIMIT": "5 per hour",    # reset links asked for one email address
    "LEARNPM_RESET_ADDRESS_LIMIT": "60 per hour",   # reset requests from one network address
    "LEARNPM_HEARTBEAT_LIMIT": "10 per second",
    "LEARNPM_VERIFY_LIMIT": "30 per minute",  # per address, on the public certificate verification page
    # Per learner: fast clicking passes, a flood of saves gets 429.
    "LEARNPM_ANSWER_LIMIT": "20 per second",  # per learner; two tabs beating together stay well inside
    "LEARNPM_SEARCH_LIMIT": "30 per minute",   # per learner: each search reads the full-text index
    "LEARNPM_ATTEMPT_LIMIT": "20 per minute",  # per learner: starting an attempt draws and writes its questions
    "LEARNPM_PROVIDER_NAME": "learnpm",
    "LEARNPM_RENDER_SECONDS": 5.0,  # Markdown from the browser (preview, save) renders within this or is refused
}
