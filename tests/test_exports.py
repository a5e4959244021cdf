"""Exports: staff CSV (BOM, formula-safe), the publication table (.xlsx and print page), training JSON Lines."""

import csv
import io
import json
import subprocess
import sys

import openpyxl
import pytest
from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import Comment, CommentStatus, Outcome, Role, User
from comment_portal.publication import redactions
from tests.factories import submit_comment
from tests.publication_factories import answer
from tests.review_factories import add_comment, sign_in

NAME, EMAIL = "秘密 花子", "himitsu.hanako@example.jp"


def user(login: str) -> User:
    return db.session.scalar(select(User).filter_by(login=login))


def approver() -> User:
    found = user("kakaricho")
    if found is None:
        from tests.factories import create_user

        found = create_user("kakaricho", Role.APPROVER)
    return found


def comment_of(receipt_body: str) -> Comment:
    return db.session.scalar(select(Comment).filter_by(body=receipt_body))


@pytest.fixture
def published(client):
    """Two web comments with a name and e-mail, answered and approved; one unapproved; one excluded."""
    first_body = "武蔵野プレイスの会議室の予約をオンラインでできるようにしてください。"
    second_body = "ボランティアの情報をSNSで発信してほしい。連絡は090-1234-5678の山田太郎まで。"
    sign_in(client)
    assert submit_comment(client, body=first_body, section="3.1.3", name=NAME, email=EMAIL).status_code == 303
    assert submit_comment(client, body=second_body, section="", name=NAME, email=EMAIL).status_code == 303
    # A second opinion cut from the first letter: 3 opinions from 2 people.
    same = add_comment("会議室の予約をオンライン化してください。", policy="3", confirmed="3",
                       status=CommentStatus.CONFIRMED, submission=comment_of(first_body).submission)
    draft = add_comment("=HYPERLINK(\"http://evil.example\")下書きのままの意見", policy="2", name=NAME)
    spam = add_comment("スパムです", policy="other", status=CommentStatus.EXCLUDED, name=NAME)
    staff = user("tanto")
    first, second = comment_of(first_body), comment_of(second_body)
    first.status, first.confirmed_policy = CommentStatus.CONFIRMED, "3"
    second.status, second.confirmed_policy = CommentStatus.CONFIRMED, "1"
    db.session.commit()
    answer([first, same], staff, "会議室の予約のオンライン化を求める意見", "予約システムの導入を検討します。",
           Outcome.REFLECT, approver())
    answer([second], staff, "", "SNSでの発信を進めます。", Outcome.ALREADY, approver())
    answer([draft], staff, "下書き", "まだ承認されていない回答", Outcome.OTHER)
    # The scan proposed the phone number and the name: staff accepted the number, the name is undecided.
    assert sorted((r.kind, r.original) for r in second.redactions) == [("name", "山田太郎"), ("phone", "090-1234-5678")]
    redactions.accept(next(r for r in second.redactions if r.kind == "phone"), staff)
    db.session.commit()
    return {"first": first.id, "second": second.id, "same": same.id, "draft": draft.id, "spam": spam.id}


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def assert_no_personal_data(text: str) -> None:
    assert NAME not in text and EMAIL not in text and "秘密" not in text and "himitsu" not in text


def test_csv_has_a_bom_all_opinions_and_no_personal_data(client, published):
    response = download(client, "/review/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert_no_personal_data(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    by_id = {int(r["意見番号"]): r for r in rows}
    first = by_id[published["first"]]
    assert first["受付方法"] == "Web"
    assert first["該当箇所"] == "第3章 本計画策定に当たっての成果と課題 基本施策3:市民活動の場の活用促進"
    assert first["確定した基本施策"] == "基本施策3" and first["状態"] == "確認済"
    assert first["対応"] == "計画に反映する" and first["回答の状態"] == "承認済み"
    assert first["受付時の提案"].startswith("基本施策") and 0 < float(first["受付時の提案の確率"]) <= 1
    assert first["区分（在住・在勤など）"] == "市内在住"
    second = by_id[published["second"]]
    assert second["意見（公表用に伏せ字済み）"] == "ボランティアの情報をSNSで発信してほしい。連絡は〇〇の〇〇まで。"
    assert by_id[published["spam"]]["状態"] == "対象外"
    assert by_id[published["draft"]]["意見（公表用に伏せ字済み）"].startswith("'=HYPERLINK")


def test_cells_that_spreadsheets_would_run_are_neutralised():
    from comment_portal.publication.exports import safe_cell

    assert [safe_cell(v) for v in ("=1+1", "+81", "-2", "@SUM(A1)", "\tx", "普通", 3, None)] == [
        "'=1+1", "'+81", "'-2", "'@SUM(A1)", "'\tx", "普通", "3", ""]


def test_publication_table_xlsx_has_approved_answers_in_order_and_nothing_personal(client, published):
    response = download(client, "/review/export/publication.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book.active
    rows = [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]
    everything = "\n".join(str(c) for row in rows for c in row if c is not None)
    assert_no_personal_data(everything)
    assert rows[1][0] == "提出された意見：3件(2人)"
    assert rows[2] == ("No.", "該当箇所", "意見の概要", "市の考え方", "対応", "件数")
    assert rows[3][0] == "基本施策1 市民活動の裾野の拡大"
    assert rows[4][0] == 1 and rows[4][1] == "（該当箇所の指定なし）"
    assert rows[4][2] == "ボランティアの情報をSNSで発信してほしい。連絡は〇〇の〇〇まで。"
    assert rows[4][3:] == ("SNSでの発信を進めます。", "既に記載済み", "1件")
    assert rows[5][0] == "基本施策3 市民活動の基盤の整備"
    assert rows[6][0] == 2 and rows[6][2] == "会議室の予約のオンライン化を求める意見"
    assert rows[6][4:] == ("計画に反映する", "同趣旨 2件")
    assert len(rows) == 7
    assert "まだ承認されていない回答" not in everything and "スパム" not in everything


def test_publication_print_page_matches_and_warns_about_pending(client, published):
    html = download(client, "/review/export/publication").get_data(as_text=True)
    assert_no_personal_data(html)
    assert "意見の概要と市の考え方" in html and "提出された意見：3件(2人)" in html
    assert "承認済みの回答がまだない意見1件は載っていません。" in html
    assert html.index("SNSでの発信を進めます。") < html.index("予約システムの導入を検討します。")
    assert "同趣旨 2件" in html and "090-1234-5678" not in html and "まだ承認されていない回答" not in html
    assert 'data-print' in html and "css/reports.css" in html


def test_exports_page_links_every_export_and_warns_about_undecided_masks(client, published):
    html = download(client, "/review/exports").get_data(as_text=True)
    for url in ("/review/export.csv", "/review/export/publication.xlsx", "/review/export/publication",
                "/review/export/training.jsonl"):
        assert f'href="{url}"' in html
    assert "まだ判断していないものが1件あります" in html


def test_training_jsonl_has_confirmed_opinions_and_trains(client, published, tmp_path):
    response = download(client, "/review/export/training.jsonl")
    text = response.get_data(as_text=True)
    assert_no_personal_data(text)
    rows = [json.loads(line) for line in text.splitlines()]
    assert {r["label"] for r in rows} == {"1", "3"} and len(rows) == 3
    assert all(set(r) == {"text", "label", "section"} for r in rows)
    assert sorted(r["section"] or "" for r in rows)[-1].endswith("基本施策3:市民活動の場の活用促進")
    assert not any("090-1234-5678" in r["text"] for r in rows)
    data = tmp_path / "training.jsonl"
    data.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "classifier", "train", "--data", str(data), "--out",
                           str(tmp_path / "model")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "saved model" in done.stdout and (tmp_path / "model").exists()
