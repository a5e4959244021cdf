"""Residents never lose their text: a second send from the same form, or an over-long body, brings the form
back with what they typed and says what to do."""

from html import unescape

from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import Submission
from tests.factories import form_data, hidden_value, stored_counts


def test_back_edit_and_send_again_never_drops_the_new_opinion(client):
    data = form_data(client, body="最初の意見：会議室を増やしてください。")
    assert client.post("/comments/confirm", data=data).status_code == 303
    first = db.session.scalar(select(Submission.receipt_number))
    # Back past the completion page, 修正する, a different opinion, 送信する: the same form token.
    edited = {**data, "body": "二つ目の意見：夜間の開館時間を延ばしてください。"}
    response = client.post("/comments/confirm", data=edited)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert f"すでに意見を送信済みです（受付番号 {first}）" in html and "まだ送信していません" in html
    assert "二つ目の意見：夜間の開館時間を延ばしてください。" in html
    assert stored_counts()[:2] == (1, 1)
    fresh = {**edited, "csrf_token": hidden_value(html, "csrf_token"),
             "submission_token": hidden_value(html, "submission_token")}
    assert fresh["submission_token"] != data["submission_token"]
    assert client.post("/comments/confirm", data=fresh).status_code == 303
    receipts = list(db.session.scalars(select(Submission.receipt_number).order_by(Submission.id)))
    assert len(receipts) == 2 and receipts[0] == first
    assert receipts[1] in client.get("/comments/done").get_data(as_text=True)


def test_the_same_form_sent_twice_is_stored_once_and_shows_the_first_receipt(client):
    data = form_data(client)
    assert client.post("/comments/confirm", data=data).status_code == 303
    assert client.post("/comments/confirm", data=data).status_code == 303
    assert stored_counts()[:2] == (1, 1)


def test_an_over_long_body_comes_back_with_the_text_at_either_step(client):
    body = "長" * 4_500
    for step, extra in (("/comments/new", {"action": "confirm"}), ("/comments/confirm", {})):
        response = client.post(step, data={**form_data(client, body=body), **extra})
        html = unescape(response.get_data(as_text=True))
        assert response.status_code == 422, step
        assert "ご意見は4,000文字以内で入力してください（現在4,500文字）。" in html and body in html
    assert stored_counts() == (0, 0, 0)


def test_the_form_states_the_limit_in_characters(client):
    html = client.get("/comments/new").get_data(as_text=True)
    assert "4,000文字以内でご記入ください" in html and 'data-max-chars="4000"' in html


def test_a_lost_session_cookie_brings_the_form_back_with_the_text(app, client):
    data = form_data(client, body="セッションが切れても消えてほしくない意見です。")
    other_browser = app.test_client()  # no session cookie: the form's CSRF token cannot be checked
    response = other_browser.post("/comments/confirm", data=data)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "入力した内容はそのまま残っています" in html
    assert "セッションが切れても消えてほしくない意見です。" in html
    assert stored_counts() == (0, 0, 0)


def test_a_changed_section_after_back_is_not_dropped_either(client):
    data = form_data(client, section="3.1.3")
    assert client.post("/comments/confirm", data=data).status_code == 303
    moved = client.post("/comments/confirm", data={**data, "section": "2.1"})
    assert moved.status_code == 409 and "まだ送信していません" in moved.get_data(as_text=True)
