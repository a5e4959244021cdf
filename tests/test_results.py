"""Published results at /results: publishing by an approver, the public table, the receipt lookup."""

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from comment_portal.answers import publishing
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import (
    AuditEvent,
    Comment,
    CommentStatus,
    Outcome,
    Role,
    Submission,
    User,
)
from comment_portal.publication import redactions
from tests.conftest import dispose_engines, make_app, reset_database
from tests.factories import all_rows, create_user, login, submit_comment
from tests.publication_factories import answer
from tests.review_factories import add_comment, csrf_from, sign_in

PEOPLE = {"A": ("公開 一郎", "ichiro.kokai@example.jp"), "B": ("秘匿 二葉", "futaba.hitoku@example.jp"),
          "C": ("迷惑 三郎", "saburo.meiwaku@example.jp")}
BODY_A1 = "武蔵野プレイスの会議室の予約をオンラインでできるようにしてください。"
BODY_A2 = "会議室の予約をオンライン化してください。"
BODY_A3 = "コミセンの開館時間を夜まで延ばしてほしい。"
BODY_B = "ボランティアの情報をSNSで発信してほしい。連絡は090-1234-5678の山田太郎まで。"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _submit(app, letter: str, body: str, section: str) -> None:
    """A web submission through the real form (name, e-mail, IP hash stored)."""
    name, email = PEOPLE[letter]
    assert submit_comment(app.test_client(), body=body, section=section, name=name, email=email).status_code == 303


def _submission_of(body: str) -> Submission:
    return db.session.scalar(select(Comment).filter_by(body=body)).submission


@pytest.fixture
def answered(app):
    """A: 3 opinions (2 answered together, 1 with a draft answer); B: 1 answered, phone masked; C: spam."""
    _submit(app, "A", BODY_A1, "3.1.3")
    _submit(app, "B", BODY_B, "")
    staff = create_user("tanto", Role.STAFF)
    approver = create_user("kakaricho", Role.APPROVER)
    a, b = _submission_of(BODY_A1), _submission_of(BODY_B)
    a1, b1 = a.comments[0], b.comments[0]
    a2 = add_comment(BODY_A2, policy="3", confirmed="3", status=CommentStatus.CONFIRMED, submission=a)
    a3 = add_comment(BODY_A3, policy="3", confirmed="3", status=CommentStatus.CONFIRMED, submission=a)
    c1 = add_comment("スパムです", policy="other", status=CommentStatus.EXCLUDED, name=PEOPLE["C"][0])
    c1.submission.email = PEOPLE["C"][1]
    for comment, policy in ((a1, "3"), (b1, "1")):
        comment.status, comment.confirmed_policy = CommentStatus.CONFIRMED, policy
    db.session.commit()
    answer([a1, a2], staff, "会議室の予約のオンライン化を求める意見", "予約システムの導入を検討します。",
           Outcome.REFLECT, approver)
    answer([b1], staff, "", "SNSでの発信を進めます。", Outcome.ALREADY, approver)
    answer([a3], staff, "開館時間の延長", "まだ承認されていない回答", Outcome.OTHER)
    for proposal in list(b1.redactions):  # the scan proposed the phone number and the name: staff accept both
        redactions.accept(proposal, staff)
    db.session.commit()
    return {"a": a.receipt_number, "b": b.receipt_number, "c": c1.submission.receipt_number,
            "ip": a.ip_hash, "approver_id": approver.id}


@pytest.fixture
def published(answered):
    publishing.publish(current_consultation(), db.session.get(User, answered["approver_id"]))
    db.session.commit()
    return answered


def public_page(app, query: str = "") -> str:
    response = app.test_client().get("/results" + query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def assert_nothing_personal(html: str, ip_hash: str | None = None) -> None:
    for name, email in PEOPLE.values():
        assert name not in html and email not in html
        assert name.split()[0] not in html and email.split("@")[0] not in html
    assert "090-1234-5678" not in html
    if ip_hash:
        assert ip_hash not in html


def test_before_publication_the_page_says_the_results_are_not_yet_published(app, answered):
    html = public_page(app)
    assert "意見募集の結果は、まだ公表していません。" in html
    assert "予約システムの導入を検討します。" not in html
    assert 'href="/results"' not in app.test_client().get("/").get_data(as_text=True)


def test_an_approver_sees_what_will_be_published_and_must_confirm(app, answered):
    client = app.test_client()
    assert login(client, "kakaricho").status_code == 302
    page = client.get("/review/approvals").get_data(as_text=True)
    assert "まだ公表していません。" in page
    assert '<dd id="publish-answers">2件（意見3件(2人)）</dd>' in page
    assert '<dd id="publish-unanswered">1件（公開ページには載りません）</dd>' in page
    token = csrf_from(client, "/review/approvals")
    refused = client.post("/review/results/publish", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "「確認しました」にチェックを入れてください" in refused.get_data(as_text=True)
    assert current_consultation().results_published_at is None
    done = client.post("/review/results/publish", data={"csrf_token": token, "confirm": "y"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/review/approvals#results-publication")
    consultation = current_consultation()
    assert consultation.results_published_at is not None
    assert consultation.results_published_by_id == answered["approver_id"]
    event = [e for e in all_rows(AuditEvent) if e.action == "results.publish"][0]
    assert event.user_id == answered["approver_id"] and event.after["answers"] == 2 and event.after["unanswered"] == 1
    after = client.get("/review/approvals").get_data(as_text=True)
    assert "公表中です。" in after and "kakaricho" in after and "結果を公表しました。" in after
    assert "予約システムの導入を検討します。" in public_page(app)


def test_staff_who_are_not_approvers_cannot_publish(app, answered):
    client = app.test_client()
    sign_in(client, Role.STAFF, "tanto2")
    token = csrf_from(client, "/review/answers")
    response = client.post("/review/results/publish", data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 403
    assert current_consultation().results_published_at is None


def test_nothing_to_publish_is_refused_with_a_message(app):
    create_user("kakaricho", Role.APPROVER)
    client = app.test_client()
    assert login(client, "kakaricho").status_code == 302
    page = client.get("/review/approvals").get_data(as_text=True)
    assert "承認済みの回答がまだないため、公表できません。" in page
    token = csrf_from(client, "/review/approvals")
    response = client.post("/review/results/publish", data={"csrf_token": token, "confirm": "y"}, follow_redirects=True)
    assert "承認済みの回答がないため、結果を公表できません。" in response.get_data(as_text=True)
    assert current_consultation().results_published_at is None


def test_unpublishing_takes_the_table_down_and_is_audited(app, published):
    client = app.test_client()
    assert login(client, "kakaricho").status_code == 302
    token = csrf_from(client, "/review/approvals")
    response = client.post("/review/results/unpublish", data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 303
    assert current_consultation().results_published_at is None
    actions = [e.action for e in all_rows(AuditEvent) if e.action.startswith("results.")]
    assert actions == ["results.publish", "results.unpublish"]
    assert "まだ公表していません" in public_page(app)


def test_published_table_has_approved_rows_only_masked_grouped_and_counted(app, published):
    html = public_page(app)
    assert_nothing_personal(html, published["ip"])
    assert "「第二期武蔵野市市民活動促進基本計画（中間のまとめ）」に寄せられた意見の概要と市の考え方" in html
    assert '<dd id="counts-line">3件(2人)</dd>' in html
    assert "市の考え方を取りまとめているご意見が1件あります。" in html
    # Policy 1 (B's opinion, no section) comes before policy 3 (A's two opinions), numbered in that order.
    assert html.index("基本施策1 市民活動の裾野の拡大") < html.index("基本施策3 市民活動の基盤の整備")
    assert "ボランティアの情報をSNSで発信してほしい。連絡は〇〇の〇〇まで。" in html
    assert html.index('id="row-1"') < html.index("SNSでの発信を進めます。") < html.index('id="row-2"')
    assert "会議室の予約のオンライン化を求める意見" in html and "同趣旨 2件" in html
    assert "（該当箇所の指定なし）" in html and "基本施策3:市民活動の場の活用促進" in html
    assert "まだ承認されていない回答" not in html and "開館時間の延長" not in html and "スパム" not in html
    assert 'id="row-3"' not in html
    outcomes = html[html.index("対応の区分ごとの件数"):html.index('id="toc-heading"')]
    assert "<th scope=\"row\">計画に反映する</th><td class=\"num\">2件</td>" in outcomes
    assert "<th scope=\"row\">既に記載済み</th><td class=\"num\">1件</td>" in outcomes
    assert "<th scope=\"row\">今後の参考とする</th><td class=\"num\">0件</td>" in outcomes
    assert "1件(1人)" in html and "2件(1人)" in html  # per policy
    assert 'class="mine"' not in html and "検索結果" not in html
    assert published["a"] not in html and published["b"] not in html


def test_home_page_links_to_the_results_once_published(app, published):
    home = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/results"' in home and "意見募集の結果" in home


def test_receipt_lookup_marks_and_lists_the_rows_of_that_submission(app, published):
    response = app.test_client().get(f"/results?receipt={published['a']}")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert_nothing_personal(html, published["ip"])
    assert f"受付番号 {published['a']} の検索結果" in html
    assert "あなたのご意見は、表の次の1項目に含まれています。" in html
    assert '<a href="#row-2">No.2</a>' in html and '<a href="#row-1">' not in html
    assert '<tr role="row" id="row-2" class="mine">' in html and '<tr role="row" id="row-1">' in html
    assert html.count("あなたのご意見</span>") == 1
    assert "このほか、ご意見1件については、市の考え方をまだ公表していません。" in html
    assert published["b"] not in html and published["c"] not in html


@pytest.mark.parametrize("typed", ["lower", "no-hyphen", "full-width", "spaces"])
def test_receipt_lookup_accepts_what_people_type(app, published, typed):
    number = published["b"]
    entered = {"lower": number.lower(), "no-hyphen": number.replace("-", ""),
               "full-width": full_width(number.lower().replace("-", "ー")), "spaces": f"  {number[:4]} {number[5:]} "}
    html = public_page(app, "?" + urlencode({"receipt": entered[typed]}))
    assert f"受付番号 {number} の検索結果" in html
    assert '<tr role="row" id="row-1" class="mine">' in html and '<a href="#row-1">No.1</a>' in html
    assert "まだ公表していません" not in html


def test_unknown_and_malformed_receipts_get_a_clear_message(app, published):
    unknown = "ZZZZ-ZZZZ" if published["a"] != "ZZZZ-ZZZZ" else "YYYY-YYYY"
    html = public_page(app, f"?receipt={unknown}")
    assert f"受付番号 {unknown} の検索結果" in html and "この受付番号は見つかりませんでした。" in html
    assert 'class="mine"' not in html
    bad = public_page(app, "?receipt=abc")
    assert "英字と数字の8文字で入力してください" in bad and 'aria-invalid="true"' in bad
    assert "検索結果" not in bad
    long = public_page(app, "?receipt=" + "A" * 500)
    assert "英字と数字の8文字で入力してください" in long and "A" * 41 not in long


def test_receipt_whose_opinions_are_not_in_the_table_says_why(app, published):
    html = public_page(app, f"?receipt={published['c']}")
    assert "ご意見1件は、この計画案についてのご意見ではないと判断したため、表には載せていません。" in html
    assert "あなたのご意見は" not in html and 'class="mine"' not in html


def test_before_publication_a_lookup_reveals_nothing(app, answered):
    html = public_page(app, f"?receipt={answered['a']}")
    assert "まだ公表していません" in html and "検索結果" not in html


def test_receipt_lookups_are_rate_limited(tmp_path, model_dir):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RESULTS_LOOKUP_RATE_LIMIT="2 per minute")
    with app.app_context():
        reset_database(model_dir)
        consultation = current_consultation()
        approver, writer = create_user("kakaricho", Role.APPROVER), create_user("tanto", Role.STAFF)
        comment = add_comment("会議室を増やしてほしい。", confirmed="3", status=CommentStatus.CONFIRMED)
        answer([comment], writer, "会議室", "検討します。", Outcome.FUTURE, approver)
        publishing.publish(consultation, approver)
        db.session.commit()
        client = app.test_client()
        statuses = [client.get(f"/results?receipt=AAAA-BBB{n}").status_code for n in range(2, 5)]
        assert statuses == [200, 200, 429]
        assert "しばらく時間をおいて" in client.get("/results?receipt=AAAA-BBB5").get_data(as_text=True)
        assert client.get("/results").status_code == 200  # reading the table is not limited
        db.session.remove()
        db.drop_all()
        dispose_engines()


def test_results_page_is_public_and_never_needs_a_login(app, published):
    response = app.test_client().get("/results")
    assert response.status_code == 200 and "Location" not in response.headers
