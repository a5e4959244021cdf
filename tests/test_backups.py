"""Backups taken while residents keep submitting restore into a fresh database with every comment."""

import threading
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from comment_portal.extensions import db
from comment_portal.models import Comment, Submission
from tests.conftest import TEST_DATABASE_URL, dispose_engines, durable_database_url, make_app, reset_database
from tests.factories import form_data


@pytest.fixture
def file_app(tmp_path, model_dir):
    """An app on a real database file (SQLite) or the test PostgreSQL database."""
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=durable_database_url(tmp_path))
    with app.app_context():
        reset_database(model_dir)
        yield app
        db.session.remove()
        db.drop_all()
        dispose_engines()


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database to restore into."""
    if TEST_DATABASE_URL == "sqlite://":
        yield f"sqlite:///{tmp_path}/restored.db"
        return
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(TEST_DATABASE_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def submit_many(app, count: int, receipts: list[str]) -> None:
    client = app.test_client()
    for _ in range(count):
        with app.app_context():
            response = client.post("/comments/confirm", data=form_data(client))
        assert response.status_code == 303
        with client.session_transaction() as session:
            receipts.append(session["last_receipt"])


def test_backup_under_load_restores_every_comment(file_app, fresh_url, tmp_path):
    before: list[str] = []
    submit_many(file_app, 5, before)
    during: list[str] = []
    writer = threading.Thread(target=submit_many, args=(file_app, 15, during))
    writer.start()
    result = file_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.db")])
    writer.join()
    assert result.exit_code == 0, result.output

    restored_app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=fresh_url)
    with restored_app.app_context():
        restore = restored_app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "backup.db")])
        assert restore.exit_code == 0, restore.output
        receipts = set(db.session.scalars(select(Submission.receipt_number)))
        assert set(before) <= receipts <= set(before) | set(during)
        comments = list(db.session.scalars(select(Comment)))
        assert len(comments) == len(receipts)  # nothing half-written: one comment per submission
        assert all(c.submission is not None and c.body for c in comments)
        db.session.remove()
        dispose_engines()


def test_backup_of_an_in_memory_database_is_refused(tmp_path, model_dir):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "in-memory" in result.output
