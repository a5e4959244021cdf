"""The resident pages reuse the consultation they read; changes apply at once in-process, within seconds elsewhere."""

from datetime import timedelta

from sqlalchemy import update

from comment_portal.extensions import db
from comment_portal.models import Consultation
from comment_portal.timeutil import tokyo_today
from tests.factories import close_period, form_data, stored_counts


def close_from_another_process() -> None:
    """What `flask set-period` in another process does, as this process sees it: rows change, no ORM event."""
    yesterday = tokyo_today() - timedelta(days=1)
    db.session.execute(update(Consultation).values(closes_on=yesterday))
    db.session.commit()


def test_closing_in_this_process_applies_to_the_next_request(client):
    data = form_data(client)  # the form was opened while the period was open
    close_period()
    assert client.post("/comments/confirm", data=data).status_code == 403
    assert stored_counts() == (0, 0, 0)


def test_a_change_from_another_process_applies_after_the_cache_time(app, client):
    client.get("/comments/new")  # reads and caches the open consultation
    close_from_another_process()
    assert "意見の入力" in client.get("/comments/new").get_data(as_text=True)  # within the cache time
    app.config["CONSULTATION_CACHE_SECONDS"] = 0
    page = client.get("/comments/new").get_data(as_text=True)
    assert "意見の入力" not in page and "終了" in page


def test_the_cached_consultation_stays_readable_after_submissions(client):
    for body in ("集会所の利用時間を延ばしてください。", "広報紙で活動団体を紹介してください。"):
        assert client.post("/comments/confirm", data=form_data(client, body=body, section="4.1.2")).status_code == 303
    page = client.get("/comments/new?section=4.1.2").get_data(as_text=True)
    assert '<option selected value="4.1.2">' in page
    assert stored_counts()[:2] == (2, 2)
