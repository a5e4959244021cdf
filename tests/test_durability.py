"""Durable receipts: a receipt is shown only after a commit the database has written to disk."""

from sqlalchemy import text

from comment_portal.extensions import db
from tests.conftest import dispose_engines, durable_database_url, make_app, reset_database

SQLITE_FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_every_connection_commits_to_disk_before_returning(tmp_path, model_dir):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=durable_database_url(tmp_path))
    with app.app_context():
        reset_database(model_dir)
        if db.engine.dialect.name == "sqlite":
            assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
            assert db.session.scalar(text("PRAGMA synchronous")) == SQLITE_FULL
        else:
            # PostgreSQL: a commit returns once its WAL record is flushed (the server's defaults).
            assert db.session.scalar(text("SHOW synchronous_commit")) in ("on", "remote_write", "remote_apply")
            assert db.session.scalar(text("SHOW fsync")) == "on"
        db.session.remove()
        db.drop_all()
        dispose_engines()
