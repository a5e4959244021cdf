"""Browser: staff split a letter by selecting text (code-point offsets, also past an emoji); pages pass axe."""

from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import Comment, Role
from tests.answers_factories import create_submission
from tests.factories import create_user

TEXT = "はじめに🌸ごあいさつ。会議室を増やしてください。\n講座を平日夜にも開いてください。"


def _sign_in(page, base_url, login_name):
    page.goto(f"{base_url}/auth/login")
    page.fill("#login", login_name)
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")


def _select(page, start_utf16: int, end_utf16: int) -> None:
    page.evaluate("""([s, e]) => { const n = document.getElementById('original').firstChild;
        const r = document.createRange(); r.setStart(n, s); r.setEnd(n, e);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r); }""", [start_utf16, end_utf16])


def test_staff_split_a_letter_by_selecting_text(pc, live_server, base_url, assert_accessible, screenshot):
    with live_server.app_context():
        create_user("tanto", Role.STAFF)
        submission = create_submission(TEXT, suggest=False)
        submission_id, receipt = submission.id, submission.receipt_number
        db.session.remove()
    _sign_in(pc, base_url, "tanto")
    pc.goto(f"{base_url}/review/submissions/{submission_id}/split")
    assert_accessible(pc)
    first, second = TEXT.index("会議室"), TEXT.index("講座")
    utf16 = len(TEXT[:first].encode("utf-16-le")) // 2  # the emoji is two UTF-16 units
    _select(pc, utf16, utf16 + (second - first))
    rows = pc.locator("[data-piece-row]")
    rows.nth(0).get_by_role("button", name="1行目に選択範囲を入れる").click()
    assert pc.input_value("#pieces-0-start") == str(first) and pc.input_value("#pieces-0-end") == str(second)
    assert rows.nth(0).locator("[data-preview]").text_content() == TEXT[first:second]
    pc.fill("#pieces-1-start", str(second))
    pc.fill("#pieces-1-end", str(len(TEXT)))
    screenshot(pc, "filled")
    pc.get_by_role("button", name="この範囲で保存する").click()
    pc.wait_for_url(f"**/review/receipts/{receipt}")
    assert "2件の意見に分けて保存しました" in pc.inner_text("main")
    assert_accessible(pc)
    screenshot(pc, "receipt")
    with live_server.app_context():
        stored = list(db.session.scalars(select(Comment).order_by(Comment.id)))
        assert [c.body for c in stored] == [TEXT[first:second], TEXT[second:]]
        db.session.remove()
