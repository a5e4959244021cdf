"""Publication safety: masks proposed by the background scan, staff decisions with reasons and audit, manual masks,
the published text."""

from sqlalchemy import select

from comment_portal import background
from comment_portal.extensions import db
from comment_portal.masking import comment_text
from comment_portal.models import AuditEvent, Comment, CommentStatus, Redaction, RedactionStatus, Role, User
from tests.factories import all_rows
from tests.review_factories import add_comment, csrf_from, sign_in

# Staff mask what no detector could know: a shop that names its owner (the scan finds nothing here).
SHOP = "駅前の喫茶ポプラの店主に聞いたら、ポプラの店主も賛成だそうです。"
LETTER = "中町1-2-3に住む山田太郎です。電話0422-11-2233まで。武蔵野プレイスの予約を簡単にしてほしい。"


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


def test_stored_opinions_are_scanned_without_staff_and_a_rescan_adds_nothing(client):
    sign_in(client)
    comment = add_comment(LETTER).id
    excluded = add_comment("山田太郎さんに連絡を 090-1111-2222", status=CommentStatus.EXCLUDED).id
    html = client.get("/review/redactions").get_data(as_text=True)
    assert "<mark>山田太郎</mark>" in html and "電話番号のため" in html
    assert "意見を検査して候補を探す" not in html  # no button: the scan is on the data's path
    found = redactions_of(comment)
    assert [(r.kind, r.original, r.status) for r in found] == [
        ("address", "中町1-2-3", RedactionStatus.PROPOSED), ("name", "山田太郎", RedactionStatus.PROPOSED),
        ("phone", "0422-11-2233", RedactionStatus.PROPOSED)]
    assert all(r.replacement == "〇〇" and r.reason for r in found)
    # Excluded opinions are scanned too: an exclusion can be undone.
    assert [r.original for r in redactions_of(excluded)] == ["山田太郎", "090-1111-2222"]
    assert background.scan_all(rescan=True) == (2, 0)
    assert len(all_rows(Redaction)) == 5
    assert fresh(comment).is_scanned


def test_a_rescan_keeps_decisions_and_withdraws_stale_undecided_proposals(client):
    sign_in(client)
    comment = add_comment(LETTER).id
    address, person, phone = redactions_of(comment)
    decide(client, person.id, "accept")
    stale = Redaction(comment_id=comment, start=0, end=2, original="中町", kind="name", reason="古い検出",
                      status=RedactionStatus.PROPOSED)
    db.session.add(stale)
    db.session.commit()
    assert background.scan_all(rescan=True) == (1, 0)
    db.session.expire_all()
    assert [(r.original, r.status) for r in redactions_of(comment)] == [
        ("中町1-2-3", RedactionStatus.PROPOSED), ("山田太郎", RedactionStatus.ACCEPTED),
        ("0422-11-2233", RedactionStatus.PROPOSED)]


def test_accept_and_reject_are_audited_and_shape_the_comment_text(client):
    sign_in(client)
    user = user_id("tanto")
    comment = add_comment(LETTER).id
    address, person, phone = (r.id for r in redactions_of(comment))
    assert "伏せることにしました" in decide(client, person, "accept").get_data(as_text=True)
    decide(client, phone, "accept")
    page = decide(client, address, "reject", note="町名と番地だけでは個人を特定できないため")
    assert "伏せずに公表します" in page.get_data(as_text=True)
    db.session.expire_all()
    expected = "中町1-2-3に住む〇〇です。電話〇〇まで。武蔵野プレイスの予約を簡単にしてほしい。"
    assert comment_text(fresh(comment)) == expected
    rejected = db.session.get(Redaction, address)
    assert rejected.status is RedactionStatus.REJECTED
    assert rejected.reason and rejected.decided_by_id == user
    events = [e for e in all_rows(AuditEvent) if e.target_type == "redaction" and e.target_id == address]
    assert events[0].action == "redaction.reject" and events[0].before["status"] == "proposed"
    assert events[0].after["note"] == "町名と番地だけでは個人を特定できないため"
    assert fresh(comment).body == LETTER  # the resident's words are never changed


def test_a_bad_decision_changes_nothing_and_says_so(client):
    sign_in(client)
    comment = add_comment(LETTER).id
    first = redactions_of(comment)[0].id
    page = decide(client, first, "maybe")
    assert "「伏せる」か「伏せない」を選んでください。" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Redaction, first).status is RedactionStatus.PROPOSED
    assert client.post("/review/redactions/99999", data={"csrf_token": csrf_from(client, "/review/redactions"),
                                                          "decision": "accept"}).status_code == 404


def test_manual_mask_of_a_selected_range_masks_only_that_range(client):
    sign_in(client)
    comment = add_comment(SHOP).id
    url = f"/review/redactions/comments/{comment}"
    wrong = client.post(url, data={"csrf_token": csrf_from(client, url), "text": "ポプラ", "start": "6", "end": "9",
                                   "reason": "第三者の氏名のため"})
    assert "選んだ範囲と文字列が一致しません" in wrong.get_data(as_text=True)
    page = client.post(url, data={"csrf_token": csrf_from(client, url), "text": "ポプラ", "start": "17", "end": "20",
                                  "reason": "店名から店主が分かるため"}, follow_redirects=True)
    assert "1か所を伏せました。" in page.get_data(as_text=True)
    db.session.expire_all()
    assert [(m.start, m.end, m.original) for m in redactions_of(comment)] == [(17, 20, "ポプラ")]
    assert comment_text(fresh(comment)) == "駅前の喫茶ポプラの店主に聞いたら、〇〇の店主も賛成だそうです。"


def test_manual_mask_of_every_occurrence(client):
    sign_in(client)
    user = user_id("tanto")
    comment = add_comment(SHOP).id
    url = f"/review/redactions/comments/{comment}"
    data = {"csrf_token": csrf_from(client, url), "text": "ポプラ", "reason": "店名から店主が分かるため"}
    page = client.post(url, data=data, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "2か所を伏せました。" in html
    assert "駅前の喫茶〇〇の店主に聞いたら、〇〇の店主も賛成だそうです。" in html
    db.session.expire_all()
    masks = redactions_of(comment)
    assert [(m.kind, m.status, m.reason, m.decided_by_id) for m in masks] == [
        ("manual", RedactionStatus.ACCEPTED, "店名から店主が分かるため", user)] * 2
    decisions = [e.action for e in all_rows(AuditEvent) if e.action != "personal_data.view"]
    assert decisions == ["redaction.accept", "redaction.accept"]


def test_manual_mask_needs_a_reason_and_text_that_is_in_the_opinion(client):
    sign_in(client)
    comment = add_comment(SHOP).id
    url = f"/review/redactions/comments/{comment}"
    no_reason = client.post(url, data={"csrf_token": csrf_from(client, url), "text": "ポプラ", "reason": ""})
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
