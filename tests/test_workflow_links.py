"""The staff pages link into one workflow: queue → comment → receipt, split, answer → back to the comment."""

import re

import pytest
from sqlalchemy import select

from comment_portal.answers import responses
from comment_portal.answers.splitting import Piece, split_submission
from comment_portal.extensions import db
from comment_portal.models import Outcome, Role, Submission, User
from comment_portal.review import decisions
from tests.answers_factories import create_submission, signed_in

TEXT = "会議室を夜にも借りやすくしてください。\n講座を平日夜にも開いてください。"


@pytest.fixture
def staff(app):
    return signed_in(app, Role.STAFF, "tanto")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def link(html: str, href: str) -> str:
    """The text of the link to href (fails if there is none)."""
    match = re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*>\s*(.*?)\s*</a>', html, re.S)
    assert match, f"no link to {href}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_queue_links_each_receipt_number_to_its_receipt_page(staff):
    receipt = create_submission(TEXT, suggest=False).receipt_number
    html = page(staff, "/review")
    assert link(html, f"/review/receipts/{receipt}") == receipt


def test_comment_view_leads_to_receipt_split_and_answer(staff):
    submission = create_submission(TEXT, suggest=False)
    comment_id = submission.comments[0].id
    html = page(staff, f"/review/comments/{comment_id}")
    assert link(html, f"/review/receipts/{submission.receipt_number}") == submission.receipt_number
    assert link(html, f"/review/submissions/{submission.id}/split") == "この投稿を複数の意見に分ける"
    assert link(html, f"/review/comments/{comment_id}/answer") == "意見の概要と市の考え方を書く"
    assert "まだ書かれていません。" in html


def test_comment_view_shows_the_answer_state_and_an_existing_split(staff):
    submission = create_submission(TEXT, suggest=False)
    comment = submission.comments[0]
    user = db.session.scalar(select(User).filter_by(login="tanto"))
    decisions.confirm(comment, user, "3")
    answer = responses.save_answer(comment, user, responses.AnswerInput(
        summary="会議室を夜にも借りたい。", response="夜間の枠を検討します。", outcome=Outcome.FUTURE))
    responses.submit_for_approval(answer, user)
    db.session.commit()
    submission_id, comment_id, answer_id, user_id = submission.id, comment.id, answer.id, user.id
    html = page(staff, f"/review/comments/{comment_id}")
    box = html[html.index('id="answer-box"'):html.index('id="submission-heading"')]
    assert f"回答#{answer_id}" in box and "承認待ち" in box and "今後の参考とする" in box
    assert "概要：会議室を夜にも借りたい。" in box and "まだ書かれていません" not in box
    assert link(html, f"/review/comments/{comment_id}/answer") == "意見の概要と市の考え方を開く"

    pieces = [Piece(0, TEXT.index("\n")), Piece(TEXT.index("講座"), len(TEXT))]
    split_submission(db.session.get(Submission, submission_id), pieces, db.session.get(User, user_id))
    db.session.commit()
    html = page(staff, f"/review/comments/{comment_id}")
    assert link(html, f"/review/submissions/{submission_id}/split") == "この投稿の分け方を直す"


def test_answer_page_links_back_to_the_comment_and_receipt_to_each_opinion(staff):
    submission = create_submission(TEXT, suggest=False)
    comment_id = submission.comments[0].id
    html = page(staff, f"/review/comments/{comment_id}/answer")
    assert link(html, f"/review/comments/{comment_id}") == f"意見#{comment_id}の確認画面へ戻る"
    html = page(staff, f"/review/receipts/{submission.receipt_number}")
    assert link(html, f"/review/comments/{comment_id}") == f"#{comment_id}"
