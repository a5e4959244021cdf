"""A committee member reads the digest: opens a campaign's variants, follows a key phrase, prints."""

import re

import pytest

from comment_portal.extensions import db
from comment_portal.models import Answer, CommentStatus, Role
from tests.factories import create_user
from tests.review_factories import add_comment

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests and says why
    expect = None

pytestmark = pytest.mark.browser
CAMPAIGN = ("コミュニティセンターの会議室は、これまでどおり無料で利用できるようにしてください。"
            "利用料がかかるようになれば活動を続けられない団体が出てきます。計画にも明記することを求めます。")


def _opinions(app) -> None:
    with app.app_context():
        create_user("iin", Role.COMMITTEE)
        for greeting in ("", "いつもお世話になっております。\n", "市民活動推進課 御中\n"):
            add_comment(greeting + CAMPAIGN, policy="3", section="4.3", name="秘密 太郎",
                        status=CommentStatus.CONFIRMED, confirmed="3")
        summarised = add_comment("ボランティア募集の情報が探しにくいので、まとめて見られるページを作ってほしい。",
                                 policy="1", section="4.1.2")
        summarised.answer = Answer(consultation_id=summarised.consultation_id,
                                   summary="募集情報を一か所にまとめてほしい。")
        add_comment("高校生もボランティアに参加できる機会を増やしてください。", policy="1")
        add_comment("補助金の申請書類を簡単にしてほしいです。", policy="2", status=CommentStatus.CONFIRMED,
                    confirmed="2")
        db.session.commit()
        db.session.remove()


def _sign_in(page, base_url) -> None:
    page.goto(base_url + "/auth/login")
    page.get_by_label("ログインID").fill("iin")
    page.get_by_label("パスワード").fill("correct horse battery")
    page.get_by_role("button", name="ログイン").click()


def test_committee_member_reads_and_prints_the_digest(live_server, base_url, pc, assert_accessible, screenshot):
    _opinions(live_server)
    page = pc
    _sign_in(page, base_url)
    page.get_by_role("link", name="委員会向けまとめ").first.click()
    page.wait_for_url(re.compile(r"/committee$"))
    expect(page.locator("h1")).to_contain_text("委員会向けまとめ")
    expect(page.locator("#totals")).to_contain_text("6件")
    assert "秘密 太郎" not in page.content()
    assert_accessible(page)
    screenshot(page, "digest")

    duplicate = page.locator(".duplicate").first
    expect(duplicate).to_contain_text("同趣旨の意見 3件")
    expect(duplicate.locator("ol.variants")).to_be_hidden()
    duplicate.get_by_text("すべての文面を見る").click()
    expect(duplicate.locator("ol.variants > li")).to_have_count(3)
    expect(duplicate.locator("ol.variants")).to_contain_text("市民活動推進課 御中")
    screenshot(page, "variants-open")

    page.locator("#policy-1").get_by_role("link", name="ボランティア", exact=True).click()
    page.wait_for_url(re.compile(r"phrase="))
    expect(page.locator("h1")).to_contain_text("「ボランティア」を含む意見")
    expect(page.locator(".listing > li")).to_have_count(2)
    expect(page.locator(".staff-summary")).to_contain_text("職員による要約")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("へ戻る")).click()

    page.get_by_role("link", name="印刷用の表示").click()
    page.wait_for_url(re.compile(r"/committee/print$"))
    expect(page.locator("#report-meta")).to_contain_text("職員が分類を確認済み")
    assert_accessible(page)
    screenshot(page, "print")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".duplicate ol.variants").first).to_be_visible()  # printed open
