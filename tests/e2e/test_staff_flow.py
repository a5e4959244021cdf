"""Browser: one staff day from the queue to the published table, with the database checked at each step.

A staff member signs in, triages three opinions with the keyboard, splits a letter that makes two
points, writes the answer for one of them and sends it for approval; an approver approves it and
downloads the publication table (.xlsx) and opens its printable page.
"""

import io
import re
import secrets
from contextlib import contextmanager

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import (
    Answer,
    AnswerStatus,
    AuditEvent,
    Comment,
    CommentStatus,
    Outcome,
    Role,
    Submission,
    User,
)
from comment_portal.submissions import CommentInput, submit_web_comment
from tests.factories import create_user

pytestmark = pytest.mark.browser

LETTER = ("いつも丁寧な説明をありがとうございます。コミセンの会議室を平日の夜にも借りやすくしてほしいです。\n"
          "また、活動団体の情報をまとめたウェブサイトを作り、新しく参加したい人が探せるようにしてください。")
ROOM = LETTER[LETTER.index("コミセン"):LETTER.index("\n")]
WEBSITE = LETTER[LETTER.index("また"):]
# Sent through the real intake, so each gets the model's real suggestion. The queue opens the least
# certain first: the letter (two points, so the model hesitates), then these three, then the last.
COMMENTS = {
    "letter": LETTER,
    "support": "団体の会計や広報について気軽に相談できる窓口を、市民活動センターに常設してください。",
    "bicycles": "駅前の放置自転車が多くて歩きにくいです。取り締まりを強めてください。",
    "youth": "若い世代が市民活動に参加するきっかけが少ないと感じます。大学と連携した体験講座を開いてほしいです。",
    "forum": "NPOと企業と市が一緒に地域の課題を話し合う場を、定期的に設けてください。",
}
NAME, EMAIL, IP_HASH = "吉祥寺 一郎", "ichiro@example.jp", "c0ffee" * 10
SUMMARY = "コミセンの会議室を平日の夜にも借りやすくしてほしい。"
RESPONSE = "平日夜間の利用枠を増やす方向で、コミュニティ協議会と調整します。計画に取組として記載します。"
PASSWORD = "correct horse battery"


@contextmanager
def database(app):
    """The live server's database, read in a session of its own (never one the server uses)."""
    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.remove()


def _seed(app) -> dict[str, int]:
    with database(app) as session:
        create_user("tanto", Role.STAFF)
        create_user("kakaricho", Role.APPROVER)
        consultation = current_consultation()
        ids = {}
        for key, body in COMMENTS.items():
            data = CommentInput(body=body, section_code=None, name=NAME, attribute="市内在住", email=EMAIL,
                                consent=True)
            submission = submit_web_comment(consultation, data, secrets.token_hex(16), IP_HASH)
            ids[key] = submission.comment_ids[0]
        assert all(session.get(Comment, i).suggested_policy for i in ids.values())
        return ids


def _sign_in(page, base_url: str, login_name: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.fill("#login", login_name)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def _comment_url(comment_id: int) -> re.Pattern:
    return re.compile(rf"/review/comments/{comment_id}(\?.*)?$")


def _press_and_expect_next(page, key: str, done_message: str) -> int:
    """Press a triage key on a comment and check that the next comment in the queue opens."""
    next_id = int(page.locator("#next-link").get_attribute("href").split("/comments/")[1].split("?")[0])
    page.keyboard.press(key)
    page.wait_for_url(_comment_url(next_id))
    assert done_message in page.locator(".notice").first.inner_text()
    assert page.locator("h1").inner_text().startswith(f"意見 #{next_id}")
    return next_id


def _select_in_original(page, start: int, end: int) -> None:
    """Select part of the original as a mouse would (the letter has no characters beyond the BMP)."""
    page.evaluate("""([s, e]) => { const n = document.getElementById('original').firstChild;
        const r = document.createRange(); r.setStart(n, s); r.setEnd(n, e);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r); }""", [start, end])


def _events(session, action: str, target_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    return list(session.scalars(query))


def test_staff_triage_split_answer_approve_publish(pc, live_server, base_url, assert_accessible, screenshot):
    ids = _seed(live_server)
    staff = _triage(pc, live_server, base_url, ids, assert_accessible, screenshot)
    room_id, website_id = _split_letter(pc, live_server, ids, assert_accessible, screenshot)
    answer_id = _write_answer(pc, live_server, room_id, staff, assert_accessible, screenshot)
    _approve(pc, live_server, base_url, answer_id, assert_accessible, screenshot)
    _publish(pc, live_server, answer_id, website_id, assert_accessible, screenshot)


def _triage(page, app, base_url, ids, assert_accessible, screenshot) -> int:
    _sign_in(page, base_url, "tanto")
    page.wait_for_url(re.compile(r"/review$"))
    assert "5件中 1〜5件目を表示" in page.inner_text("#queue-count")
    assert_accessible(page)
    screenshot(page, "queue")

    page.locator("a.comment-number").first.click()
    page.wait_for_url(_comment_url(ids["letter"]))  # the least certain suggestion comes first
    assert ROOM in page.inner_text(".resident-words")
    assert "まだ書かれていません" in page.inner_text("#answer-box")
    assert_accessible(page)
    screenshot(page, "comment-letter")
    page.keyboard.press("j")  # two points in one letter: leave it for splitting
    page.wait_for_url(_comment_url(ids["support"]))

    assert _press_and_expect_next(page, "2", f"#{ids['support']} を「基本施策2」で確定しました。") == ids["bicycles"]
    assert _press_and_expect_next(page, "x", f"#{ids['bicycles']} を対象外（対象外）にしました。") == ids["youth"]
    with database(app) as session:
        suggested = session.get(Comment, ids["youth"]).suggested_policy
    label = "計画全体・その他" if suggested == "other" else f"基本施策{suggested}"
    done = f"#{ids['youth']} を「{label}」で確定しました。"
    assert _press_and_expect_next(page, "Enter", done) == ids["forum"]
    screenshot(page, "comment-after-triage")

    with database(app) as session:
        staff = session.scalar(select(User.id).filter_by(login="tanto"))
        support, bicycles, youth = (session.get(Comment, ids[k]) for k in ("support", "bicycles", "youth"))
        assert {c.reviewed_by_id for c in (support, bicycles, youth)} == {staff}
        assert (support.status, support.confirmed_policy) == (CommentStatus.CONFIRMED, "2")
        assert (bicycles.status, bicycles.confirmed_policy) == (CommentStatus.EXCLUDED, None)
        assert (youth.status, youth.confirmed_policy) == (CommentStatus.CONFIRMED, suggested)
        assert session.get(Comment, ids["letter"]).status is CommentStatus.UNREVIEWED  # skipped with j
        for key, action in (("support", "comment.confirm"), ("bicycles", "comment.exclude"),
                            ("youth", "comment.confirm")):
            [event] = _events(session, action, ids[key])
            assert event.user_id == staff and event.before["status"] == "unreviewed"
        # People decide, the model suggests: the intake suggestion is still there, unchanged.
        assert support.first_suggestion.model_version == "test-default"
    return staff


def _split_letter(page, app, ids, assert_accessible, screenshot) -> tuple[int, int]:
    page.get_by_role("link", name="一覧に戻る").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert page.locator("tr.status-confirmed").count() == 2 and page.locator("tr.status-excluded").count() == 1
    screenshot(page, "queue-after-triage")
    page.get_by_role("link", name=f"#{ids['letter']}", exact=True).click()
    page.get_by_role("link", name="この投稿を複数の意見に分ける").click()
    page.wait_for_url(re.compile(r"/review/submissions/\d+/split$"))
    assert_accessible(page)

    start, end = LETTER.index(ROOM), LETTER.index(ROOM) + len(ROOM)
    _select_in_original(page, start, end)
    page.locator("[data-piece-row]").nth(0).get_by_role("button", name="1行目に選択範囲を入れる").click()
    assert (page.input_value("#pieces-0-start"), page.input_value("#pieces-0-end")) == (str(start), str(end))
    page.select_option("#pieces-0-section", "3.1.3")
    page.fill("#pieces-1-start", str(LETTER.index(WEBSITE)))
    page.fill("#pieces-1-end", str(len(LETTER)))
    page.select_option("#pieces-1-section", "4.1.2")
    assert page.locator("[data-piece-row]").nth(1).locator("[data-preview]").text_content() == WEBSITE
    screenshot(page, "split")
    page.get_by_role("button", name="この範囲で保存する").click()
    page.wait_for_url(re.compile(r"/review/receipts/[0-9A-Z-]+$"))
    assert "2件の意見に分けて保存しました" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "receipt")

    with database(app) as session:
        submission = session.get(Comment, ids["letter"]).submission
        room, website = submission.comments
        assert room.id == ids["letter"]  # the first opinion keeps its number and its intake suggestion
        assert (room.body, room.section.code, room.status) == (ROOM, "3.1.3", CommentStatus.UNREVIEWED)
        assert (website.body, website.section.code, website.status) == (WEBSITE, "4.1.2", CommentStatus.UNREVIEWED)
        assert (website.source_start, website.source_end) == (LETTER.index(WEBSITE), len(LETTER))
        assert room.first_suggestion.created_at <= room.latest_suggestion.created_at and len(room.suggestions) == 2
        assert website.suggestions, "a new opinion gets its own suggestion"
        [event] = _events(session, "submission.split", submission.id)
        assert [p["comment_id"] for p in event.after["pieces"]] == [room.id, website.id]
        return room.id, website.id


def _write_answer(page, app, room_id, staff, assert_accessible, screenshot) -> int:
    page.get_by_role("link", name=f"#{room_id}", exact=True).click()
    page.wait_for_url(_comment_url(room_id))
    page.get_by_role("link", name="意見の概要と市の考え方を書く").click()
    page.wait_for_url(re.compile(rf"/review/comments/{room_id}/answer$"))
    assert ROOM in page.inner_text(".opinion-text")
    page.fill("#summary", SUMMARY)
    page.fill("#response", RESPONSE)
    page.get_by_label("計画に反映する").check()
    assert_accessible(page)
    screenshot(page, "answer")
    page.get_by_role("button", name="保存して承認に回す").click()
    # The policy is still the model's suggestion: what is published must be a staff decision.
    assert f"意見#{room_id}は、まだ基本施策が確定していません" in page.inner_text("main")
    screenshot(page, "answer-unconfirmed")
    answer_url = page.url
    page.get_by_role("link", name=f"意見#{room_id}の確認画面へ戻る").click()
    page.wait_for_url(_comment_url(room_id))
    # The room part is about places for activities: 基本施策3.
    _press_and_expect_next(page, "3", f"#{room_id} を「基本施策3」で確定しました。")

    page.goto(answer_url)
    page.fill("#summary", SUMMARY)
    page.fill("#response", RESPONSE)
    page.get_by_label("計画に反映する").check()
    page.get_by_role("button", name="保存して承認に回す").click()
    page.wait_for_url(re.compile(rf"/review/comments/{room_id}/answer$"))
    assert "承認に回しました。" in page.inner_text("main")
    page.get_by_role("link", name=f"意見#{room_id}の確認画面へ戻る").click()
    page.wait_for_url(_comment_url(room_id))
    box = page.inner_text("#answer-box")
    assert "承認待ち" in box and "計画に反映する" in box and SUMMARY in box
    screenshot(page, "comment-answer-pending")

    with database(app) as session:
        room = session.get(Comment, room_id)
        assert (room.status, room.confirmed_policy) == (CommentStatus.CONFIRMED, "3")
        answer = room.answer
        assert (answer.status, answer.summary, answer.response, answer.outcome) == (
            AnswerStatus.PENDING, SUMMARY, RESPONSE, Outcome.REFLECT)
        assert answer.written_by_id == staff and [c.id for c in answer.comments] == [room_id]
        assert [e.user_id for e in _events(session, "answer.save", answer.id)] == [staff]
        [submitted] = _events(session, "answer.submit", answer.id)
        assert (submitted.before["status"], submitted.after["status"]) == ("draft", "pending")
        return answer.id


def _approve(page, app, base_url, answer_id, assert_accessible, screenshot) -> None:
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/auth/login"))
    _sign_in(page, base_url, "kakaricho")
    page.wait_for_url(re.compile(r"/review$"))
    page.get_by_role("link", name="回答の承認").click()
    page.wait_for_url(re.compile(r"/review/approvals$"))
    card = page.locator(f"#answer-{answer_id}")
    assert SUMMARY in card.inner_text() and ROOM in card.inner_text()
    assert_accessible(page)
    screenshot(page, "approvals")
    card.get_by_role("button", name=re.compile(rf"^承認する\s*（回答#{answer_id}）$")).click()
    page.wait_for_url(re.compile(r"/review/approvals$"))
    assert f"回答#{answer_id}を承認しました。" in page.inner_text("main")

    with database(app) as session:
        approver = session.scalar(select(User.id).filter_by(login="kakaricho"))
        answer = session.get(Answer, answer_id)
        assert answer.status is AnswerStatus.APPROVED and answer.approved_by_id == approver
        assert answer.approved_at is not None
        [approved] = _events(session, "answer.approve", answer_id)
        assert approved.user_id == approver
        assert (approved.before["status"], approved.after["status"]) == ("pending", "approved")


def _publish(page, app, answer_id, website_id, assert_accessible, screenshot) -> None:
    page.get_by_role("link", name="出力").click()
    page.wait_for_url(re.compile(r"/review/exports$"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excelファイル（.xlsx）").click()
    download = download_info.value
    assert download.suggested_filename.startswith("publication-") and download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as stream:
        sheet = load_workbook(io.BytesIO(stream.read())).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    with database(app) as session:
        section = session.get(Answer, answer_id).comments[0].section.label
        receipts = list(session.scalars(select(Submission.receipt_number)))
    assert rows[3:] == [["基本施策3 市民活動の基盤の整備"], [1, section, SUMMARY, RESPONSE, "計画に反映する", "1件"]]
    text = "\n".join(str(cell) for row in rows for cell in row)
    for personal in (NAME, EMAIL, IP_HASH, "市内在住", *receipts):
        assert personal not in text
    assert WEBSITE not in text  # no approved answer yet: not published

    page.get_by_role("link", name="印刷用のページ（A4横）").click()
    page.wait_for_url(re.compile(r"/review/export/publication$"))
    table = page.inner_text("#publication-table")
    assert SUMMARY in table and RESPONSE in table and NAME not in table
    assert "1件(1人)" in page.inner_text("#counts-line")
    assert_accessible(page)
    screenshot(page, "publication")
    with database(app) as session:
        assert session.get(Comment, website_id).answer is None
        assert session.get(Answer, answer_id).status is AnswerStatus.APPROVED
