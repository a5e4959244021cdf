"""purge-personal-data: names, e-mails and IP hashes go; opinions, answers and the audit stay."""

from datetime import timedelta

from sqlalchemy import select

from comment_portal.consultations import current_consultation, set_period
from comment_portal.extensions import db
from comment_portal.models import AuditEvent, Comment, Submission
from comment_portal.timeutil import tokyo_today
from tests.factories import all_rows, form_data, stored_counts


def submit(client, name="武蔵野 花子", email="hanako@example.jp"):
    assert client.post("/comments/confirm", data=form_data(client, name=name, email=email)).status_code == 303


def run(app, **config):
    app.config.update(config)
    return app.test_cli_runner().invoke(args=["purge-personal-data", "--consultation", "musashino-2021"])


def test_purge_after_the_retention_keeps_the_opinions(app, client):
    submit(client)
    submit(client, name="吉祥寺 次郎", email="jiro@example.jp")
    today = tokyo_today()
    set_period(current_consultation(), today - timedelta(days=40), today - timedelta(days=10))
    result = run(app, PERSONAL_DATA_RETENTION_DAYS=7)
    assert result.exit_code == 0, result.output
    assert "2 submission(s)" in result.output
    for submission in all_rows(Submission):
        assert (submission.name, submission.email, submission.ip_hash) == ("", "", None)
    assert stored_counts() == (2, 2, 2)
    assert all(c.body for c in all_rows(Comment))
    event = db.session.scalar(select(AuditEvent).filter_by(action="consultation.purge_personal_data"))
    assert event.after["submissions"] == 2


def test_purge_is_refused_while_open_or_within_the_retention(app, client):
    submit(client)
    assert run(app).exit_code != 0  # still open
    today = tokyo_today()
    set_period(current_consultation(), today - timedelta(days=40), today - timedelta(days=10))
    refused = run(app, PERSONAL_DATA_RETENTION_DAYS=30)
    assert refused.exit_code != 0 and "kept until" in refused.output
    assert all_rows(Submission)[0].name == "武蔵野 花子"
