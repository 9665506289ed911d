"""Shared fixtures: the app on a clean database, clients, and factories."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from learnpm import create_app
from learnpm.auth import usercache
from learnpm.auth.models import User, normalize_email
from learnpm.auth.passwords import hash_password
from learnpm.extensions import db, limiter

pytest_plugins = ["tests.content_fixtures", "tests.quiz_fixtures", "tests.mail_fixtures"]

DEFAULT_PASSWORD = "a perfectly fine test passphrase"
ACCOUNTS_SINCE = datetime(2026, 1, 1)
IS_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_config(database_url: str, instance: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LEARNPM_INSTANCE_PATH": instance,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LEARNPM_ATTEMPT_LIMIT": "10000 per minute",  # tests start many attempts; tests of the limit set their own
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Build the schema once per run from the migrations, on an emptied database."""
    app = create_app(make_config(database_url, str(tmp_path_factory.mktemp("instance"))))
    with app.app_context():
        if database_url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
        db.engine.dispose()
    yield


def _empty_tables() -> None:
    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app_config() -> dict:
    """Per-test settings; override this fixture in a module to change them."""
    return {}


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, as in production.

    The `app` fixture keeps an app context pushed for the test's own queries; without this,
    requests would share its `g` (and so the logged-in user) and its database session.
    """

    def open(self, *args, **kwargs):
        # Buffered, as a WSGI server consumes the response: the response closes, so the mail that the
        # request committed is delivered (learnpm.mail runs on the response's close) before this returns.
        kwargs.setdefault("buffered", True)
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


@pytest.fixture
def app(_schema, database_url, tmp_path, app_config):
    app = create_app(make_config(database_url, str(tmp_path), **app_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        limiter.reset()
        yield app
        _empty_tables()
        db.engine.dispose()


class MonotonicClock:
    """A monotonic clock (seconds) that a test moves by hand."""

    def __init__(self):
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def user_cache_clock(monkeypatch):
    """The clock by which each app process's cache of logged-in users expires, moved by the test."""
    clock = MonotonicClock()
    monkeypatch.setattr(usercache, "clock", clock)
    return clock


@pytest.fixture
def another_app(_schema, database_url, tmp_path):
    """Return a factory of extra app instances on the same database (another server); disposed after."""
    made = []

    def factory(**overrides):
        extra = create_app(make_config(database_url, str(tmp_path / f"server{len(made)}"), **overrides))
        extra.test_client_class = IsolatedClient
        made.append(extra)
        return extra

    yield factory
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_hash_cache: dict[str, str] = {}


@pytest.fixture
def make_user(app):
    """Return a factory of users; the password defaults to DEFAULT_PASSWORD."""
    counter = iter(range(1, 1_000_000))

    def factory(email: str | None = None, name: str = "Test Learner", role: str = "learner",
                password: str = DEFAULT_PASSWORD, active: bool = True) -> User:
        email = email or f"user{next(counter)}@example.com"
        if password not in _hash_cache:
            _hash_cache[password] = hash_password(password)
        # Accounts date from the start of the year: tests on the fake clock (November 2026) record live
        # sessions that may not predate the learner's account.
        user = User(email=email, email_normalized=normalize_email(email), name=name,
                    password_hash=_hash_cache[password], role=role, active=active, created_at=ACCOUNTS_SINCE)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_from(client, path: str = "/") -> str:
    """Return the CSRF token that the page at `path` carries for this client's session."""
    html = client.get(path).get_data(as_text=True)
    match = META_TOKEN.search(html)
    assert match, f"no csrf meta tag on {path}"
    return match.group(1)


def log_in(client, email: str, password: str = DEFAULT_PASSWORD):
    token = csrf_from(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login(client):
    """Log the test client in as `user` and return the client."""

    def do(user: User, password: str = DEFAULT_PASSWORD):
        response = log_in(client, user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do


@pytest.fixture
def learner(make_user) -> User:
    return make_user(email="learner@example.com", name="Lena Learner")


@pytest.fixture
def instructor(make_user) -> User:
    return make_user(email="teacher@example.com", name="Ivan Instructor", role="instructor")


@pytest.fixture
def admin(make_user) -> User:
    return make_user(email="boss@example.com", name="Ada Admin", role="admin")


class FakeClock:
    """An injectable clock (`LEARNPM_CLOCK`) that a test moves by hand."""

    def __init__(self, start: datetime = datetime(2026, 11, 25, 9, 0, 0)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
