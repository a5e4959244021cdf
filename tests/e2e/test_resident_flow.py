"""A resident reads the draft and sends a comment in a real browser, on a phone and on a PC."""

import re

import pytest
from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import Comment, Submission

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests and says why
    expect = None

pytestmark = pytest.mark.browser

SECTION = "3.1.3"
# A line break and markup, to see the text come back exactly and as plain text.
BODY = "武蔵野プレイスの会議室がなかなか予約できません。\n予約をオンラインでできるようにしてほしいです。<b>急ぎ</b>"


def _press(locator, touch: bool) -> None:
    """Tap on a touch screen, click elsewhere."""
    if touch:
        locator.tap()
    else:
        locator.click()


@pytest.mark.parametrize("device", ["phone", "pc"])
def test_resident_sends_a_comment_from_the_document(device, request, base_url, live_server, assert_accessible,
                                                    screenshot):
    page = request.getfixturevalue(device)
    touch = device == "phone"
    page.goto(base_url + "/")
    assert "への意見募集" in page.locator("h1").inner_text()
    screenshot(page, "index")
    assert_accessible(page)

    _press(page.get_by_role("link", name="案（中間のまとめ）を読む"), touch)
    page.wait_for_url(re.compile(r"/document$"))
    screenshot(page, "document")
    assert_accessible(page)

    section = page.locator(f'[id="section-{SECTION}"]')
    heading = section.locator("h3, h4").first.inner_text()
    _press(section.get_by_role("link", name=re.compile("この箇所について意見を書く")), touch)
    page.wait_for_url(re.compile(rf"/comments/new\?section={re.escape(SECTION)}$"))
    assert page.locator("select#section").input_value() == SECTION
    assert heading in page.locator("select#section option:checked").inner_text()

    counter = page.locator("#body-count")
    assert counter.inner_text() == "0 / 4,000文字"
    page.locator("textarea#body").fill(BODY)
    assert counter.inner_text() == f"{len(BODY)} / 4,000文字"
    page.locator("input#name").fill("武蔵野 花子")
    page.locator("select#attribute").select_option(label="市内在勤")
    page.locator("input#consent").check()
    screenshot(page, "form")
    assert_accessible(page)

    _press(page.get_by_role("button", name="入力内容を確認する"), touch)
    expect(page.locator("h1")).to_have_text("入力内容の確認")
    assert page.locator(".comment-text").inner_text() == BODY
    assert page.locator("dt:text-is('該当箇所') + dd").inner_text().endswith(heading)
    assert page.locator("dt:text-is('区分') + dd").inner_text() == "市内在勤"
    screenshot(page, "confirm")
    assert_accessible(page)

    _press(page.get_by_role("button", name="送信する"), touch)
    page.wait_for_url(re.compile(r"/comments/done$"))
    receipt = page.locator("#receipt-number").inner_text().strip()
    assert "受付番号" in page.locator(".receipt-box").inner_text()
    assert page.locator(".comment-text").inner_text() == BODY
    screenshot(page, "done")
    assert_accessible(page)

    with live_server.app_context():
        submissions = list(db.session.scalars(select(Submission)))
        comments = list(db.session.scalars(select(Comment)))
        assert [s.receipt_number for s in submissions] == [receipt]
        assert len(comments) == 1
        comment = comments[0]
        assert comment.body == BODY
        assert comment.section.code == SECTION
        assert submissions[0].attribute == "市内在勤"
        assert [s.model_version for s in comment.suggestions] == ["test-default"]
        assert set(comment.suggestions[0].scores) == {"1", "2", "3", "4", "other"}
        db.session.remove()


def test_empty_body_shows_the_error_summary_focused(phone, live_server, base_url, assert_accessible, screenshot):
    page = phone
    page.goto(base_url + "/comments/new")
    page.locator("textarea#body").fill("　 \n ")
    page.locator("input#name").fill("武蔵野 花子")
    page.locator("select#attribute").select_option(label="市内在住")
    page.locator("input#consent").check()
    _press(page.get_by_role("button", name="入力内容を確認する"), touch=True)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert summary.get_by_role("heading").inner_text() == "入力内容を確認してください"
    assert summary.get_by_role("link").all_inner_texts() == ["ご意見を入力してください。"]
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#body-error").inner_text() == "ご意見を入力してください。"
    assert page.locator("select#attribute").input_value() == "市内在住"
    assert page.locator("input#consent").is_checked()
    screenshot(page, "error")
    assert_accessible(page)

    _press(summary.get_by_role("link"), touch=True)
    assert page.evaluate("document.activeElement.id") == "body"
    with live_server.app_context():
        assert db.session.scalars(select(Submission)).first() is None
        db.session.remove()
