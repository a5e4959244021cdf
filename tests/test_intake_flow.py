"""A resident reads the draft and sends a comment: stored, suggested, receipted once."""

import re

import pytest

from comment_portal.models import Channel, Comment, Submission, Suggestion
from comment_portal.receipts import ALPHABET
from tests.factories import VALID_FORM, all_rows, form_data, stored_counts, submit_comment

RECEIPT_RE = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def test_home_page_explains_the_consultation(client):
    html = client.get("/").get_data(as_text=True)
    assert "第二期武蔵野市市民活動促進基本計画" in html
    assert "ただいま意見を募集しています" in html
    assert "氏名・住所・メールアドレスなどの個人情報は公表しません" in html
    assert 'href="/document"' in html and 'href="/comments/new"' in html


def test_document_lists_sections_with_links_to_the_form(client):
    html = client.get("/document").get_data(as_text=True)
    assert "目次" in html
    assert "計画策定の背景" in html and "1-2 多様な活動につながる情報の提供" in html
    assert 'href="/comments/new?section=4.1.2"' in html
    assert html.count("この箇所について意見を書く") >= 20


def test_form_preselects_the_section_from_the_link(client):
    html = client.get("/comments/new?section=4.1.2").get_data(as_text=True)
    assert re.search(r'<option selected value="4.1.2">|<option value="4.1.2" selected>', html)
    assert 'name="body"' in html and 'name="consent"' in html


def test_unknown_section_in_link_is_ignored(client):
    html = client.get("/comments/new?section=9.9").get_data(as_text=True)
    select = html.split('name="section"')[1].split("</select>")[0]
    assert select.count("selected") == 1 and '<option selected value="">' in select


def test_confirmation_shows_exactly_what_will_be_sent(client):
    data = form_data(client, body="一行目\n二行目 <b>太字</b>")
    html = client.post("/comments/new", data=data).get_data(as_text=True)
    assert "入力内容の確認" in html
    assert "一行目\n二行目 &lt;b&gt;太字&lt;/b&gt;" in html
    assert "第3章 本計画策定に当たっての成果と課題 基本施策3:市民活動の場の活用促進" in html
    assert "武蔵野 花子" in html and "送信する" in html and "修正する" in html
    assert stored_counts() == (0, 0, 0)


def test_edit_returns_to_the_form_with_the_input_kept(client):
    data = form_data(client)
    html = client.post("/comments/new", data={**data, "action": "edit"}).get_data(as_text=True)
    assert "意見の入力" in html
    assert VALID_FORM["body"] in html and 'value="武蔵野 花子"' in html
    assert stored_counts() == (0, 0, 0)


def test_submitting_stores_the_comment_and_shows_a_receipt(client):
    response = submit_comment(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/comments/done")
    submissions = list(all_rows(Submission))
    assert len(submissions) == 1
    submission = submissions[0]
    assert RECEIPT_RE.match(submission.receipt_number)
    assert submission.channel is Channel.WEB and submission.consent
    assert submission.name == "武蔵野 花子" and submission.ip_hash and "127.0.0.1" not in submission.ip_hash
    comment = submission.comments[0]
    assert comment.body == VALID_FORM["body"] and comment.section.code == "3.1.3"
    done = client.get("/comments/done").get_data(as_text=True)
    assert "受付番号" in done and submission.receipt_number in done
    assert VALID_FORM["body"] in done and "控え" in done
    assert "基本施策3:市民活動の場の活用促進" in done and "武蔵野 花子" in done


def test_a_submitted_comment_gets_a_stored_suggestion(client):
    submit_comment(client)
    suggestion = list(all_rows(Suggestion))[0]
    assert suggestion.model_version == "test-default"
    assert set(suggestion.scores) == {"1", "2", "3", "4", "other"}
    assert sum(suggestion.scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert suggestion.policy_code == max(suggestion.scores, key=suggestion.scores.get)
    assert suggestion.probability == pytest.approx(suggestion.scores[suggestion.policy_code])
    assert suggestion.created_at is not None
    comment = list(all_rows(Comment))[0]  # the queue sorts and filters on the copy
    assert comment.suggested_policy == suggestion.policy_code
    assert comment.suggestion_probability == pytest.approx(suggestion.probability)
    assert comment.suggestion_confident is suggestion.confident


def test_resident_pages_leave_the_session_cookie_alone_once_it_holds_the_token(client):
    client.get("/comments/new")  # the session now holds the CSRF token
    for path in ("/", "/document", "/comments/new"):
        response = client.get(path)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_double_click_and_replay_store_one_comment(client):
    data = form_data(client)
    client.post("/comments/new", data=data)
    first = client.post("/comments/confirm", data=data)
    second = client.post("/comments/confirm", data=data)
    assert first.status_code == second.status_code == 303
    assert stored_counts()[:2] == (1, 1)
    receipt = list(all_rows(Submission))[0].receipt_number
    assert receipt in client.get("/comments/done").get_data(as_text=True)


def test_going_back_and_sending_again_keeps_one_comment(client):
    data = form_data(client)
    submit = client.post("/comments/confirm", data=data)
    assert submit.status_code == 303
    # Back to the (cached) form, confirm again and send again with the same page's token.
    client.post("/comments/new", data={**data, "action": "confirm"})
    client.post("/comments/confirm", data=data)
    assert stored_counts()[:2] == (1, 1)


def test_two_different_forms_store_two_comments_with_different_receipts(client):
    submit_comment(client)
    submit_comment(client, body="別の意見です。補助金の申請手続きを簡単にしてください。")
    receipts = {s.receipt_number for s in all_rows(Submission)}
    assert len(receipts) == 2


def test_done_page_without_a_submission_goes_home(client):
    response = client.get("/comments/done")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


def test_done_page_is_not_cached(client):
    submit_comment(client)
    assert client.get("/comments/done").headers["Cache-Control"] == "no-store"


def test_comment_text_with_html_is_shown_as_plain_text(client):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    submit_comment(client, body=payload)
    done = client.get("/comments/done").get_data(as_text=True)
    assert "<script>alert" not in done and "<img src=x" not in done
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in done
    stored = list(all_rows(Comment))[0]
    assert stored.body == payload
