"""Fixtures: a fresh database per test (SQLite in memory, or TEST_DATABASE_URL), the real classifier."""

import os
from datetime import timedelta

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

import classifier
from comment_portal import create_app
from comment_portal.consultations import DEFAULT_CONSULTATION, load_consultation, set_period
from comment_portal.extensions import db
from comment_portal.suggestions import register_version
from comment_portal.timeutil import tokyo_today

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """The shipped default model, trained once for the whole run."""
    directory = tmp_path_factory.mktemp("models") / "test-default"
    classifier.train_default_model(directory, version="test-default")
    return directory


class PerRequestContextClient(FlaskClient):
    """Runs each request in its own app context, as production does.

    The fixture keeps an app context open for database access in the test; Flask
    would reuse it for requests, sharing `g` (and cached CSRF tokens) across them.
    """

    def open(self, *args, **kwargs):
        outer = _cv_app.get(None)
        if outer is None:
            return super().open(*args, **kwargs)
        outer.pop()
        try:
            return super().open(*args, **kwargs)
        finally:
            outer.push()
            db.session.expire_all()


def durable_database_url(tmp_path) -> str:
    """The test PostgreSQL database, or a SQLite file (for tests that need more than one connection)."""
    return TEST_DATABASE_URL if TEST_DATABASE_URL != "sqlite://" else f"sqlite:///{tmp_path}/test.db"


def make_app(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "RATELIMIT_ENABLED": False,
        "MODEL_DIR": str(tmp_path / "models"),
        # Suggestions in the request, so a test sees them as soon as the response arrives;
        # tests/test_background_suggestions.py covers the background thread.
        "SUGGEST_IN_BACKGROUND": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = PerRequestContextClient
    return app


def reset_database(model_dir) -> None:
    """Empty schema, the default consultation open today, the test model active (in an app context)."""
    db.drop_all()
    db.create_all()
    consultation = load_consultation(DEFAULT_CONSULTATION)
    today = tokyo_today()
    set_period(consultation, today - timedelta(days=1), today + timedelta(days=1))
    register_version("test-default", model_dir, {}, activate=True)


@pytest.fixture
def app(tmp_path, model_dir):
    app = make_app(tmp_path)
    with app.app_context():
        reset_database(model_dir)
        yield app
        db.session.remove()
        db.drop_all()
        dispose_engines()


def dispose_engines() -> None:
    """Close pooled connections now rather than when garbage collected."""
    for engine in db.engines.values():
        engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()
