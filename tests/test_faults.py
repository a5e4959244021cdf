"""Faults: a database that refuses a commit, a missing or corrupt model; no comment is lost or half-written."""

import shutil
import sqlite3

from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import ModelVersion, Submission
from tests.conftest import dispose_engines, make_app, reset_database
from tests.factories import all_rows, form_data, stored_counts


class LockedAtCommit(sqlite3.Connection):
    """A SQLite connection whose next COMMIT fails as if another writer held the lock."""

    fail_next_commit = False

    def commit(self):
        if LockedAtCommit.fail_next_commit:
            LockedAtCommit.fail_next_commit = False
            raise sqlite3.OperationalError("database is locked")
        return super().commit()


def test_a_commit_refused_by_a_locked_sqlite_is_rolled_back_not_committed_later(tmp_path, model_dir):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/locked.db",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"factory": LockedAtCommit, "timeout": 1},
                                              "pool_size": 1, "max_overflow": 0})
    with app.app_context():
        reset_database(model_dir)
        client = app.test_client()
        lost = form_data(client)
        LockedAtCommit.fail_next_commit = True
        response = client.post("/comments/confirm", data=lost)
        assert response.status_code == 503
        assert "もう一度お試しください" in response.get_data(as_text=True)
        # The same pooled connection serves the next submission: only that one may be committed.
        kept = form_data(client, body="次の方の意見です。会議室を増やしてください。")
        assert client.post("/comments/confirm", data=kept).status_code == 303
        tokens = set(db.session.scalars(select(Submission.submission_token)))
        assert tokens == {kept["submission_token"]}
        # Pressing 送信する again with the refused page's token now stores it, once.
        assert client.post("/comments/confirm", data=lost).status_code == 303
        assert stored_counts()[:2] == (2, 2)
        db.session.remove()
        dispose_engines()


def test_intake_works_when_the_model_files_are_missing(app, client, tmp_path):
    version = all_rows(ModelVersion)[0]
    version.path = str(tmp_path / "no-such-model")
    db.session.commit()
    assert client.post("/comments/confirm", data=form_data(client)).status_code == 303
    assert stored_counts() == (1, 1, 0)


def test_intake_works_when_the_model_file_is_corrupt(app, client, model_dir, tmp_path):
    broken = tmp_path / "corrupt-model"
    shutil.copytree(model_dir, broken)
    for file in broken.iterdir():
        if file.suffix not in (".json",):
            file.write_bytes(b"not a model")
    version = all_rows(ModelVersion)[0]
    version.path = str(broken)
    db.session.commit()
    assert client.post("/comments/confirm", data=form_data(client)).status_code == 303
    assert stored_counts() == (1, 1, 0)
    assert "受付番号" in client.get("/comments/done").get_data(as_text=True)
