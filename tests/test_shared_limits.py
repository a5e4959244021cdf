"""Limits that hold across workers: with REDIS_URL every process counts against the same limit; without it,
production warns at start. Lock-outs live in the database, so two workers share them either way."""

import logging
import secrets

import pytest
import redis

from comment_portal import create_app
from comment_portal.extensions import db
from comment_portal.models import Role
from tests.conftest import dispose_engines, durable_database_url, make_app, reset_database
from tests.factories import create_user, login

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def two_workers(tmp_path, model_dir):
    """Two app instances (as two gunicorn workers) on one database and one Redis, login limit 3 a minute."""
    if not redis_available():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"test-{secrets.token_hex(4)}"
    settings = {"SQLALCHEMY_DATABASE_URI": durable_database_url(tmp_path), "RATELIMIT_ENABLED": True,
                "REDIS_URL": REDIS_URL, "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                "LOGIN_RATE_LIMIT": "3 per minute"}
    first, second = make_app(tmp_path, **settings), make_app(tmp_path, **settings)
    with first.app_context():
        reset_database(model_dir)
        create_user("suzuki", Role.STAFF)
        yield first, second
        db.session.remove()
        db.drop_all()
        dispose_engines()
    with second.app_context():
        dispose_engines()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_a_rate_limit_is_shared_by_every_worker(two_workers):
    first, second = two_workers
    statuses = [login(app.test_client(), "suzuki", "wrong password!").status_code
                for app in (first, second, first, second)]
    assert statuses == [401, 401, 401, 429]


def test_a_lock_out_is_seen_by_every_worker(tmp_path, model_dir):
    settings = {"SQLALCHEMY_DATABASE_URI": durable_database_url(tmp_path)}
    first, second = make_app(tmp_path, **settings), make_app(tmp_path, **settings)
    with first.app_context():
        reset_database(model_dir)
        create_user("suzuki", Role.STAFF)
        for n in range(first.config["LOGIN_LOCKOUT_THRESHOLD"]):
            login((first if n % 2 else second).test_client(), "suzuki", "wrong password!")
        assert login(first.test_client(), "suzuki").status_code == 401
        assert login(second.test_client(), "suzuki").status_code == 401
        db.session.remove()
        db.drop_all()
        dispose_engines()
    with second.app_context():
        dispose_engines()


def test_production_without_redis_warns_at_start(monkeypatch, caplog):
    monkeypatch.setenv("COMMENT_PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with caplog.at_level(logging.WARNING, logger="comment_portal"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert any("REDIS_URL is not set" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="comment_portal"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": REDIS_URL})
    assert not any("REDIS_URL is not set" in r.getMessage() for r in caplog.records)
