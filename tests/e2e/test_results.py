"""A resident finds the published results from the home page and looks up their receipt on a phone."""

import re

import pytest
from sqlalchemy import select

from comment_portal.answers import publishing
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import CommentStatus, Outcome, Role, User
from tests.factories import create_user
from tests.publication_factories import answer
from tests.review_factories import add_comment

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests and says why
    expect = None

pytestmark = pytest.mark.browser
NAME, EMAIL = "検索 花子", "kensaku.hanako@example.jp"


def _publish(app) -> str:
    """Two answered opinions from two people, published; returns the second person's receipt number."""
    with app.app_context():
        staff = create_user("tanto", Role.STAFF)
        approver = create_user("kakaricho", Role.APPROVER)
        first = add_comment("ボランティア募集の情報をSNSでも発信してほしい。", confirmed="1", section="4.1.2",
                            status=CommentStatus.CONFIRMED, name="別人 太郎")
        mine = add_comment("武蔵野プレイスの会議室をオンラインで予約できるようにしてください。", confirmed="3",
                           section="3.1.3", status=CommentStatus.CONFIRMED, name=NAME)
        mine.submission.email = EMAIL
        db.session.commit()
        answer([first], staff, "SNSでの情報発信の充実", "団体の情報発信を支援します。", Outcome.ALREADY, approver)
        answer([mine], staff, "会議室のオンライン予約", "予約システムの導入を検討します。", Outcome.REFLECT, approver)
        publishing.publish(current_consultation(), db.session.scalar(select(User).filter_by(login="kakaricho")))
        db.session.commit()
        receipt = mine.submission.receipt_number
        db.session.remove()
    return receipt


def test_resident_looks_up_a_receipt_on_a_phone(live_server, base_url, phone, assert_accessible, screenshot):
    receipt = _publish(live_server)
    page = phone
    page.goto(base_url + "/")
    page.get_by_role("link", name=re.compile("意見募集の結果")).tap()
    page.wait_for_url(re.compile(r"/results$"))
    assert "意見の概要と市の考え方" in page.locator("h1").inner_text()
    screenshot(page, "results")
    assert_accessible(page)

    typed = receipt.lower().replace("-", "")
    page.get_by_label("受付番号").fill(typed)
    page.get_by_role("button", name="探す", exact=True).tap()
    page.wait_for_url(re.compile(rf"/results\?receipt={typed}"))
    result = page.locator("#lookup-result")
    expect(result).to_contain_text(f"受付番号 {receipt} の検索結果")
    expect(result).to_contain_text("あなたのご意見は、表の次の1項目に含まれています。")
    screenshot(page, "lookup")
    assert_accessible(page)

    result.get_by_role("link", name="No.2").tap()
    row = page.locator("#row-2")
    expect(row).to_be_in_viewport()
    expect(row).to_have_class("mine")
    expect(row).to_contain_text("あなたのご意見")
    expect(page.locator("#row-1")).not_to_contain_text("あなたのご意見")
    screenshot(page, "my-row")
    html = page.content()
    assert NAME not in html and EMAIL not in html and "別人" not in html

    page.get_by_label("受付番号").fill("abc")
    page.get_by_role("button", name="探す", exact=True).tap()
    page.wait_for_url(re.compile(r"receipt=abc"))
    expect(page.locator("#receipt-error")).to_contain_text("英字と数字の8文字で入力してください")
    screenshot(page, "malformed")
    assert_accessible(page)


def test_results_page_is_accessible_on_a_pc(live_server, base_url, pc, assert_accessible, screenshot):
    receipt = _publish(live_server)
    pc.goto(f"{base_url}/results?receipt={receipt}")
    expect(pc.locator("#row-2")).to_have_class("mine")
    screenshot(pc, "results-pc")
    assert_accessible(pc)
    pc.goto(base_url + "/results?receipt=ZZZZ-ZZZY")
    expect(pc.locator("#lookup-result")).to_contain_text("この受付番号は見つかりませんでした。")
    assert_accessible(pc)
