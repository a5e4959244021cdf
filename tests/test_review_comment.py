"""The comment view: the resident's words, the suggestion, decisions with audit, the next comment."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import (
    AuditEvent,
    Comment,
    CommentStatus,
    ExclusionReason,
    Role,
    Submission,
    Suggestion,
)
from comment_portal.review.display import highlight
from tests.factories import all_rows, submit_comment
from tests.review_factories import add_comment, csrf_from, sign_in


def decisions_audited() -> list[AuditEvent]:
    """Audit events of decisions (a page view that shows a resident's name is audited too: left out here)."""
    return [e for e in all_rows(AuditEvent) if e.action != "personal_data.view"]


@pytest.fixture
def staff(client):
    return sign_in(client)


def page_of(client, comment_id: int, query: str = "") -> str:
    response = client.get(f"/review/comments/{comment_id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def decide(client, comment_id: int, query: str = "", **data):
    token = csrf_from(client, f"/review/comments/{comment_id}{query}")
    return client.post(f"/review/comments/{comment_id}/decision{query}", data={"csrf_token": token, **data})


def suggestion_rows() -> list[tuple]:
    return [(s.id, s.comment_id, s.policy_code, s.probability, s.model_version) for s in all_rows(Suggestion)]


def test_anonymous_goes_to_login_and_committee_is_refused(client):
    comment_id = add_comment("意見").id
    for url in (f"/review/comments/{comment_id}",):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    sign_in(client, Role.COMMITTEE, "iin")
    assert client.get(f"/review/comments/{comment_id}").status_code == 403
    token = csrf_from(client, "/auth/account")
    for action in ("decision", "memo"):
        data = {"csrf_token": token, "action": "offtopic"}
        assert client.post(f"/review/comments/{comment_id}/{action}", data=data).status_code == 403
    assert db.session.get(Comment, comment_id).status is CommentStatus.UNREVIEWED


def test_highlighting_escapes_the_text_and_marks_only_terms():
    text = "<script>alert('x')</script> 会議室の予約。<b>会議室</b>"
    html = str(highlight(text, ["会議室", "<b>", ""]))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<mark>会議室</mark>") == 2
    assert "<mark>&lt;b&gt;</mark>" in html
    assert str(highlight("予約のよ", ["予約", "予"])) == "<mark>予約</mark>のよ"  # the longer term wins


def test_comment_page_shows_words_scores_suggestions_and_personal_data(client, staff):
    comment = add_comment("<script>alert(1)</script>武蔵野プレイスの会議室が足りません", policy="3", probability=0.45,
                          confident=False, terms=("会議室",), section="4.3", name="吉祥寺 花子")
    comment.suggestions.append(Suggestion(model_version="retrain-2", policy_code="4", probability=0.7,
                                          scores={"4": 0.7, "3": 0.3}, confident=True, terms=[]))
    db.session.commit()
    html = page_of(client, comment.id)
    # Escaped, and highlighted by the latest suggestion's terms (here none).
    assert "<script>alert(1)" not in html and "<mark>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;武蔵野プレイスの会議室が足りません" in html
    for text in ("受付時の提案", "基本施策3 45%", "test-default", "最新の提案", "基本施策4 70%", "retrain-2",
                 "吉祥寺 花子", "taro@example.jp", "市内在住", "基本施策3 市民活動の基盤の整備", "キーボード操作"):
        assert text in html, text
    assert len(re.findall(r"<meter ", html)) == 5
    assert 'style="' not in html and "<script>" not in html.replace('<script src="/static/js/review.js" defer>', "")


def test_the_real_classifier_suggestion_is_highlighted_and_confirmed(client, staff):
    assert submit_comment(client).status_code == 303
    comment = all_rows(Comment)[0]
    suggestion = comment.latest_suggestion
    assert suggestion.terms
    html = page_of(client, comment.id)
    assert f"<mark>{suggestion.terms[0]}</mark>" in html
    before = suggestion_rows()
    response = decide(client, comment.id, action="suggestion")
    assert response.status_code == 303
    stored = db.session.get(Comment, comment.id)
    assert (stored.status, stored.confirmed_policy) == (CommentStatus.CONFIRMED, suggestion.policy_code)
    assert suggestion_rows() == before  # the intake suggestion is never overwritten


def test_confirm_another_policy_with_secondary_policies_is_audited(client, staff):
    comment_id = add_comment("講座と会議室の両方について", policy="3").id
    before = suggestion_rows()
    response = decide(client, comment_id, action="confirm", policy="1", secondary=["3", "1", "other"])
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"#{comment_id} を「基本施策1」で確定しました" in page
    stored = db.session.get(Comment, comment_id)
    assert (stored.confirmed_policy, stored.secondary_policies) == ("1", ["3", "other"])
    assert stored.suggested_policy == "3" and suggestion_rows() == before
    event = decisions_audited()[-1]
    assert event.action == "comment.confirm" and event.target_id == comment_id
    assert event.before["status"] == "unreviewed" and event.before["confirmed_policy"] is None
    assert event.after == {**event.before, "status": "confirmed", "confirmed_policy": "1",
                           "secondary_policies": ["3", "other"]}


@pytest.mark.parametrize(("action", "reason", "message"), [
    ("offtopic", ExclusionReason.OFFTOPIC, "対象外（対象外）にしました"),
    ("spam", ExclusionReason.SPAM, "対象外（スパム）にしました"),
])
def test_off_topic_and_spam_exclude_but_keep_the_comment(client, staff, action, reason, message):
    comment_id = add_comment("宣伝です", policy="other").id
    response = decide(client, comment_id, action=action)
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    stored = db.session.get(Comment, comment_id)
    assert (stored.status, stored.exclusion_reason) == (CommentStatus.EXCLUDED, reason)
    event = decisions_audited()[-1]
    assert (event.action, event.before["status"], event.after["exclusion_reason"]) == \
        ("comment.exclude", "unreviewed", reason.value)


def test_duplicate_link_never_deletes_and_can_be_removed(client, staff):
    original = add_comment("コミセンの開館時間を延ばしてください").id
    copy = add_comment("コミセンの開館時間を延ばしてください").id
    response = decide(client, copy, duplicate_of=f"＃{original}", action="duplicate")
    assert urlsplit(response.headers["Location"]).path == f"/review/comments/{copy}"  # stays to classify it
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"#{copy} を #{original} と同じ内容として記録しました" in page
    assert db.session.get(Comment, copy).duplicate_of_id == original
    assert len(all_rows(Comment)) == 2 and len(all_rows(Submission)) == 2
    assert f"#{copy}</a>" in page_of(client, original)  # the original lists its copies
    decide(client, copy, action="unlink")
    assert db.session.get(Comment, copy).duplicate_of_id is None and len(all_rows(Comment)) == 2
    assert [e.action for e in decisions_audited()] == ["comment.duplicate", "comment.duplicate"]


@pytest.mark.parametrize(("data", "message"), [
    ({"action": "duplicate", "duplicate_of": "abc"}, "同じ内容の意見の番号（#の後の数字）を入力してください"),
    ({"action": "duplicate", "duplicate_of": "9999"}, "番号 9999 の意見は見つかりません"),
    ({"action": "confirm"}, "確定する基本施策を選んでください"),
    ({"action": "confirm", "policy": "7"}, "基本施策の選択が正しくありません"),
    ({"action": "confirm", "policy": "1", "secondary": ["x"]}, "基本施策の選択が正しくありません"),
    ({"action": "erase"}, "操作を選んでください"),
])
def test_bad_decisions_are_refused_in_japanese_and_change_nothing(client, staff, data, message):
    comment_id = add_comment("意見", policy="2").id
    response = decide(client, comment_id, "?status=unreviewed", **data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/review/comments/{comment_id}?status=unreviewed")
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    stored = db.session.get(Comment, comment_id)
    assert (stored.status, stored.duplicate_of_id) == (CommentStatus.UNREVIEWED, None)
    assert decisions_audited() == []


def test_confirming_the_suggestion_of_an_unclassified_comment_is_refused(client, staff):
    comment_id = add_comment("分類できなかった意見", policy=None).id
    assert 'id="confirm-suggestion" disabled' in page_of(client, comment_id).replace("\n", "")
    response = decide(client, comment_id, action="suggestion")
    assert "この意見には分類の提案がありません" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Comment, comment_id).status is CommentStatus.UNREVIEWED


def test_reopen_returns_to_unreviewed_with_audit(client, staff):
    comment_id = add_comment("意見", policy="2", status=CommentStatus.CONFIRMED, confirmed="2").id
    assert "確認に戻す" in page_of(client, comment_id)
    response = decide(client, comment_id, action="reopen")
    assert urlsplit(response.headers["Location"]).path == f"/review/comments/{comment_id}"
    stored = db.session.get(Comment, comment_id)
    assert (stored.status, stored.confirmed_policy) == (CommentStatus.UNREVIEWED, None)
    event = decisions_audited()[-1]
    assert (event.action, event.before["confirmed_policy"]) == ("comment.reopen", "2")
    assert event.after["status"] == "unreviewed"


def test_memo_is_saved_audited_and_checked(client, staff):
    comment_id = add_comment("意見").id
    token = csrf_from(client, f"/review/comments/{comment_id}")
    url = f"/review/comments/{comment_id}/memo"
    response = client.post(url, data={"csrf_token": token, "memo": " 電話で確認済み "})
    assert "内部メモを保存しました" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Comment, comment_id).memo == "電話で確認済み"
    assert decisions_audited()[-1].after["memo"] == "電話で確認済み"
    too_long = client.post(url, data={"csrf_token": token, "memo": "あ" * 2001})
    assert too_long.status_code == 422
    assert "内部メモは2,000文字以内で入力してください" in too_long.get_data(as_text=True)
    assert db.session.get(Comment, comment_id).memo == "電話で確認済み"


def test_after_each_decision_the_next_comment_in_queue_order_opens(client, staff):
    low = add_comment("一", probability=0.3).id
    middle = add_comment("二", probability=0.5).id
    high = add_comment("三", probability=0.8).id
    add_comment("対象外", probability=0.1, policy="2", status=CommentStatus.EXCLUDED)
    query = "?status=unreviewed&sort=uncertain"
    html = page_of(client, middle, "?status=unreviewed")
    assert f'href="/review/comments/{low}?status=unreviewed" rel="prev"' in html
    assert f'href="/review/comments/{high}?status=unreviewed" rel="next"' in html
    response = decide(client, low, query, action="confirm", policy="1")
    assert response.headers["Location"].endswith(f"/review/comments/{middle}?status=unreviewed")
    response = decide(client, middle, "?status=unreviewed", action="offtopic")
    assert response.headers["Location"].endswith(f"/review/comments/{high}?status=unreviewed")
    response = decide(client, high, "?status=unreviewed", action="suggestion")
    assert urlsplit(response.headers["Location"]).path == "/review"
    assert "次の意見はありません" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_next_follows_the_chosen_sort_and_filters(client, staff):
    first = add_comment("会議室A", policy="3", probability=0.9).id
    add_comment("講座", policy="1", probability=0.1)
    second = add_comment("会議室B", policy="3", probability=0.2).id
    response = decide(client, second, "?q=会議室&sort=date_asc", action="suggestion")
    assert urlsplit(response.headers["Location"]).path == "/review"  # the last one in that order
    response = decide(client, first, "?q=会議室&sort=date_asc", action="suggestion")
    target = urlsplit(response.headers["Location"])
    assert target.path == f"/review/comments/{second}"  # the keyword skips 講座
    assert parse_qs(target.query) == {"q": ["会議室"], "sort": ["date_asc"]}
    assert db.session.scalar(select(Comment.status).where(Comment.id == first)) is CommentStatus.CONFIRMED
