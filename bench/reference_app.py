"""Minimal reference for the load benchmark (issue 6, point 2): the resident flow with nothing else.

The same three steps as the portal — a form page with a CSRF token, a confirmation page, an
insert that returns a receipt (then the completion page) — in plain Flask with sqlite3 or
psycopg: no templates, ORM, rate limiter, classification or consultation data. The CSRF token is
`secrets.token_hex` kept in Flask's signed session cookie (itsdangerous), as Flask-WTF does.

Served by bench/load_bench.py: `gunicorn --workers 2 --chdir bench reference_app:app` with
REFERENCE_DATABASE set to a SQLite file path or a postgresql:// URL, and SECRET_KEY.
"""

from __future__ import annotations

import hmac
import os
import secrets
import sqlite3
from datetime import UTC, datetime
from html import escape

from flask import Flask, abort, redirect, request, session

DATABASE = os.environ.get("REFERENCE_DATABASE", "reference.db")
IS_POSTGRES = DATABASE.startswith("postgresql")
FIELDS = ("body", "section", "name", "attribute", "email", "submission_token")
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
SCHEMA = """CREATE TABLE IF NOT EXISTS ref_submission (
    id {id} PRIMARY KEY, receipt_number VARCHAR(9) NOT NULL UNIQUE,
    submission_token VARCHAR(64) NOT NULL UNIQUE, submitted_at VARCHAR(40) NOT NULL,
    name TEXT NOT NULL, attribute TEXT NOT NULL, email TEXT NOT NULL, section TEXT NOT NULL,
    body TEXT NOT NULL)"""

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
_connection = None  # one per worker process (gunicorn sync workers serve one request at a time)


def connect():
    """The worker's connection, opened on first use."""
    global _connection
    if _connection is None:
        if IS_POSTGRES:
            import psycopg

            _connection = psycopg.connect(DATABASE.replace("postgresql+psycopg://", "postgresql://"))
        else:
            _connection = sqlite3.connect(DATABASE, timeout=15, isolation_level=None)
            # The same pragmas as the portal (comment_portal/database.py).
            for pragma in ("journal_mode=WAL", "busy_timeout=15000", "synchronous=FULL"):
                _connection.execute(f"PRAGMA {pragma}")
    return _connection


def init_db() -> None:
    """Create the table (called once by the benchmark before serving)."""
    db = connect()
    db.execute(SCHEMA.format(id="BIGSERIAL" if IS_POSTGRES else "INTEGER"))
    if IS_POSTGRES:
        db.commit()


def page(title: str, body: str) -> str:
    head = f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{title}</title></head>'
    return f"{head}<body>{body}</body></html>"


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{escape(value)}">'


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_hex(32)
    return session["csrf"]


def check_csrf() -> None:
    if not hmac.compare_digest(request.form.get("csrf_token", ""), session.get("csrf", "")):
        abort(400)


@app.get("/comments/new")
def form_page():
    fields = hidden("csrf_token", csrf_token()) + hidden("submission_token", secrets.token_hex(16))
    inputs = "".join(f'<label>{f}<input name="{f}"></label>' for f in ("body", "name", "attribute", "email"))
    return page("ご意見の入力", f'<form method="post">{fields}{inputs}<input type="checkbox" name="consent" value="y">'
                f'<button>確認する</button></form>')


@app.post("/comments/new")
def confirm_page():
    check_csrf()
    values = {f: request.form.get(f, "").strip() for f in FIELDS}
    if not values["body"] or not values["name"] or request.form.get("consent") != "y":
        return page("入力エラー", "<p>入力してください。</p>"), 422
    shown = "".join(f"<dt>{f}</dt><dd>{escape(v)}</dd>" for f, v in values.items())
    fields = hidden("csrf_token", csrf_token()) + "".join(hidden(f, v) for f, v in values.items())
    return page("入力内容の確認", f'<dl>{shown}</dl><form method="post" action="/comments/confirm">{fields}'
                f'{hidden("consent", "y")}<button>送信する</button></form>')


@app.post("/comments/confirm")
def submit():
    check_csrf()
    values = {f: request.form.get(f, "").strip() for f in FIELDS}
    if not values["body"] or not values["submission_token"]:
        abort(422)
    session["receipt"] = insert(values)
    return redirect("/comments/done", code=303)


def insert(values: dict) -> str:
    """Store the comment once per form token; returns its receipt number."""
    db = connect()
    mark = "%s" if IS_POSTGRES else "?"
    receipt = "".join(secrets.choice(ALPHABET) for _ in range(8))
    receipt = f"{receipt[:4]}-{receipt[4:]}"
    columns = ("receipt_number", "submitted_at", *FIELDS)
    row = (receipt, datetime.now(UTC).isoformat(), *(values[f] for f in FIELDS))
    sql = (f"INSERT INTO ref_submission ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "
           f"ON CONFLICT (submission_token) DO NOTHING")
    db.execute(sql, row)
    found = db.execute(f"SELECT receipt_number FROM ref_submission WHERE submission_token = {mark}",
                       (values["submission_token"],)).fetchone()
    if IS_POSTGRES:
        db.commit()
    return found[0]


@app.get("/comments/done")
def done():
    mark = "%s" if IS_POSTGRES else "?"
    db = connect()
    row = db.execute(f"SELECT receipt_number, submitted_at FROM ref_submission WHERE receipt_number = {mark}",
                     (session.get("receipt", ""),)).fetchone()
    if IS_POSTGRES:
        db.commit()
    if row is None:
        return redirect("/comments/new")
    response = app.make_response(page("受付完了", f'<p id="receipt-number">{escape(row[0])}</p><p>{row[1]}</p>'))
    response.headers["Cache-Control"] = "no-store"
    return response
