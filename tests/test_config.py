"""Settings: defaults, then instance/config.py, then the environment."""

from sqlalchemy import text

from comment_portal import create_app
from comment_portal.extensions import db


def test_prefixed_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("COMMENT_PORTAL_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("COMMENT_PORTAL_BODY_MAX_CHARS", "2000")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["BODY_MAX_CHARS"] == 2000


def test_database_url_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wal.db"})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_postgresql_connections_are_pinged_before_use():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://portal@db.invalid/portal"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_sqlite_is_not_pinged(tmp_path):
    options = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}).config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert "pool_pre_ping" not in options


def test_security_headers_are_sent(client):
    headers = client.get("/").headers
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_japanese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "ページが見つかりません" in response.get_data(as_text=True)


def _address_seen(trusted_proxies: int) -> tuple[str, str]:
    from flask import request

    from comment_portal.security import client_ip_hash

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_FIX_X_FOR": trusted_proxies})
    seen = {}

    @app.get("/whoami")
    def whoami():
        seen["addr"], seen["hash"] = request.remote_addr, client_ip_hash()
        return "ok"

    app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    return seen["addr"], seen["hash"]


def test_client_address_comes_from_the_proxy_only_when_configured():
    for trusted, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        address, hashed = _address_seen(trusted)
        assert address == expected and expected not in hashed and len(hashed) == 64
