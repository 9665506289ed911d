"""Production refuses what development allows: demo accounts, per-worker rate limits; every personal answer is
no-store; exports are formula-safe."""

import pytest

from learnpm import create_app
from learnpm.config import ConfigError
from learnpm.production import check_shared_limits, gunicorn_workers
from tests.conftest import DEFAULT_PASSWORD, IsolatedClient, csrf_from, log_in, make_config

GOOD_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.mark.parametrize("argv, environ, workers", [
    (["/usr/bin/gunicorn", "-w", "2", "wsgi:app"], {}, 2),
    (["gunicorn", "--workers=4", "wsgi:app"], {}, 4),
    (["gunicorn", "-w3", "wsgi:app"], {}, 3),
    (["gunicorn", "wsgi:app"], {"WEB_CONCURRENCY": "2"}, 2),
    (["gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--workers 5"}, 5),
    (["gunicorn", "wsgi:app"], {}, 1),
    (["flask", "run"], {"WEB_CONCURRENCY": "8"}, 1),
])
def test_the_worker_count_is_read_as_gunicorn_reads_it(argv, environ, workers):
    assert gunicorn_workers(argv, environ) == workers


def test_production_with_two_workers_and_no_redis_refuses_to_start_and_says_how_to_fix_it(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNPM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr("sys.argv", ["gunicorn", "-w", "2", "wsgi:app"])
    with pytest.raises(ConfigError, match=r"REDIS_URL=redis://HOST:6379/0 .* or run one worker \(gunicorn -w 1\)"):
        create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setattr("sys.argv", ["gunicorn", "-w", "1", "wsgi:app"])
    assert create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)}).config["LEARNPM_PRODUCTION"]
    check_shared_limits({"LEARNPM_PRODUCTION": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, 4)
    check_shared_limits({"LEARNPM_PRODUCTION": False, "RATELIMIT_STORAGE_URI": "memory://"}, 4)


@pytest.fixture
def production(_schema, database_url, tmp_path):
    from learnpm.extensions import db

    app = create_app(make_config(database_url, str(tmp_path / "production"), LEARNPM_PRODUCTION=True))
    app.test_client_class = IsolatedClient
    yield app  # no app context pushed: the test's own (development) app keeps its context
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_demo_accounts_cannot_log_in_under_production(app, runner, production):
    assert runner.invoke(args=["users", "demo"]).exit_code == 0  # made in development
    client = production.test_client()
    response = client.post("/login", data={"email": "admin@example.com", "password": "learnpm-demo-admin-pass",
                                           "csrf_token": csrf_from(client, "/login")})
    assert response.status_code == 403 and "Demo accounts cannot log in" in response.get_data(as_text=True)
    # A session opened in development ends on the first production request.
    dev = app.test_client()
    assert log_in(dev, "learner@example.com", "learnpm-demo-learner-pass").status_code == 302
    with dev.session_transaction() as state:
        cookie_session = dict(state)
    shared = production.test_client()
    with shared.session_transaction() as state:
        state.update(cookie_session)
    assert shared.get("/hours").status_code == 403


def test_personal_pages_and_api_answers_are_no_store(client, imported, learner, login):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"  # the 401 too
    login(learner)
    for path in ("/", "/hours", "/hours/ledger.csv", "/hours/ledger.json", "/dashboard", "/certificates",
                 "/courses/demo", "/courses/demo/first", "/api/v1/me", "/api/v1/me/hours", "/quizzes"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_the_ledger_csv_neutralizes_spreadsheet_formulas(client, imported, learner, login, runner, make_user):
    make_user(email="staff@example.com", role="instructor")
    runner.invoke(args=["hours", "record", "--email", learner.email, "--minutes", "30",
                        "--reason", "=HYPERLINK(\"http://evil.example\",\"x\")", "--by", "staff@example.com"])
    login(learner)
    body = client.get("/hours/ledger.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_production_without_smtp_starts_and_warns(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("LEARNPM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.delenv("LEARNPM_SMTP_URL", raising=False)
    monkeypatch.setattr("sys.argv", ["gunicorn", "-w", "1", "wsgi:app"])
    with caplog.at_level("WARNING"):
        app = create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)})
    assert app.config["LEARNPM_PRODUCTION"]
    assert any("LEARNPM_SMTP_URL is not set" in record.getMessage() for record in caplog.records)


def test_demo_password_constant_is_not_the_default(app):
    assert DEFAULT_PASSWORD != "learnpm-demo-learner-pass"
