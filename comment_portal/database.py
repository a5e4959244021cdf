"""Engine settings that depend on the database kind; ending transactions when the database is gone."""

import logging
import unicodedata

from flask import Flask, g, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Text

from .extensions import db

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """SQLite: WAL so readers never block the writer; writers wait instead of failing."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"] * 1000)
        event.listen(engine, "connect", _sqlite_pragmas(timeout_ms))
    # Registered after Flask-SQLAlchemy's, so it runs before that one closes the session.
    app.teardown_appcontext(_end_transaction)


def discard_transaction() -> None:
    """Roll back; if the database already cut the connection, SQLAlchemy has dropped it: only log."""
    try:
        db.session.rollback()
    except DBAPIError as error:
        log.warning("rollback on a lost database connection: %s", error.orig)


def end_read_only_transaction() -> None:
    """End a transaction that only read with COMMIT, not the ROLLBACK that closing the session sends.

    The same for a read; but after a ROLLBACK psycopg deallocates the connection's prepared
    statements, so PostgreSQL would plan the query again on every request (the receipt page's
    join: a sixth of PostgreSQL's CPU per submitted comment in bench/load_bench.py).
    """
    db.session.commit()


def committed_in_this_request() -> bool:
    """Whether something was committed in this app context (a later error must not say nothing was saved)."""
    return g.get("_database_committed", False)


@event.listens_for(db.session, "after_commit")
def _note_commit(_session) -> None:
    if has_app_context():
        g._database_committed = True


def _end_transaction(_error: BaseException | None) -> None:
    """Close the session before Flask-SQLAlchemy does, tolerating a connection the database has cut.

    A PostgreSQL restart can end a connection after the page was rendered; the ROLLBACK in
    Session.close() then raises, which would turn the finished page into a server error. The
    objects are detached before that ROLLBACK, and SQLAlchemy invalidates the cut connection,
    which returns its pool slot.
    """
    if not db.session.registry.has():
        return
    try:
        db.session.close()
    except DBAPIError as error:
        log.warning("database connection lost before the end of the request: %s", error.orig)


def _sqlite_pragmas(timeout_ms: int):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: in WAL mode each commit reaches the disk before the resident is shown a receipt; NORMAL
        # could lose the last commits to a power cut. It costs ~0.15 ms a commit (docs/benchmarks.md).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        dbapi_connection.create_function("nfkc", 1, _nfkc, deterministic=True)

    return on_connect


class nfkc(FunctionElement):  # noqa: N801 - named like the SQL function it stands for
    """NFKC of a text column (ｶﾀｶﾅ = カタカナ, ＡＢＣ = ABC), for searches that match what people type."""

    type = Text()
    inherit_cache = True


@compiles(nfkc)
def _nfkc_sqlite(element, compiler, **kw) -> str:
    return f"nfkc({compiler.process(element.clauses, **kw)})"


@compiles(nfkc, "postgresql")
def _nfkc_postgresql(element, compiler, **kw) -> str:
    return f"normalize({compiler.process(element.clauses, **kw)}, NFKC)"


def _nfkc(value):
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value
