"""Engine settings that depend on the database kind."""

from flask import Flask
from sqlalchemy import event

from .extensions import db


def register(app: Flask) -> None:
    """SQLite: WAL so readers never block the writer; writers wait instead of failing."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"] * 1000)
        event.listen(engine, "connect", _sqlite_pragmas(timeout_ms))


def _sqlite_pragmas(timeout_ms: int):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect

