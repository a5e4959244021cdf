"""The staff queue at /review: columns, filters, sort orders, pagination, bulk actions, access."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import AuditEvent, Channel, Comment, CommentStatus, ExclusionReason, Role
from comment_portal.timeutil import tokyo_today
from tests.factories import all_rows
from tests.review_factories import add_comment, csrf_from, sign_in


def decisions_audited() -> list[AuditEvent]:
    """Audit events of decisions (each queue page shown is audited too, as a view of residents' words)."""
    return [e for e in all_rows(AuditEvent) if e.action != "personal_data.view"]

def listed_ids(html: str) -> list[int]:
    """Comment numbers in the order the queue lists them."""
    return [int(n) for n in re.findall(r'class="comment-number">#(\d+)<', html)]


def queue(client, query: str = "") -> str:
    response = client.get("/review" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def staff(client):
    return sign_in(client)


def test_anonymous_is_sent_to_login_and_committee_is_refused(client):
    response = client.get("/review?status=unreviewed")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post("/review/bulk").status_code in (302, 400)
    sign_in(client, Role.COMMITTEE, "iin")
    assert client.get("/review").status_code == 403
    assert "このページを見る権限がありません" in client.get("/review").get_data(as_text=True)


def test_queue_shows_what_staff_need_to_triage(client, staff):
    first = add_comment("武蔵野プレイスの会議室が予約できません。", policy="3", probability=0.42, confident=False,
                        section="4.3", channel=Channel.POST)
    add_comment("分類できなかった意見です。", policy=None, channel=Channel.FAX)
    add_comment("同じ内容の意見です。", policy="3", probability=0.9, status=CommentStatus.CONFIRMED, confirmed="3")
    copy = add_comment("武蔵野プレイスの会議室が予約できません。", policy="3", probability=0.95)
    copy.duplicate_of_id = first.id
    db.session.commit()
    receipt, received_on, first_id = first.submission.receipt_number, first.submission.received_on, first.id
    html = queue(client)
    assert receipt in html and received_on.strftime("%Y/%m/%d") in html
    for text in ("郵送", "FAX", "基本施策3 市民活動の基盤の整備", "武蔵野プレイスの会議室が予約できません。",
                 "42%", "要確認", "未分類", "未確認", "確認済", f"#{first_id} と同じ内容", "4件中 1〜4件目を表示"):
        assert text in html, text
    assert html.count("要確認") == 1  # confident suggestions carry no badge


def test_default_order_is_least_certain_first_unreviewed_before_reviewed(client, staff):
    sure = add_comment("a", probability=0.9).id
    unsure = add_comment("b", probability=0.3).id
    done = add_comment("c", probability=0.1, status=CommentStatus.CONFIRMED, confirmed="1").id
    unclassified = add_comment("d", policy=None).id
    middle = add_comment("e", probability=0.5).id
    assert listed_ids(queue(client)) == [unclassified, unsure, middle, sure, done]


def test_sort_by_date_and_by_policy(client, staff):
    today = tokyo_today()
    old = add_comment("古い", policy="2", received_on=today - timedelta(days=5)).id
    new = add_comment("新しい", policy="1", received_on=today).id
    other = add_comment("その他", policy="other", received_on=today - timedelta(days=1)).id
    assert listed_ids(queue(client, "?sort=date")) == [new, other, old]
    assert listed_ids(queue(client, "?sort=date_asc")) == [old, other, new]
    assert listed_ids(queue(client, "?sort=policy")) == [new, old, other]


def test_filters_by_status_policy_section_attribute_channel_dates_and_text(client, staff):
    today = tokyo_today()
    place = add_comment("武蔵野プレイスの会議室を増やして", policy="3", section="4.3", attribute="市内在勤").id
    sub_section = add_comment("講座を増やして", policy="1", section="4.1.1", channel=Channel.EMAIL).id
    confirmed = add_comment("100%賛成です", policy="1", status=CommentStatus.CONFIRMED, confirmed="2",
                            received_on=today - timedelta(days=10)).id
    excluded = add_comment("関係のない話", policy="2", status=CommentStatus.EXCLUDED).id
    assert listed_ids(queue(client, "?status=unreviewed")) == [place, sub_section]
    assert listed_ids(queue(client, "?status=excluded")) == [excluded]
    # Either: confirmed policy when confirmed, the suggestion while unreviewed.
    assert set(listed_ids(queue(client, "?policy=1"))) == {sub_section}
    assert set(listed_ids(queue(client, "?policy=1&policy_source=suggested"))) == {sub_section, confirmed}
    assert set(listed_ids(queue(client, "?policy=2&policy_source=confirmed"))) == {confirmed}
    assert set(listed_ids(queue(client, "?section=4.1"))) == {sub_section}  # subsections included
    assert set(listed_ids(queue(client, "?attribute=市内在勤"))) == {place}
    assert set(listed_ids(queue(client, "?channel=email"))) == {sub_section}
    earlier, later = (today - timedelta(days=11)).isoformat(), (today - timedelta(days=9)).isoformat()
    assert set(listed_ids(queue(client, f"?from={earlier}&to={later}"))) == {confirmed}
    assert set(listed_ids(queue(client, "?q=会議室"))) == {place}
    assert set(listed_ids(queue(client, "?q=100%25"))) == {confirmed}  # '%' is a character, not a wildcard
    assert listed_ids(queue(client, "?q=1%25成")) == []  # would match if % were a wildcard


def test_text_search_also_finds_a_receipt_number_as_people_type_it(client, staff):
    comment = add_comment("郵送で届いた意見")
    add_comment("別の意見")
    typed = comment.submission.receipt_number.lower().replace("-", " ")
    assert listed_ids(queue(client, f"?q={typed}")) == [comment.id]


def test_bad_filter_values_are_ignored_with_a_notice(client, staff):
    shown = add_comment("ふつうの意見").id
    html = queue(client, "?status=bogus&policy=9&channel=phone&from=2026-13-45&sort=random&page=abc&section=9.9")
    assert listed_ids(html) == [shown]
    for label in ("状態", "基本施策", "提出方法", "期間（開始）", "並び順", "該当箇所"):
        assert f"「{label}」の指定が正しくないため" in html
    assert "ページ番号が正しくないため" in html
    swapped = queue(client, f"?from={tokyo_today().isoformat()}&to=2000-01-01")
    assert "入れ替えて表示しています" in swapped and listed_ids(swapped) == [shown]


def test_pagination_fifty_a_page_and_a_page_past_the_end(client, staff):
    for i in range(120):
        add_comment(f"意見{i}", probability=0.2 + i / 1000)
    first, third = queue(client), queue(client, "?page=3")
    assert len(listed_ids(first)) == 50 and len(listed_ids(third)) == 20
    assert "120件中 101〜120件目を表示" in third
    assert not set(listed_ids(first)) & set(listed_ids(third))
    past = queue(client, "?page=9")
    assert "9ページはないため、最後のページを表示しています" in past and listed_ids(past) == listed_ids(third)
    assert 'href="/review?page=2"' in first


def test_a_large_queue_is_counted_up_to_a_bound_that_grows_page_by_page(client, staff, monkeypatch):
    monkeypatch.setattr("comment_portal.review.views.COUNT_STEP", 50)
    for i in range(120):
        add_comment(f"意見{i}", probability=0.2 + i / 1000)
    first, second, third = queue(client), queue(client, "?page=2"), queue(client, "?page=3")
    assert "50件以上のうち 1〜50件目を表示" in first and "件中" not in first
    assert 'href="/review?page=2"' in first and 'href="/review?page=3"' not in first
    assert "100件以上のうち 51〜100件目を表示" in second and 'href="/review?page=3"' in second
    assert "120件中 101〜120件目を表示" in third and len(listed_ids(third)) == 20
    past = queue(client, "?page=9")
    assert "9ページはないため、最後のページを表示しています" in past and listed_ids(past) == listed_ids(third)


def bulk(client, query: str, **data):
    token = csrf_from(client, "/review" + query)
    return client.post("/review/bulk" + query, data={"csrf_token": token, **data})


def test_bulk_confirm_suggestions_keeps_the_filtered_queue_and_audits(client, staff):
    one = add_comment("一つ目", policy="2", probability=0.4).id
    two = add_comment("二つ目", policy="4", probability=0.5).id
    unclassified = add_comment("三つ目", policy=None).id
    untouched = add_comment("触らない", policy="1").id
    response = bulk(client, "?status=unreviewed&sort=date", action="suggestions", ids=[one, two, unclassified])
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == "/review" and parse_qs(target.query) == {"status": ["unreviewed"], "sort": ["date"]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2件を確定しました" in page and "分類の提案がない1件は確定していません" in page
    rows = {c.id: c for c in all_rows(Comment)}
    assert (rows[one].status, rows[one].confirmed_policy) == (CommentStatus.CONFIRMED, "2")
    assert (rows[two].status, rows[two].confirmed_policy) == (CommentStatus.CONFIRMED, "4")
    assert rows[unclassified].status is CommentStatus.UNREVIEWED and rows[untouched].status is CommentStatus.UNREVIEWED
    events = decisions_audited()
    assert [(e.action, e.target_id) for e in events] == [("comment.confirm", one), ("comment.confirm", two)]
    assert events[0].before["status"] == "unreviewed" and events[0].after["confirmed_policy"] == "2"
    assert events[0].user_id == staff


def test_bulk_confirm_with_a_chosen_policy_and_bulk_exclude(client, staff):
    one, two = add_comment("一つ目", policy="2").id, add_comment("二つ目", policy="3").id
    response = bulk(client, "", action="confirm", policy="other", ids=[one, two])
    assert "2件を確定しました（計画全体・その他）" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert {c.confirmed_policy for c in all_rows(Comment)} == {"other"}
    response = bulk(client, "", action="offtopic", ids=[two])
    assert "1件を対象外にしました" in client.get(response.headers["Location"]).get_data(as_text=True)
    excluded = db.session.get(Comment, two)
    assert excluded.status is CommentStatus.EXCLUDED and excluded.exclusion_reason is ExclusionReason.OFFTOPIC
    assert excluded.confirmed_policy is None
    assert [e.action for e in decisions_audited()] == ["comment.confirm", "comment.confirm", "comment.exclude"]


@pytest.mark.parametrize(("data", "message"), [
    ({"action": "suggestions"}, "意見を1件以上選んでください"),
    ({"action": "confirm", "ids": ["1"]}, "確定する基本施策を選んでください"),
    ({"action": "confirm", "policy": "9", "ids": ["1"]}, "基本施策の選択が正しくありません"),
    ({"action": "delete", "ids": ["1"]}, "操作を選んでください"),
    ({"action": "offtopic", "ids": ["abc"]}, "意見を1件以上選んでください"),
])
def test_bulk_refuses_what_it_cannot_do_and_changes_nothing(client, staff, data, message):
    add_comment("一つ目", policy="2")
    response = bulk(client, "?status=unreviewed", **data)
    assert response.status_code == 303
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert all_rows(Comment)[0].status is CommentStatus.UNREVIEWED
    assert decisions_audited() == []


def test_bulk_needs_a_csrf_token(client, staff):
    comment_id = add_comment("一つ目").id
    assert client.post("/review/bulk", data={"action": "offtopic", "ids": [comment_id]}).status_code == 400
    assert db.session.scalar(select(Comment.status)) is CommentStatus.UNREVIEWED


def test_search_shows_the_words_around_the_match_marked_and_escaped(client, staff):
    add_comment("前置き。" * 30 + "<b>会議室</b>を増やして")
    html = queue(client, "?q=会議室")
    assert "&lt;b&gt;<mark>会議室</mark>&lt;/b&gt;を増やして" in html and "<b>" not in html
    assert "…" in html
