"""Answers: writing, grouping, submitting, approving or returning; permissions; the export feed."""

import pytest
from sqlalchemy import select

from comment_portal.answers.responses import approved_answers
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import Answer, AnswerStatus, Comment, Role
from tests.answers_factories import create_submission, csrf, events, signed_in
from tests.factories import create_comment

FILLED = {"summary": "会議室の予約をオンライン化してほしい。", "response": "予約システムの導入を検討します。",
          "outcome": "future"}


@pytest.fixture
def staff(app):
    return signed_in(app, Role.STAFF)


@pytest.fixture
def approver(app):
    return signed_in(app, Role.APPROVER)


def post_answer(client, comment_id: int, action="save", **fields):
    url = f"/review/comments/{comment_id}/answer"
    data = {"csrf_token": csrf(client, url), "action": action, **fields}
    return client.post(url, data=data)


def approval(client, answer_id: int) -> dict:
    """What the approve button posts: the token and the version shown on the approvals page."""
    return {"csrf_token": csrf(client, "/review/approvals"), "version": str(db.session.get(Answer, answer_id).version)}


def answer_of(comment_id: int) -> Answer | None:
    return db.session.get(Comment, comment_id).answer


def pending_answer(staff, comment_id: int) -> int:
    assert post_answer(staff, comment_id, action="submit", **FILLED).status_code == 303
    answer = answer_of(comment_id)
    assert answer.status is AnswerStatus.PENDING
    return answer.id


def test_staff_writes_a_draft_answer(staff):
    comment_id = create_comment("会議室の予約が大変です。").id
    page = staff.get(f"/review/comments/{comment_id}/answer").get_data(as_text=True)
    assert "意見の概要" in page and "市の考え方" in page and "計画に反映する" in page and "今後の参考とする" in page
    assert post_answer(staff, comment_id, **FILLED).status_code == 303
    answer = answer_of(comment_id)
    assert (answer.summary, answer.response, answer.outcome.value) == tuple(FILLED.values())
    assert answer.status is AnswerStatus.DRAFT and answer.written_by.login == "staff"
    [event] = events("answer.save")
    assert event.before is None and event.after["comment_ids"] == [comment_id]
    assert "下書き" in staff.get(f"/review/comments/{comment_id}/answer").get_data(as_text=True)


def test_submitting_needs_summary_answer_and_outcome(staff):
    comment_id = create_comment("会議室の予約が大変です。").id
    response = post_answer(staff, comment_id, action="submit", summary="要約だけ")
    assert response.status_code == 422
    assert "承認に回す前に、市の考え方・対応の区分を入力してください。" in response.get_data(as_text=True)
    assert answer_of(comment_id) is None


def test_one_answer_for_a_group_attach_and_detach(staff):
    original = create_comment("コミセンの講座を増やしてほしい。")
    duplicate = create_comment("コミセンの講座を増やしてほしいです。")
    other = create_comment("平日夜の講座を希望します。")
    duplicate.duplicate_of_id = original.id
    db.session.commit()
    ids = original.id, duplicate.id, other.id
    page = staff.get(f"/review/comments/{ids[0]}/answer").get_data(as_text=True)
    assert f'name="attach" value="{ids[1]}"' in page  # the duplicate is offered
    assert post_answer(staff, ids[0], attach=str(ids[1]), other_ids=f"＃{ids[2]}、", **FILLED).status_code == 303
    answer = answer_of(ids[0])
    assert sorted(c.id for c in answer.comments) == sorted(ids)
    assert post_answer(staff, ids[0], detach=str(ids[2]), **FILLED).status_code == 303
    assert sorted(c.id for c in answer_of(ids[0]).comments) == sorted(ids[:2])
    assert answer_of(ids[2]) is None
    assert events("answer.save")[-1].before["comment_ids"] == sorted(ids)


@pytest.mark.parametrize(("other_ids", "message"), [
    ("abc", "意見の番号は数字で入力し"),
    ("99999", "意見#99999は見つかりません"),
])
def test_bad_attachments_are_refused(staff, other_ids, message):
    comment_id = create_comment("会議室の予約が大変です。").id
    response = post_answer(staff, comment_id, other_ids=other_ids, **FILLED)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert answer_of(comment_id) is None and not events("answer.save")


def test_a_comment_in_another_answer_is_not_taken_silently(staff):
    first, second = create_comment("意見A").id, create_comment("意見B").id
    post_answer(staff, second, **FILLED)
    other_answer = answer_of(second).id
    response = post_answer(staff, first, other_ids=str(second), **FILLED)
    assert response.status_code == 422
    assert f"既に別の回答（回答#{other_answer}）に含まれています" in response.get_data(as_text=True)


def test_approver_approves_a_pending_answer(staff, approver):
    comment_id = create_comment("会議室の予約が大変です。", confirmed_policy="3").id
    answer_id = pending_answer(staff, comment_id)
    page = approver.get("/review/approvals").get_data(as_text=True)
    assert "会議室の予約が大変です。" in page and FILLED["response"] in page
    url = f"/review/answers/{answer_id}/approve"
    response = approver.post(url, data=approval(approver, answer_id))
    assert response.status_code == 303
    answer = db.session.get(Answer, answer_id)
    assert answer.status is AnswerStatus.APPROVED and answer.approved_by.login == "approver" and answer.approved_at
    [event] = events("answer.approve")
    assert (event.before["status"], event.after["status"]) == ("pending", "approved")
    assert f"回答#{answer_id}を承認しました" in approver.get("/review/approvals").get_data(as_text=True)


def test_staff_cannot_approve_or_return(staff):
    comment_id = create_comment("会議室の予約が大変です。", confirmed_policy="3").id
    answer_id = pending_answer(staff, comment_id)
    token = csrf(staff, f"/review/comments/{comment_id}/answer")
    assert staff.get("/review/approvals").status_code == 403
    assert staff.post(f"/review/answers/{answer_id}/approve", data={"csrf_token": token}).status_code == 403
    assert staff.post(f"/review/answers/{answer_id}/return",
                      data={"csrf_token": token, "note": "x"}).status_code == 403
    assert db.session.get(Answer, answer_id).status is AnswerStatus.PENDING


def test_return_needs_a_note_then_staff_sees_it_edits_and_resubmits(staff, approver):
    comment_id = create_comment("会議室の予約が大変です。", confirmed_policy="3").id
    answer_id = pending_answer(staff, comment_id)
    url = f"/review/answers/{answer_id}/return"
    response = approver.post(url, data={"csrf_token": csrf(approver, "/review/approvals"), "note": "  "})
    assert response.status_code == 422 and "差し戻しの理由を入力してください。" in response.get_data(as_text=True)
    assert db.session.get(Answer, answer_id).status is AnswerStatus.PENDING
    note = "理由をもう少し具体的に書いてください。"
    assert approver.post(url, data={"csrf_token": csrf(approver, "/review/approvals"), "note": note}).status_code == 303
    answer = db.session.get(Answer, answer_id)
    assert answer.status is AnswerStatus.RETURNED and answer.return_note == note
    assert note in staff.get("/review/answers").get_data(as_text=True)
    assert note in staff.get(f"/review/comments/{comment_id}/answer").get_data(as_text=True)
    better = {**FILLED, "response": "令和5年度に予約システムを導入する予定です。"}
    assert post_answer(staff, comment_id, action="submit", **better).status_code == 303
    answer = db.session.get(Answer, answer_id)
    assert answer.status is AnswerStatus.PENDING and answer.response == better["response"]
    assert [e.action for e in events("answer.return")] == ["answer.return"]


def test_editing_an_approved_answer_returns_it_to_draft(staff, approver):
    comment_id = create_comment("会議室の予約が大変です。", confirmed_policy="3").id
    answer_id = pending_answer(staff, comment_id)
    approver.post(f"/review/answers/{answer_id}/approve", data=approval(approver, answer_id))
    assert post_answer(staff, comment_id, **FILLED).status_code == 303  # no change: stays approved
    assert db.session.get(Answer, answer_id).status is AnswerStatus.APPROVED
    assert post_answer(staff, comment_id, **{**FILLED, "summary": "別の要約"}).status_code == 303
    answer = db.session.get(Answer, answer_id)
    assert answer.status is AnswerStatus.DRAFT and answer.approved_by_id is None
    assert events("answer.save")[-1].before["status"] == "approved"
    assert approved_answers(current_consultation()) == []


def test_approving_twice_is_refused_politely(staff, approver):
    answer_id = pending_answer(staff, create_comment("意見", confirmed_policy="3").id)
    url = f"/review/answers/{answer_id}/approve"
    approver.post(url, data=approval(approver, answer_id))
    response = approver.post(url, data=approval(approver, answer_id), follow_redirects=True)
    assert "承認待ちの回答だけを承認できます。" in response.get_data(as_text=True)
    assert len(events("answer.approve")) == 1


def test_approved_answers_only_ordered_by_policy_section_then_first_comment(staff, approver):
    rows = [("c", "3.1.3", "3"), ("a", None, "1"), ("b", "2.1", "1"), ("d", None, "other"), ("e", None, "2")]
    ids = {}
    for body, section, policy in rows:
        ids[body] = create_comment(body, section_code=section, confirmed_policy=policy).id
    for body in "abcd":
        answer_id = pending_answer(staff, ids[body])
        approver.post(f"/review/answers/{answer_id}/approve", data=approval(approver, answer_id))
    pending_answer(staff, ids["e"])  # pending: not published
    result = approved_answers(current_consultation())
    sections = {c.code: c.position for c in current_consultation().sections}
    assert sections["2.1"] < sections["3.1.3"]
    assert [a.comments[0].body for a in result] == ["b", "a", "c", "d"]
    assert all(a.status is AnswerStatus.APPROVED for a in result)


def test_answer_page_works_for_a_piece_of_a_split_letter(staff):
    submission = create_submission(suggest=False)
    comment_id = submission.comments[0].id
    receipt = submission.receipt_number
    assert post_answer(staff, comment_id, **FILLED).status_code == 303
    page = staff.get(f"/review/receipts/{receipt}").get_data(as_text=True)
    assert FILLED["summary"] in page and "今後の参考とする" in page
    assert db.session.scalar(select(Answer.id)) is not None
