"""The factory, configuration, security headers, error pages and migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from learnpm import create_app
from learnpm.config import ConfigError
from learnpm.extensions import db
from learnpm.models import include_in_migrations


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNPM_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ConfigError):
        create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)})
    for weak in ("k" * 64, "a" * 32, "abababababababababababababababab", "0123456789" * 4):
        monkeypatch.setenv("SECRET_KEY", weak)
        with pytest.raises(ConfigError, match="too predictable"):
            create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("SECRET_KEY", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    app = create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_key_is_generated_once_into_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("LEARNPM_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_settings_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNPM_HEARTBEAT_SECONDS", "5")
    monkeypatch.setenv("LEARNPM_PUBLIC_URL", "https://learn.example.org/")
    app = create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    assert app.config["LEARNPM_HEARTBEAT_SECONDS"] == 5
    assert app.config["LEARNPM_PUBLIC_URL"] == "https://learn.example.org"
    monkeypatch.setenv("LEARNPM_IDLE_SECONDS", "soon")
    with pytest.raises(ConfigError, match="LEARNPM_IDLE_SECONDS"):
        create_app({"LEARNPM_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})


def test_pages_carry_security_headers_and_a_csrf_meta_tag(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="csrf-token" content="' in response.get_data(as_text=True)


def test_pages_have_no_inline_script(client):
    page = client.get("/register").get_data(as_text=True)
    assert "<script>" not in page and "onclick" not in page


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_unexpected_errors_show_no_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page
    assert "Something went wrong" in page


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply on SQLite; this run is on PostgreSQL")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_give_exactly_the_models_schema(app):
    # The test database was built by `upgrade` (conftest): it must match the models.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_object": include_in_migrations})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_users_create_command(runner):
    result = runner.invoke(args=["users", "create", "--email", "cli@example.com", "--name", "Cli User",
                                 "--role", "instructor", "--password", "violet rivers sing at noon"])
    assert result.exit_code == 0, result.output
    assert "Created instructor cli@example.com" in result.output
    again = runner.invoke(args=["users", "create", "--email", "CLI@example.com", "--name", "X",
                                "--password", "violet rivers sing at noon"])
    assert again.exit_code == 1 and "already exists" in again.output
    weak = runner.invoke(args=["users", "create", "--email", "w@example.com", "--name", "W",
                               "--password", "short"])
    assert weak.exit_code == 1 and "at least 15" in weak.output


def test_demo_accounts_are_created_once_and_never_in_production(app, runner):
    first = runner.invoke(args=["users", "demo"])
    assert first.output.count("(created)") == 3
    second = runner.invoke(args=["users", "demo"])
    assert second.output.count("(exists)") == 3
    app.config["LEARNPM_PRODUCTION"] = True
    refused = runner.invoke(args=["users", "demo"])
    assert refused.exit_code == 1 and "not created" in refused.output
