"""Paper, fax, e-mail and counter entries: fields, the 必着 rule on the received date, receipt, audit."""

from datetime import timedelta

import pytest

from comment_portal.consultations import current_consultation, set_period
from comment_portal.extensions import db
from comment_portal.models import Channel, Comment, Role, Submission, User
from comment_portal.timeutil import tokyo_today
from tests.answers_factories import events, signed_in
from tests.factories import all_rows, hidden_value, stored_counts

ENTRY = {
    "channel": "post",
    "body": "市民活動の補助金の手続きを簡単にしてほしい。書類が多すぎます。",
    "section": "3.1.3",
    "name": "吉祥寺 一郎",
    "attribute": "市内在住",
    "email": "",
}


@pytest.fixture
def staff(app):
    return signed_in(app, Role.STAFF)


def post_entry(client, **changes):
    page = client.get("/review/paper/new").get_data(as_text=True)
    data = {**ENTRY, "csrf_token": hidden_value(page, "csrf_token"),
            "submission_token": hidden_value(page, "submission_token"),
            "received_on": hidden_value(page, "received_on"), **changes}
    return client.post("/review/paper/new", data={k: v for k, v in data.items() if v is not None})


def test_form_defaults_to_today_and_offers_the_channels(staff):
    page = staff.get("/review/paper/new").get_data(as_text=True)
    assert f'value="{tokyo_today().isoformat()}"' in page
    for label in ("郵送", "FAX", "メール", "窓口持参"):
        assert label in page
    assert "同意の有無は記録しません" in page and "公表の方法について同意します" not in page


def test_entry_stores_submission_comment_suggestion_and_audit(staff):
    response = post_entry(staff, channel="fax")
    assert response.status_code == 303
    [submission] = all_rows(Submission)
    assert submission.channel is Channel.FAX and submission.received_on == tokyo_today()
    assert db.session.get(User, submission.entered_by_id).login == "staff" and submission.consent is False
    assert submission.original_text == ENTRY["body"] and submission.name == ENTRY["name"]
    [comment] = submission.comments
    assert (comment.body, comment.source_start, comment.source_end) == (ENTRY["body"], 0, len(ENTRY["body"]))
    assert comment.section.code == "3.1.3" and comment.suggestions and comment.suggested_policy
    [event] = events("submission.enter")
    assert event.target_id == submission.id and event.after["receipt_number"] == submission.receipt_number
    assert ENTRY["name"] not in str(event.after)  # no personal data in the audit trail
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "意見を登録しました" in page and submission.receipt_number in page and "FAX" in page


def test_double_submit_stores_once(staff):
    page = staff.get("/review/paper/new").get_data(as_text=True)
    data = {**ENTRY, "csrf_token": hidden_value(page, "csrf_token"),
            "submission_token": hidden_value(page, "submission_token"), "received_on": tokyo_today().isoformat()}
    first = staff.post("/review/paper/new", data=data)
    second = staff.post("/review/paper/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert stored_counts()[:2] == (1, 1)


def test_last_day_is_accepted_and_the_next_day_refused(staff):
    today = tokyo_today()
    set_period(current_consultation(), today - timedelta(days=20), today - timedelta(days=3))
    last_day = today - timedelta(days=3)
    assert post_entry(staff, received_on=last_day.isoformat()).status_code == 303
    response = post_entry(staff, received_on=(last_day + timedelta(days=1)).isoformat())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "が締切日を過ぎています" in page and "消印にかかわらず受け付けられません" in page
    assert stored_counts()[:2] == (1, 1)


def test_first_day_is_accepted_and_the_day_before_refused(staff):
    today = tokyo_today()
    first_day = today - timedelta(days=5)
    set_period(current_consultation(), first_day, today + timedelta(days=5))
    response = post_entry(staff, received_on=(first_day - timedelta(days=1)).isoformat())
    assert response.status_code == 422 and "募集期間の開始前です" in response.get_data(as_text=True)
    assert post_entry(staff, received_on=first_day.isoformat()).status_code == 303
    assert stored_counts()[:2] == (1, 1)


def test_future_date_is_refused(staff):
    response = post_entry(staff, received_on=(tokyo_today() + timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "今日より後の日付です" in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)


@pytest.mark.parametrize(("changes", "message"), [
    ({"received_on": "あした"}, "受付日を「2026-11-05」の形で入力してください。"),
    ({"channel": "web"}, "受付方法（郵送・FAX・メール・窓口持参）を選んでください。"),
    ({"channel": None}, "受付方法（郵送・FAX・メール・窓口持参）を選んでください。"),
    ({"body": "   "}, "ご意見を入力してください。"),
    ({"name": ""}, "氏名を入力してください。"),
    ({"attribute": "宇宙"}, "区分を一覧から選んでください。"),
    ({"email": "not-an-address"}, "メールアドレスの形式が正しくありません"),
    ({"body": "制御\x07文字"}, "使用できない文字"),
])
def test_invalid_entries_are_refused_with_the_web_forms_messages(staff, changes, message):
    response = post_entry(staff, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0) and not events("submission.enter")


def test_japanese_date_forms_are_understood(staff):
    day = tokyo_today()
    wide = f"{day.year}年{day.month}月{day.day}日".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert post_entry(staff, received_on=wide).status_code == 303
    assert db.session.scalar(db.select(Submission.received_on)) == day


def test_entered_letter_can_be_split_like_any_other(staff):
    response = post_entry(staff)
    submission = all_rows(Submission)[0]
    assert submission.receipt_number in response.headers["Location"]
    page = staff.get(f"/review/submissions/{submission.id}/split").get_data(as_text=True)
    assert ENTRY["body"] in page
    assert len(all_rows(Comment)) == 1


def test_paper_entry_needs_staff(app):
    committee = signed_in(app, Role.COMMITTEE)
    assert committee.get("/review/paper/new").status_code == 403
    assert app.test_client().get("/review/paper/new").status_code == 302
