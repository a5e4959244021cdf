"""What the web benchmarks share: an app on an empty database with the default consultation, bulk inserts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert

from comment_portal import create_app
from comment_portal.consultations import DEFAULT_CONSULTATION, load_consultation
from comment_portal.extensions import db
from comment_portal.models import Role, User

CHUNK = 5000
BENCH_PASSWORD = "bench password"


def bench_app(uri: str, tmp: Path, role: Role):
    """An app on a freshly created schema holding the default consultation and a `bench` user of `role`.

    Call inside nothing; returns the app (use `with app.app_context()` to fill it).
    """
    app = create_app({
        "TESTING": False, "SECRET_KEY": "bench-secret-bench-secret-bench-secret", "SQLALCHEMY_DATABASE_URI": uri,
        "RATELIMIT_ENABLED": False, "MODEL_DIR": str(tmp / "models"), "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_consultation(DEFAULT_CONSULTATION)
        user = User(login="bench", role=role)
        user.set_password(BENCH_PASSWORD)
        db.session.add(user)
        db.session.commit()
    return app


def bulk_insert(tables: list[tuple[type, list[dict]]]) -> None:
    """Insert rows in chunks, table by table in the given order, then commit."""
    for model, rows in tables:
        for offset in range(0, len(rows), CHUNK):
            db.session.execute(insert(model), rows[offset:offset + CHUNK])
    db.session.commit()
