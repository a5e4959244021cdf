"""Publication safety: proposed masks, staff decisions with reasons and audit, manual masks, the published text."""

from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import AuditEvent, Comment, CommentStatus, Redaction, RedactionStatus, Role, User
from comment_portal.publication.redactions import published_text
from tests.factories import all_rows
from tests.review_factories import add_comment, csrf_from, sign_in

LETTER = "中町1-2-3に住む山田太郎です。電話0422-11-2233まで。武蔵野プレイスの予約を簡単にしてほしい。"


def scan(client):
    token = csrf_from(client, "/review/redactions")
    return client.post("/review/redactions/scan", data={"csrf_token": token}, follow_redirects=True)


def decide(client, redaction_id, decision, note=""):
    token = csrf_from(client, "/review/redactions")
    return client.post(f"/review/redactions/{redaction_id}", data={
        "csrf_token": token, "decision": decision, "note": note, "status": "proposed"}, follow_redirects=True)


def redactions_of(comment_id: int) -> list[Redaction]:
    return list(db.session.scalars(select(Redaction).filter_by(comment_id=comment_id).order_by(Redaction.start)))


def user_id(login: str) -> int:
    return db.session.scalar(select(User.id).filter_by(login=login))


def fresh(comment_id: int) -> Comment:
    """The opinion as stored now (requests run in their own sessions)."""
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def test_scanning_proposes_masks_with_reasons_and_is_idempotent(client):
    sign_in(client)
    comment = add_comment(LETTER).id
    excluded = add_comment("山田太郎さんに連絡を 090-1111-2222", status=CommentStatus.EXCLUDED).id
    page = scan(client)
    html = page.get_data(as_text=True)
    assert "個人情報の候補を3件追加しました。" in html
    assert "<mark>山田太郎</mark>" in html and "電話番号のため" in html and "番地まで書かれた住所のため" in html
    found = redactions_of(comment)
    assert [(r.kind, r.original, r.status) for r in found] == [
        ("address", "中町1-2-3", RedactionStatus.PROPOSED), ("person", "山田太郎", RedactionStatus.PROPOSED),
        ("phone", "0422-11-2233", RedactionStatus.PROPOSED)]
    assert all(r.replacement == "〇〇" and r.reason for r in found)
    assert redactions_of(excluded) == []
    again = scan(client).get_data(as_text=True)
    assert "新しい候補はありませんでした。" in again
    assert len(all_rows(Redaction)) == 3
    assert [e.action for e in all_rows(AuditEvent)] == ["redaction.scan", "redaction.scan"]


def test_accept_and_reject_are_audited_and_shape_the_published_text(client):
    sign_in(client)
    user = user_id("tanto")
    comment = add_comment(LETTER).id
    scan(client)
    address, person, phone = (r.id for r in redactions_of(comment))
    assert "伏せることにしました" in decide(client, person, "accept").get_data(as_text=True)
    decide(client, phone, "accept")
    page = decide(client, address, "reject", note="町名と番地だけでは個人を特定できないため")
    assert "伏せずに公表します" in page.get_data(as_text=True)
    db.session.expire_all()
    expected = "中町1-2-3に住む〇〇です。電話〇〇まで。武蔵野プレイスの予約を簡単にしてほしい。"
    assert published_text(fresh(comment)) == expected
    rejected = db.session.get(Redaction, address)
    assert rejected.status is RedactionStatus.REJECTED
    assert rejected.reason == "番地まで書かれた住所のため" and rejected.decided_by_id == user
    events = [e for e in all_rows(AuditEvent) if e.target_type == "redaction" and e.target_id == address]
    assert events[0].action == "redaction.reject" and events[0].before["status"] == "proposed"
    assert events[0].after["note"] == "町名と番地だけでは個人を特定できないため"
    assert fresh(comment).body == LETTER  # the resident's words are never changed


def test_a_bad_decision_changes_nothing_and_says_so(client):
    sign_in(client)
    comment = add_comment(LETTER).id
    scan(client)
    first = redactions_of(comment)[0].id
    page = decide(client, first, "maybe")
    assert "「伏せる」か「伏せない」を選んでください。" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Redaction, first).status is RedactionStatus.PROPOSED
    assert client.post("/review/redactions/99999", data={"csrf_token": csrf_from(client, "/review/redactions"),
                                                          "decision": "accept"}).status_code == 404


def test_manual_mask_of_a_selected_range_masks_only_that_range(client):
    sign_in(client)
    comment = add_comment("友人の佐々木に聞いたら、佐々木も賛成だそうです。").id
    url = f"/review/redactions/comments/{comment}"
    wrong = client.post(url, data={"csrf_token": csrf_from(client, url), "text": "佐々木", "start": "5", "end": "8",
                                   "reason": "第三者の氏名のため"})
    assert "選んだ範囲と文字列が一致しません" in wrong.get_data(as_text=True)
    page = client.post(url, data={"csrf_token": csrf_from(client, url), "text": "佐々木", "start": "12", "end": "15",
                                  "reason": "第三者の氏名のため"}, follow_redirects=True)
    assert "1か所を伏せました。" in page.get_data(as_text=True)
    db.session.expire_all()
    assert [(m.start, m.end, m.original) for m in redactions_of(comment)] == [(12, 15, "佐々木")]
    assert published_text(fresh(comment)) == "友人の佐々木に聞いたら、〇〇も賛成だそうです。"


def test_manual_mask_of_every_occurrence(client):
    sign_in(client)
    user = user_id("tanto")
    comment = add_comment("友人の佐々木に聞いたら、佐々木も賛成だそうです。").id
    url = f"/review/redactions/comments/{comment}"
    data = {"csrf_token": csrf_from(client, url), "text": "佐々木", "reason": "第三者の氏名のため"}
    page = client.post(url, data=data, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "2か所を伏せました。" in html
    assert "友人の〇〇に聞いたら、〇〇も賛成だそうです。" in html
    db.session.expire_all()
    masks = redactions_of(comment)
    assert [(m.kind, m.status, m.reason, m.decided_by_id) for m in masks] == [
        ("manual", RedactionStatus.ACCEPTED, "第三者の氏名のため", user)] * 2
    assert [e.action for e in all_rows(AuditEvent)] == ["redaction.accept", "redaction.accept"]


def test_manual_mask_needs_a_reason_and_text_that_is_in_the_opinion(client):
    sign_in(client)
    comment = add_comment("友人の佐々木に聞きました。").id
    url = f"/review/redactions/comments/{comment}"
    no_reason = client.post(url, data={"csrf_token": csrf_from(client, url), "text": "佐々木", "reason": ""})
    assert no_reason.status_code == 422
    assert "伏せる理由を入力してください" in no_reason.get_data(as_text=True)
    missing = client.post(url, data={"csrf_token": csrf_from(client, url), "text": "鈴木", "reason": "氏名"})
    assert "「鈴木」は本文の中に見つかりません" in missing.get_data(as_text=True)
    outside = client.post(url, data={"csrf_token": csrf_from(client, url), "start": "5", "end": "500",
                                     "reason": "氏名"})
    assert "本文の外" in outside.get_data(as_text=True)
    garbage = client.post(url, data={"csrf_token": csrf_from(client, url), "start": "x", "end": "y",
                                     "reason": "氏名"})
    assert "伏せる文字列を入力するか" in garbage.get_data(as_text=True)
    assert redactions_of(comment) == []


def test_the_list_filters_by_status_and_opens_a_comment_by_number(client):
    sign_in(client)
    comment = add_comment(LETTER).id
    scan(client)
    decide(client, redactions_of(comment)[0].id, "accept")
    proposed = client.get("/review/redactions").get_data(as_text=True)
    assert "未判断（2件）" in proposed and "伏せる（1件）" in proposed and "すべて（3件）" in proposed
    assert "<mark>中町1-2-3</mark>" not in proposed
    accepted = client.get("/review/redactions?status=accepted").get_data(as_text=True)
    assert "<mark>中町1-2-3</mark>" in accepted
    opened = client.get(f"/review/redactions/open?number=%EF%BC%83{comment}")
    assert opened.status_code == 303 and opened.location.endswith(f"/review/redactions/comments/{comment}")
    lost = client.get("/review/redactions/open?number=abc", follow_redirects=True)
    assert "その番号の意見は見つかりません" in lost.get_data(as_text=True)


def test_committee_members_cannot_see_or_decide(client):
    comment = add_comment(LETTER).id
    sign_in(client, Role.COMMITTEE, "iin")
    assert client.get("/review/redactions").status_code == 403
    assert client.get(f"/review/redactions/comments/{comment}").status_code == 403
