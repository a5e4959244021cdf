"""Backups: SQLite through its online backup API (safe while the portal runs), PostgreSQL through pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def backup(engine: Engine, path: Path) -> Path:
    """Write a consistent copy of the database to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        _sqlite_copy(_sqlite_file(engine), path)
    elif engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", _libpq_url(engine)])
    else:
        raise BackupError(f"backups of {engine.dialect.name} are not supported")
    return path


def restore(engine: Engine, path: Path) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    engine.dispose()  # no pooled connection may keep the old contents
    if engine.dialect.name == "sqlite":
        _sqlite_copy(path, _sqlite_file(engine))
    elif engine.dialect.name == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(engine)}", str(path)])
    else:
        raise BackupError(f"restoring {engine.dialect.name} is not supported")


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # page by page; writers keep working meanwhile


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
