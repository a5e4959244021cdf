"""Web comments get their suggestion and personal-data scan after the receipt is shown, from a background thread,
in batches."""

import threading

import pytest
from sqlalchemy import select

from comment_portal import background, suggestion_queue, suggestions
from comment_portal.extensions import db
from comment_portal.models import Comment, Submission, Suggestion
from tests.conftest import dispose_engines, durable_database_url, make_app, reset_database
from tests.factories import form_data, stored_counts


@pytest.fixture
def background_app(tmp_path, model_dir):
    # A database file (or PostgreSQL): the thread works on its own connection.
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=durable_database_url(tmp_path), SUGGEST_IN_BACKGROUND=True)
    with app.app_context():
        reset_database(model_dir)
        yield app
        background.wait_for_background()
        db.session.remove()
        db.drop_all()
        dispose_engines()


def submit(client, body: str):
    response = client.post("/comments/confirm", data=form_data(client, body=body))
    assert response.status_code == 303
    return response


def test_the_receipt_does_not_wait_for_the_classifier(background_app, monkeypatch):
    release = threading.Event()
    real_load = suggestions.load_classifier

    def slow_load(version):
        assert release.wait(10), "the test never released the classifier"
        return real_load(version)

    monkeypatch.setattr(suggestions, "load_classifier", slow_load)
    client = background_app.test_client()
    submit(client, "図書館の閲覧席を増やしてください。")
    done = client.get("/comments/done").get_data(as_text=True)
    assert 'id="receipt-number"' in done
    assert stored_counts() == (1, 1, 0)  # committed and shown, suggestion still being computed
    release.set()
    assert background.wait_for_background()
    db.session.expire_all()
    comment = db.session.scalar(select(Comment))
    suggestion = db.session.scalar(select(Suggestion))
    assert suggestion.comment_id == comment.id and comment.suggested_policy == suggestion.policy_code
    assert comment.is_scanned


def test_a_letter_is_scanned_for_personal_data_after_the_receipt(background_app):
    client = background_app.test_client()
    submit(client, "連絡先は090-1234-5678です。公園の清掃活動に参加したいです。")
    assert background.wait_for_background()
    db.session.expire_all()
    comment = db.session.scalar(select(Comment))
    assert comment.is_scanned
    assert [(r.kind, r.original, r.status.value) for r in comment.redactions] == [
        ("phone", "090-1234-5678", "proposed")]


def test_comments_sent_together_each_get_one_suggestion(background_app):
    client = background_app.test_client()
    bodies = [f"市民活動センターの会議室の予約方法を改善してください（{i}）。" for i in range(12)]
    for body in bodies:
        submit(client, body)
    assert background.wait_for_background()
    db.session.expire_all()
    assert stored_counts() == (12, 12, 12)
    assert all(c.is_scanned for c in db.session.scalars(select(Comment)))
    assert sorted(db.session.scalars(select(Suggestion.comment_id))) == sorted(db.session.scalars(select(Comment.id)))


def test_batches_are_bounded(monkeypatch):
    batches: list[list[int]] = []
    queue = suggestion_queue.SuggestionQueue(app=_NoContextApp(), suggest_batch=batches.append)
    queue.put(list(range(suggestion_queue.BATCH_SIZE * 2 + 5)))
    assert queue.join(10)
    assert sum(len(b) for b in batches) == suggestion_queue.BATCH_SIZE * 2 + 5
    assert max(len(b) for b in batches) <= suggestion_queue.BATCH_SIZE


def test_a_failing_batch_leaves_comments_for_reclassify_and_the_thread_goes_on(background_app, monkeypatch):
    real_load = suggestions.load_classifier
    monkeypatch.setattr(suggestions, "load_classifier", _raise)
    client = background_app.test_client()
    submit(client, "公園の清掃活動にボランティアとして参加したいです。")
    assert background.wait_for_background()
    assert stored_counts() == (1, 1, 0)
    monkeypatch.setattr(suggestions, "load_classifier", real_load)
    submit(client, "補助金の申請書類を簡単にしてください。")
    assert background.wait_for_background()
    db.session.expire_all()
    assert stored_counts() == (2, 2, 1)
    result = background_app.test_cli_runner().invoke(args=["reclassify"])
    assert result.exit_code == 0 and "Classified 1" in result.output
    assert stored_counts() == (2, 2, 2)


def test_a_crash_between_commit_and_suggestion_is_caught_up_by_reclassify(background_app, monkeypatch):
    # The worker process dies right after the commit: the queued ids are gone with it.
    monkeypatch.setattr(suggestion_queue.SuggestionQueue, "put", lambda self, ids: None)
    client = background_app.test_client()
    submit(client, "地域の子ども食堂への支援を広げてください。")
    receipt = db.session.scalar(select(Submission.receipt_number))
    assert receipt in client.get("/comments/done").get_data(as_text=True)
    assert stored_counts() == (1, 1, 0)
    result = background_app.test_cli_runner().invoke(args=["reclassify"])
    assert result.exit_code == 0 and "Classified 1" in result.output
    assert stored_counts() == (1, 1, 1)
    assert not db.session.scalar(select(Comment)).is_scanned  # withheld outside staff until scanned
    result = background_app.test_cli_runner().invoke(args=["scan-personal-data"])
    assert result.exit_code == 0 and "Scanned 1 opinion(s)" in result.output and "0 still unscanned" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Comment)).is_scanned


def _raise(_version):
    raise RuntimeError("model file is corrupt")


class _NoContextApp:
    def app_context(self):
        return _Nothing()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
