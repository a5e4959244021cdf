"""Period rules, bad input, bots: each refusal explains itself and stores nothing."""

import logging
from datetime import timedelta
from html import unescape

import pytest

from comment_portal import suggestions
from comment_portal.consultations import current_consultation, set_period
from comment_portal.extensions import db
from comment_portal.models import Comment, ModelVersion
from comment_portal.timeutil import tokyo_today
from tests.factories import (
    VALID_FORM,
    all_rows,
    close_period,
    form_data,
    hidden_value,
    open_period_later,
    stored_counts,
)


def test_closed_period_form_says_closed_and_submit_is_refused(client):
    data = form_data(client)
    close_period()
    page = client.get("/comments/new")
    assert "意見の募集は終了しました" in page.get_data(as_text=True)
    for url in ("/comments/new", "/comments/confirm"):
        response = client.post(url, data=data)
        assert response.status_code == 403
        assert "意見の募集は終了しました" in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)


def test_not_yet_open_period_refuses(client):
    data = form_data(client)
    open_period_later()
    assert "まだ始まっていません" in client.get("/comments/new").get_data(as_text=True)
    response = client.post("/comments/confirm", data=data)
    assert response.status_code == 403 and "まだ始まっていません" in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)


def test_the_whole_last_day_is_inside_the_period(client):
    today = tokyo_today()
    set_period(current_consultation(), today - timedelta(days=10), today)
    data = form_data(client)
    assert client.post("/comments/confirm", data=data).status_code == 303
    assert stored_counts()[:2] == (1, 1)


def test_replayed_confirmation_after_the_close_is_refused(client):
    data = form_data(client)
    client.post("/comments/new", data=data)  # the confirmation page was shown while open
    close_period()
    response = client.post("/comments/confirm", data=data)
    assert response.status_code == 403 and "終了しました" in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)


def test_no_active_model_still_stores_the_comment_unclassified(client):
    for version in all_rows(ModelVersion):
        version.active = False
    db.session.commit()
    response = client.post("/comments/confirm", data=form_data(client))
    assert response.status_code == 303
    assert stored_counts() == (1, 1, 0)
    assert all_rows(ModelVersion) and "受付番号" in client.get("/comments/done").get_data(as_text=True)


def test_failing_classifier_does_not_lose_the_comment(client, monkeypatch, caplog):
    def broken(version):
        raise RuntimeError("model file is corrupt")

    monkeypatch.setattr(suggestions, "load_classifier", broken)
    with caplog.at_level(logging.ERROR):
        response = client.post("/comments/confirm", data=form_data(client))
    assert response.status_code == 303
    assert stored_counts() == (1, 1, 0)
    assert "classifier failed" in caplog.text
    assert "受付番号" in client.get("/comments/done").get_data(as_text=True)


BAD_INPUTS = [
    ("empty body", {"body": ""}, "ご意見を入力してください。"),
    ("whitespace body", {"body": " \n\u3000\t "}, "ご意見を入力してください。"),
    ("body over the limit", {"body": "あ" * 4001}, "ご意見は4,000文字以内で入力してください（現在4,001文字）。"),
    ("unknown section", {"section": "9.9"}, "該当箇所の選択が正しくありません。"),
    ("unknown attribute", {"attribute": "市外在住"}, "区分を一覧から選んでください。"),
    ("missing attribute", {"attribute": None}, "区分を一覧から選んでください。"),
    ("missing consent", {"consent": None}, "同意欄にチェックを入れてください。"),
    ("malformed email", {"email": "hanako@"}, "メールアドレスの形式が正しくありません"),
    ("missing name", {"name": ""}, "氏名を入力してください。"),
    ("control character", {"body": "意見です\x00\x07です"}, "使用できない文字"),
    ("control character in name", {"name": "花子\x1b[31m"}, "使用できない文字"),
    ("broken token", {"submission_token": "../../etc"}, "入力画面を開き直してください"),
]


@pytest.mark.parametrize("url", ["/comments/new", "/comments/confirm"])
@pytest.mark.parametrize(("case", "changes", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_explained_and_nothing_is_stored(client, url, case, changes, message):
    data = form_data(client, **changes)
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and "入力内容を確認してください" in html
    kept = [v for k, v in VALID_FORM.items() if k not in changes and k in ("body", "name", "email")]
    for value in kept:
        assert value in html
    assert stored_counts() == (0, 0, 0)


def test_invalid_utf8_is_refused(client):
    data = form_data(client)
    body = "&".join(
        f"{k}={v}" for k, v in {**data, "body": "%E6%84%8F%E8%A6%8B%FF%FE"}.items() if k != "name"
    ) + "&name=%E8%8A%B1%E5%AD%90"
    response = client.post(
        "/comments/confirm", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 422 and "使用できない文字" in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)


def test_a_percent_sign_typed_by_the_resident_is_kept(client):
    data = form_data(client, body="参加率を50%に、100%近くまで上げる目標はどうでしょうか。")
    assert client.post("/comments/confirm", data=data).status_code == 303
    assert list(all_rows(Comment))[0].body == "参加率を50%に、100%近くまで上げる目標はどうでしょうか。"


@pytest.mark.parametrize("token", [None, "forged-token"])
@pytest.mark.parametrize("step", ["/comments/new", "/comments/confirm"])
def test_missing_or_wrong_csrf_token_brings_the_form_back_with_the_text(client, token, step):
    body = "長い時間をかけて書いた意見です。\n会議室の予約をオンラインにしてください。"
    data = form_data(client, csrf_token=token, body=body, name="武蔵野 花子")
    response = client.post(step, data={**data, "action": "confirm"} if step == "/comments/new" else data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "入力した内容はそのまま残っています" in html and 'id="form-notice"' in html
    assert body in unescape(html) and 'value="武蔵野 花子"' in html
    assert stored_counts() == (0, 0, 0)
    # The page carries a fresh token: sending again from it works.
    again = client.post("/comments/confirm", data={**data, "csrf_token": hidden_value(html, "csrf_token"),
                                                   "submission_token": hidden_value(html, "submission_token")})
    assert again.status_code == 303 and stored_counts()[:2] == (1, 1)


def test_request_over_the_size_limit_is_refused_with_413(client):
    data = form_data(client, body="あ" * 400_000)
    response = client.post("/comments/confirm", data=data)
    assert response.status_code == 413
    assert "送信内容が大きすぎます" in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)


def test_honeypot_filled_by_a_bot_is_refused(client):
    response = client.post("/comments/confirm", data=form_data(client, website="http://spam.example"))
    assert response.status_code == 400
    assert stored_counts() == (0, 0, 0)


def test_rate_limit_per_address(tmp_path, model_dir):
    from tests.conftest import dispose_engines, make_app

    app = make_app(tmp_path, RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="2 per minute")
    with app.app_context():
        db.create_all()
        from comment_portal.consultations import DEFAULT_CONSULTATION, load_consultation

        consultation = load_consultation(DEFAULT_CONSULTATION)
        set_period(consultation, tokyo_today(), tokyo_today())
        client = app.test_client()
        statuses = [client.post("/comments/confirm", data=form_data(client)).status_code for _ in range(3)]
        assert statuses == [303, 303, 429]
        last = client.post("/comments/confirm", data=form_data(client, body="三回目の、まだ届いていない意見です。"))
        assert last.status_code == 429 and "Retry-After" in last.headers
        assert "入力した内容はそのまま残っています" in last.get_data(as_text=True)
        assert "三回目の、まだ届いていない意見です。" in last.get_data(as_text=True)
        assert stored_counts()[:2] == (2, 2)
        db.session.remove()
        db.drop_all()
        dispose_engines()


def test_posted_sections_that_are_no_choice_do_not_fill_the_options_cache(client):
    from comment_portal.templating import _cached_options

    data = form_data(client)
    _cached_options.cache_clear()
    for n in range(20):
        response = client.post("/comments/new", data={**data, "section": f"junk-{n}"})
        assert response.status_code == 422 and "該当箇所の選択が正しくありません" in response.get_data(as_text=True)
    assert _cached_options.cache_info().currsize <= 2  # the section list and the attribute list
    assert stored_counts() == (0, 0, 0)
