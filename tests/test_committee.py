"""The committee digest on known data: counts, grouping, verbatim quotes, charts, print, CSV, privacy, cache."""

import csv
import io
import re
import threading
from datetime import timedelta
from html import unescape

import pytest

from comment_portal.committee import cache as cache_module
from comment_portal.committee import listing as listing_module
from comment_portal.committee.digest import build_digest
from comment_portal.committee.source import data_version
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.masking import comment_text
from comment_portal.models import (
    Answer,
    Channel,
    Comment,
    CommentStatus,
    ExclusionReason,
    Redaction,
    RedactionStatus,
    Role,
    Submission,
    User,
)
from comment_portal.review import decisions
from comment_portal.timeutil import tokyo_today
from tests.factories import all_rows, create_user, submit_comment
from tests.review_factories import add_comment, sign_in

CAMPAIGN = [
    "コミュニティセンターの会議室は、これまでどおり無料で利用できるようにしてください。"
    "利用料がかかるようになれば活動を続けられない団体が出てきます。計画にも明記することを求めます。",
    "いつもお世話になっております。\nコミュニティセンターの会議室は、これまでどおり無料で利用できるようにしてください。"
    "利用料がかかるようになれば活動を続けられない団体が出てきます。計画にも明記することを求めます。",
    "コミュニティセンターの会議室は、今までどおり無料で使えるようにしてください。"
    "利用料がかかるようになれば活動を続けられない団体が出てきます。計画にも明記することを強く求めます。",
]
QUOTE_1 = "ボランティア募集の情報が探しにくいので、まとめて見られるホームページを作ってほしいです。"
SUMMARY_2 = "補助金の申請手続を簡単にしてほしい。"


def page_text(response) -> str:
    """The visible text of a page, tags removed and spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def known(app):
    """8 opinions from 7 people. Policy 1: 3 from 2 people (1 confirmed); policy 2: 1 confirmed with a
    summary; policy 3: a campaign of 3 copies (2 confirmed); 1 unclassified; and 1 excluded (spam)."""
    today = tokyo_today()
    yesterday = today - timedelta(days=1)
    add_comment(QUOTE_1, policy="1", status=CommentStatus.CONFIRMED, confirmed="1", section="4.1.1",
                received_on=yesterday)
    shared = add_comment("学校と連携して、子どもがボランティアを体験できる機会を増やしてください。", policy="1",
                         attribute="市内在勤", channel=Channel.POST).submission
    add_comment("高齢者がボランティアに参加しやすい仕組みがほしい。", policy="1", section="4.1.2",
                submission=shared)
    second = add_comment("補助金の申請書類が多すぎて、小さな団体には負担です。", policy="2",
                         status=CommentStatus.CONFIRMED, confirmed="2", attribute="市内在学", channel=Channel.EMAIL)
    second.answer = Answer(consultation_id=second.consultation_id, summary=SUMMARY_2)
    for n, text in enumerate(CAMPAIGN):
        add_comment(text, policy="3", status=CommentStatus.CONFIRMED if n < 2 else CommentStatus.UNREVIEWED,
                    confirmed="3" if n < 2 else None, section="4.3", received_on=yesterday)
    add_comment("どこに分類すればよいか分からない意見です。", policy=None, attribute="")
    spam = add_comment("格安の宣伝です。今すぐこちらへ。", policy="2", status=CommentStatus.EXCLUDED)
    spam.exclusion_reason = ExclusionReason.SPAM
    db.session.commit()
    return current_consultation()


def test_counts_per_policy_section_attribute_channel_and_day(known):
    digest = build_digest(known)
    assert (digest.totals.opinions, digest.totals.people, digest.totals.confirmed, digest.totals.unreviewed) == (
        8, 7, 4, 4)
    assert (digest.excluded.opinions, digest.excluded.people) == (1, 1)
    counts = {p.code: (p.tally.opinions, p.tally.people, p.tally.confirmed, p.tally.unreviewed)
              for p in digest.policies}
    assert counts == {"1": (3, 2, 1, 2), "2": (1, 1, 1, 0), "3": (3, 3, 2, 1), "4": (0, 0, 0, 0),
                      "other": (0, 0, 0, 0), "": (1, 1, 0, 1)}
    first = digest.policy("1")
    sections = {s.label: (s.tally.opinions, s.tally.people) for s in first.sections}
    assert sections == {"第4章 施策の内容 1-1 市民活動のきっかけづくり": (1, 1),
                        "第4章 施策の内容 1-2 多様な活動につながる情報の提供": (1, 1), "該当箇所の指定なし": (1, 1)}
    assert list(sections)[-1] == "該当箇所の指定なし"
    assert {c.label: (c.opinions, c.people) for c in first.attributes if c.opinions} == {
        "市内在住": (1, 1), "市内在勤": (2, 1)}
    assert {c.label: c.opinions for c in first.channels if c.opinions} == {"Web": 1, "郵送": 2}
    assert {c.label: c.opinions for c in digest.by_attribute if c.opinions} == {
        "市内在住": 4, "市内在勤": 2, "市内在学": 1, "区分の回答なし": 1}
    assert {c.label: c.opinions for c in digest.by_channel if c.opinions} == {"Web": 5, "郵送": 2, "メール": 1}
    today = tokyo_today()
    assert [(d.day, d.opinions) for d in digest.by_day] == [(today - timedelta(days=1), 4), (today, 4)]
    sections_all = {c.label: c.opinions for c in digest.by_section}
    assert sections_all["第4章 施策の内容 基本施策3 市民活動の基盤の整備"] == 3
    assert sections_all["該当箇所の指定なし"] == 3


def test_page_shows_the_counts_and_marks_unreviewed(client, known):
    sign_in(client, Role.COMMITTEE, "iin")
    text = page_text(client.get("/committee"))
    assert "寄せられた意見 8件 7人から" in text
    assert "職員が分類を確認済み 4件" in text
    assert "未確認（分類は提案） 4件" in text
    assert "「対象外」にしたものが 1件（1人）" in text
    assert "意見 3件 （2人） うち 職員が確認済み 1件、未確認（分類は提案） 2件" in text
    assert "意見 1件 （1人） うち 職員が確認済み 1件、未確認（分類は提案） 0件" in text
    assert "この基本施策についての意見はありません。" in text  # policies 4 and other
    assert "未分類（システムの分類の提案もまだない意見）" in text
    assert "格安の宣伝" not in text


def test_campaign_is_one_entry_with_its_count_and_every_variant(client, known):
    digest = build_digest(known)
    third = digest.policy("3")
    assert len(third.duplicates) == 1
    group = third.duplicates[0]
    assert (group.size, group.total) == (3, 3)
    assert sorted(v.text for v in group.variants) == sorted(CAMPAIGN)
    sign_in(client, Role.COMMITTEE, "iin")
    html = client.get("/committee").get_data(as_text=True)
    assert html.count("同趣旨の意見 3件") >= 2  # the entry, and the link from the sub-theme's quote
    details = html[html.index(f'id="dup-3-{group.key}"'):]
    details = details[:details.index("</details>")]
    assert "<details>" in details and "すべての文面を見る（3通りの文面、3件）" in details
    for text in CAMPAIGN:
        assert text in unescape(details)
    # Sub-themes count every copy but the campaign once as a distinct opinion.
    assert sum(t.opinions for t in third.themes) == 3 and sum(t.distinct for t in third.themes) == 1


def test_quotes_are_verbatim_with_the_staff_summary_labelled(client, known):
    digest = build_digest(known)
    quotes = [q for p in digest.policies for t in p.themes for q in t.quotes]
    texts = {q.text for q in quotes}
    assert QUOTE_1 in texts
    summarised = next(q for q in quotes if q.summary)
    assert summarised.summary == SUMMARY_2 and summarised.text == "補助金の申請書類が多すぎて、小さな団体には負担です。"
    sign_in(client, Role.COMMITTEE, "iin")
    html = client.get("/committee").get_data(as_text=True)
    assert f'<blockquote class="quote-text">{QUOTE_1}</blockquote>' in html
    block = html[html.index("補助金の申請書類が多すぎて"):]
    assert "職員による要約" in block[:600] and SUMMARY_2 in block[:600]


def test_key_phrases_link_to_the_opinions_containing_them(client, known):
    digest = build_digest(known)
    first = digest.policy("1")
    phrase = next(k for k in first.phrases if k.phrase == "ボランティア")
    assert phrase.count == 3 and len(first.phrase_ids["ボランティア"]) == 3
    sign_in(client, Role.COMMITTEE, "iin")
    html = client.get("/committee").get_data(as_text=True)
    assert "/committee?policy=1&amp;phrase=%E3%83%9C%E3%83%A9%E3%83%B3%E3%83%86%E3%82%A3%E3%82%A2" in html
    response = client.get("/committee", query_string={"policy": "1", "phrase": "ボランティア"})
    text = page_text(response)
    assert response.status_code == 200
    assert "「ボランティア」を含む意見" in text and "3件" in text
    assert QUOTE_1 in text and "高齢者がボランティアに参加しやすい仕組みがほしい。" in text
    assert "補助金" not in text.split("委員会向けまとめの")[1].split("ログアウト")[-1]


def test_theme_and_group_lists_and_unknown_links(client, known):
    digest = build_digest(known)
    sign_in(client, Role.COMMITTEE, "iin")
    theme = digest.policy("1").themes[0]
    text = page_text(client.get("/committee", query_string={"policy": "1", "theme": theme.number}))
    assert f"まとまり{theme.number}の意見" in text and f"{theme.opinions}件" in text
    group = digest.policy("3").duplicates[0]
    text = page_text(client.get("/committee", query_string={"policy": "3", "group": group.key}))
    assert "同趣旨の意見 3件（すべての文面）" in text
    for bad in ({"policy": "1", "phrase": "存在しない語"}, {"policy": "9", "theme": "1"},
                {"policy": "1", "theme": "x"}, {"policy": "1", "group": "99999"}):
        response = client.get("/committee", query_string=bad)
        assert response.status_code == 404
        assert "お探しの意見の一覧は見つかりませんでした" in page_text(response)


def test_charts_have_text_alternatives_and_tables(client, known):
    sign_in(client, Role.COMMITTEE, "iin")
    html = client.get("/committee").get_data(as_text=True)
    for chart_id, title in (("chart-policy", "基本施策ごとの意見の件数"), ("chart-section", "該当箇所ごとの意見の件数"),
                            ("chart-attribute", "区分（在住・在勤など）ごとの意見の件数"),
                            ("chart-day", "受付日ごとの意見の件数")):
        assert f'<title id="{chart_id}-title">{title}</title>' in html
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
    assert ('<desc id="chart-policy-desc">基本施策1 3件、基本施策2 1件、基本施策3 3件、基本施策4 0件、'
            '計画全体・その他 0件、未分類 1件</desc>') in html
    today = tokyo_today()
    yesterday = today - timedelta(days=1)
    assert (f'<desc id="chart-day-desc">{yesterday.month}月{yesterday.day}日 4件、'
            f'{today.month}月{today.day}日 4件</desc>') in html
    assert "<script" not in html.split("</main>")[0] and " style=" not in html


def test_print_view(client, known):
    sign_in(client, Role.COMMITTEE, "iin")
    response = client.get("/committee/print")
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert response.status_code == 200
    assert "css/committee.css" in html and "目次" in text
    assert html.count('class="policy report-page"') == 6
    assert "寄せられた意見 8件（7人）" in text and "職員が分類を確認済み 4件" in text
    assert "分類の提案に使ったモデル test-default" in text
    assert re.search(r"集計日時 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d（日本時間）", text)
    assert "<details open>" in html  # the variants are printed


def test_csv(client, known):
    add_comment("+1 賛成です。計画に賛成します。", policy="4")
    sign_in(client, Role.COMMITTEE, "iin")
    response = client.get("/committee/digest.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][0] == "基本施策" and len(rows) == 1 + 9
    by_text = {r[10]: r for r in rows[1:]}
    assert by_text["'+1 賛成です。計画に賛成します。"][0] == "基本施策4 課題解決のための「連携と協働」の推進"
    campaign = [by_text[text] for text in CAMPAIGN]
    assert {r[5] for r in campaign} != {""} and len({r[5] for r in campaign}) == 1
    assert [r[6] for r in campaign] == ["3", "3", "3"]
    assert by_text[CAMPAIGN[2]][1] == "未確認（分類は提案）" and by_text[CAMPAIGN[0]][1] == "確認済み"
    assert by_text["補助金の申請書類が多すぎて、小さな団体には負担です。"][11] == SUMMARY_2
    assert "格安の宣伝です。今すぐこちらへ。" not in body


def test_access(client, known):
    response = client.get("/committee")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/committee/digest.csv").status_code == 302
    for role in (Role.COMMITTEE, Role.STAFF, Role.APPROVER, Role.ADMIN):
        other = client.application.test_client()
        sign_in(other, role, f"user-{role.value}")
        for url in ("/committee", "/committee/print", "/committee/digest.csv"):
            assert other.get(url).status_code == 200, (role, url)


def test_no_personal_data_reaches_the_committee(client, known):
    """Names, e-mails, IP hashes and receipt numbers of real submissions; a name staff masked in the text."""
    for n in range(3):
        submit_comment(client, name=f"秘密野 太郎{n}", email=f"secret-person{n}@example.jp",
                       body=f"山田花子さんから聞きましたが、会議室の予約が大変です。番号{n}。もっと簡単にしてほしい。")
    masked, proposed = all_rows(Submission)[-3].comments[0], all_rows(Submission)[-2].comments[0]
    start = masked.body.index("山田花子")
    masked.redactions.append(Redaction(start=start, end=start + 4, original="山田花子", kind="person",
                                       status=RedactionStatus.ACCEPTED))
    proposed.redactions.append(Redaction(start=start, end=start + 4, original="山田花子", kind="person",
                                         status=RedactionStatus.PROPOSED))
    last = all_rows(Submission)[-1].comments[0]
    last.redactions.append(Redaction(start=start, end=start + 4, original="山田花子", kind="person",
                                     status=RedactionStatus.ACCEPTED))
    db.session.commit()
    assert "〇〇さんから" in comment_text(masked)
    secrets = []
    for submission in all_rows(Submission):
        secrets += [submission.name, submission.email, submission.receipt_number, submission.ip_hash]
    secrets = [s for s in secrets if s] + ["山田花子", "taro@example.jp"]
    assert any("秘密野" in s for s in secrets) and any(s and len(s) == 64 for s in secrets)
    sign_in(client, Role.COMMITTEE, "iin")
    digest = build_digest(current_consultation())
    pages = ["/committee", "/committee/print", "/committee/digest.csv"]
    for policy in digest.policies:
        pages += [f"/committee?policy={policy.code or 'none'}&theme={t.number}" for t in policy.themes]
        pages += [f"/committee?policy={policy.code or 'none'}&group={g.key}" for g in policy.duplicates]
        pages += [f"/committee?policy={policy.code or 'none'}&phrase={k.phrase}" for k in policy.phrases]
    seen_masked = False
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        seen_masked |= "〇〇さんから聞きました" in body
        for secret in secrets:
            assert secret not in body, (url, secret)
    assert seen_masked


def test_cached_until_something_changes(client, known, monkeypatch):
    staff_id = create_user("kakunin", Role.STAFF).id
    calls = []
    real = cache_module.build_digest
    monkeypatch.setattr(cache_module, "build_digest", lambda *a, **k: calls.append(1) or real(*a, **k))
    sign_in(client, Role.COMMITTEE, "iin")
    assert "職員が分類を確認済み 4件" in page_text(client.get("/committee"))
    client.get("/committee")
    client.get("/committee/print")
    assert len(calls) == 1
    before = data_version(current_consultation())
    comment = next(c for c in all_rows(Comment) if c.status is CommentStatus.UNREVIEWED and c.suggested_policy == "1")
    decisions.confirm(comment, db.session.get(User, staff_id), "1")
    db.session.commit()
    assert data_version(current_consultation()) != before
    text = page_text(client.get("/committee"))
    assert len(calls) == 2
    assert "職員が分類を確認済み 5件" in text
    assert "意見 3件 （2人） うち 職員が確認済み 2件、未確認（分類は提案） 1件" in text


def test_large_consultations_are_computed_in_the_background(app, client, known, monkeypatch):
    app.config["COMMITTEE_SYNC_LIMIT"] = 0
    consultation_id = known.id
    started = []
    monkeypatch.setattr(cache_module, "_start_background", started.append)
    sign_in(client, Role.COMMITTEE, "iin")
    response = client.get("/committee")
    assert "最新の集計を作成しています" in page_text(response) and response.headers["Retry-After"] == "15"
    assert started == [consultation_id]
    cache_module._build_in_background(app, consultation_id)
    assert "職員が分類を確認済み 4件" in page_text(client.get("/committee"))
    # A change: the previous digest is shown, marked as such, while the new one is computed.
    staff_id = create_user("kakunin", Role.STAFF).id
    comment = next(c for c in all_rows(Comment) if c.status is CommentStatus.UNREVIEWED and c.suggested_policy == "1")
    comment_id = comment.id
    decisions.confirm(comment, db.session.get(User, staff_id), "1")
    db.session.commit()
    text = page_text(client.get("/committee"))
    assert "最新の集計を作成しています" in text and "職員が分類を確認済み 4件" in text
    assert "最新の集計を作成しています" in page_text(client.get("/committee/digest.csv"))
    # New masks: the previous digest may hold the unmasked text, so it is not shown.
    comment = db.session.get(Comment, comment_id)
    comment.redactions.append(Redaction(start=0, end=2, original=comment.body[:2], kind="person",
                                        status=RedactionStatus.ACCEPTED))
    db.session.commit()
    text = page_text(client.get("/committee"))
    assert "最新の集計を作成しています" in text and "職員が分類を確認済み" not in text
    cache_module._build_in_background(app, consultation_id)
    assert "職員が分類を確認済み 5件" in page_text(client.get("/committee"))


def test_background_thread_computes_the_digest(app, client, known):
    app.config["COMMITTEE_SYNC_LIMIT"] = 0
    sign_in(client, Role.COMMITTEE, "iin")
    assert "最新の集計を作成しています" in page_text(client.get("/committee"))
    for thread in threading.enumerate():
        if thread.name.startswith("committee-digest-"):
            thread.join(timeout=60)
    assert "職員が分類を確認済み 4件" in page_text(client.get("/committee"))


def test_lists_are_paginated(client, known, monkeypatch):
    monkeypatch.setattr(listing_module, "PER_PAGE", 2)
    sign_in(client, Role.COMMITTEE, "iin")
    query = {"policy": "1", "phrase": "ボランティア"}
    first = client.get("/committee", query_string=query).get_data(as_text=True)
    assert "該当する意見 3件（1 / 2ページ）" in first and first.count('<blockquote') == 2
    assert "page=2" in first and 'rel="next"' in first
    second = client.get("/committee", query_string={**query, "page": "2"}).get_data(as_text=True)
    assert "該当する意見 3件（2 / 2ページ）" in second and second.count('<blockquote') == 1
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "（2 / 2ページ）" in page_text(client.get("/committee", query_string={**query, "page": "99"}))
