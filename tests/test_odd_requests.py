"""Odd requests get a polite answer, never a 500: files in text fields, control characters in the URL;
invisible characters are taken out of what residents type (and they are told); staff search matches
half- and full-width forms; spreadsheets never run a cell as a formula."""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.forms import remove_invisible
from comment_portal.models import Comment, Role
from comment_portal.publication.exports import safe_cell
from tests.factories import create_user, form_data, hidden_value, stored_counts
from tests.review_factories import add_comment, sign_in

INVISIBLE = ["\u202e", "\u202d", "\u2066", "\u200f", "\u200b", "\u2060", "\ufeff", "\u00ad", "\ue000",
             "\U000e0041", "\U000f0001"]


def test_a_file_in_a_text_field_is_refused_politely_and_stores_nothing(client):
    data = {**form_data(client), "action": "confirm", "body": (io.BytesIO("本文".encode()), "letter.txt")}
    response = client.post("/comments/confirm", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "送信内容を確認できませんでした" in response.get_data(as_text=True)
    assert stored_counts() == (0, 0, 0)


def test_control_characters_in_the_url_or_next_are_refused_politely(client):
    create_user("suzuki", Role.STAFF)
    for url in ("/auth/login?next=/review%0d%0aSet-Cookie:%20x=1", "/results?receipt=AB%0aCD",
                "/review?q=%07", "/?x=%7f"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "送信内容を確認できませんでした" in response.get_data(as_text=True)
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login?next=/review%0d%0aX:1", data={
        "login": "suzuki", "password": "correct horse battery", "csrf_token": hidden_value(page, "csrf_token")})
    assert response.status_code == 400 and "\n" not in response.headers.get("Location", "")


def test_invisible_characters_are_removed_from_what_residents_send_and_they_are_told(client):
    kept = "👨\u200d👩\u200d👧 葛\U000e0100城市の友人も同じ意見です❤\ufe0f"
    body = "会議室の\u202e予約を\u200bオンライン化して\u2066ほしい。" + kept
    data = form_data(client, body=body, name="武\u200b蔵野 花\u202e子")
    confirm = client.post("/comments/new", data={**data, "action": "confirm"})
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and 'id="invisible-removed"' in html and "5文字含まれていた" in html
    assert client.post("/comments/confirm", data=data).status_code == 303
    stored = db.session.scalar(select(Comment))
    # Emoji joiners and the variation selector of a 異体字 stay: they are part of what was written.
    assert stored.body == "会議室の予約をオンライン化してほしい。" + kept
    assert stored.submission.name == "武蔵野 花子"


def test_a_clean_text_gets_no_notice(client):
    data = form_data(client)
    html = client.post("/comments/new", data={**data, "action": "confirm"}).get_data(as_text=True)
    assert 'id="invisible-removed"' not in html


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cf", "Co", "Cc")), max_size=20), max_size=6),
       hidden=st.lists(st.sampled_from(INVISIBLE), max_size=6))
def test_removing_invisible_characters_keeps_every_visible_one(words, hidden):
    mixed = "".join(w + h for w, h in zip(words, hidden + [""] * len(words), strict=False))
    assert remove_invisible(mixed) == "".join(words)


def test_staff_search_matches_half_and_full_width_both_ways(client):
    sign_in(client)
    full = add_comment("コミュニティセンターの予約システムをＷＥＢで使えるようにしてください。").id
    half = add_comment("ｺﾐｭﾆﾃｨｾﾝﾀｰの開館時間を延ばしてください。").id
    for query in ("ｺﾐｭﾆﾃｨ", "コミュニティ", "ＣＯＭ", "web"):
        html = client.get("/review", query_string={"q": query}).get_data(as_text=True)
        if query in ("ｺﾐｭﾆﾃｨ", "コミュニティ"):
            assert f"/review/comments/{full}" in html and f"/review/comments/{half}" in html, query
    html = client.get("/review", query_string={"q": "WEB"}).get_data(as_text=True)
    assert f"/review/comments/{full}" in html and f"/review/comments/{half}" not in html


def test_spreadsheet_cells_never_start_a_formula():
    cells = ["=1+1", "＝1+1", "＋81", "－2", "＠SUM(A1)", "\u200b=HYPERLINK(\"x\")", "\u3000＝1", " +1", "\tx",
             "普通", "3", "−3"]
    assert [safe_cell(v) for v in cells] == [
        "'=1+1", "'＝1+1", "'＋81", "'－2", "'＠SUM(A1)", "'\u200b=HYPERLINK(\"x\")", "'\u3000＝1", "' +1", "'\tx",
        "普通", "3", "−3"]


def test_staff_sign_in_still_works_with_a_normal_next(client):
    create_user("suzuki", Role.STAFF)
    page = client.get("/auth/login?next=/review/exports").get_data(as_text=True)
    response = client.post("/auth/login?next=/review/exports", data={
        "login": "suzuki", "password": "correct horse battery", "csrf_token": hidden_value(page, "csrf_token")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/review/exports")


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=30))
def test_no_csv_cell_can_start_a_formula(text):
    import unicodedata

    cell = safe_cell(text)
    head = cell.lstrip(" \u3000")
    while head and unicodedata.category(head[0]) == "Cf":
        head = head[1:]
    assert cell.startswith("'") or unicodedata.normalize("NFKC", head[:1]) not in ("=", "+", "-", "@")
    assert cell.startswith("'") or not cell.startswith(("\t", "\r", "\n"))
