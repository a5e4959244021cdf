"""Splitting a letter into opinions: exact ranges, provenance, suggestions, re-splitting, audit."""

import pytest
from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import Answer, AnswerStatus, Comment, CommentStatus, Role, Submission, Suggestion
from tests.answers_factories import LETTER, create_submission, csrf, events, signed_in
from tests.factories import all_rows

GREETING = len("いつもお世話になっております。")
SECOND = LETTER.index("また、")


@pytest.fixture
def staff(app):
    return signed_in(app, Role.STAFF)


def split_url(submission) -> str:
    return f"/review/submissions/{submission.id}/split"


def post_split(client, submission, rows, action="save"):
    url = split_url(submission)
    data = {"csrf_token": csrf(client, url), "action": action}
    for i, (start, end, *section) in enumerate(rows):
        data[f"pieces-{i}-start"], data[f"pieces-{i}-end"] = str(start), str(end)
        data[f"pieces-{i}-section"] = section[0] if section else ""
    return client.post(url, data=data)


def pieces(submission_id) -> list[Comment]:
    return list(db.session.scalars(select(Comment).filter_by(submission_id=submission_id).order_by(Comment.id)))


def test_split_page_shows_the_original_text_and_current_range(staff):
    submission = create_submission()
    page = staff.get(split_url(submission)).get_data(as_text=True)
    assert "意見を分ける" in page and submission.receipt_number in page
    assert "武蔵野プレイスの会議室がなかなか予約できません。" in page
    assert f'value="{len(LETTER)}"' in page  # the single opinion covers the whole text
    assert "文ごとの位置の一覧" in page


def test_split_stores_exact_ranges_keeps_intake_suggestion_and_suggests_new_pieces(staff):
    submission = create_submission()
    first = submission.comments[0]
    intake = first.suggestions[0]
    intake_state = (intake.id, intake.policy_code, intake.probability, dict(intake.scores))
    response = post_split(staff, submission, [(GREETING, SECOND, "3.1.3"), (SECOND, len(LETTER))])
    assert response.status_code == 303
    stored = pieces(submission.id)
    assert [(c.source_start, c.source_end) for c in stored] == [(GREETING, SECOND), (SECOND, len(LETTER))]
    assert stored[0].id == first.id
    assert stored[0].body == LETTER[GREETING:SECOND] and stored[1].body == LETTER[SECOND:]
    assert stored[0].section.code == "3.1.3" and stored[1].section is None
    assert all(c.status is CommentStatus.UNREVIEWED and c.consultation_id == first.consultation_id for c in stored)
    kept = db.session.get(Suggestion, intake_state[0])
    assert (kept.id, kept.policy_code, kept.probability, kept.scores) == intake_state
    assert stored[0].first_suggestion.id == intake_state[0]
    assert stored[1].suggestions and stored[1].suggested_policy == stored[1].suggestions[-1].policy_code
    assert db.session.get(Submission, submission.id).original_text == LETTER


def test_receipt_page_leads_to_every_piece_with_its_range(staff):
    submission = create_submission()
    post_split(staff, submission, [(GREETING, SECOND), (SECOND, len(LETTER))])
    stored = pieces(submission.id)
    page = staff.get(f"/review/receipts/{submission.receipt_number}").get_data(as_text=True)
    assert "この受付から切り出した意見" in page and "武蔵野 花子" in page and "hanako@example.jp" in page
    for comment in stored:
        assert f"#{comment.id}" in page and f"{comment.source_start}〜{comment.source_end}" in page
    assert page.count("未確認") >= 2


@pytest.mark.parametrize("typed", ["lower", "fullwidth", "nohyphen"])
def test_receipt_search_accepts_what_people_type(staff, typed):
    submission = create_submission(suggest=False)
    number = submission.receipt_number
    query = {"lower": number.lower(), "nohyphen": number.replace("-", ""),
             "fullwidth": number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})}[typed]
    response = staff.get("/review/receipts", query_string={"number": query})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/review/receipts/{number}")


def test_unknown_receipt_says_so(staff):
    response = staff.get("/review/receipts", query_string={"number": "zzzz-zzzz"})
    assert response.status_code == 404
    assert "受付番号「ZZZZ-ZZZZ」の意見は見つかりませんでした" in response.get_data(as_text=True)


@pytest.mark.parametrize(("rows", "message"), [
    ([(0, len(LETTER) + 1)], f"範囲は0から{len(LETTER)}までの数で入力してください"),
    ([(10, 10)], "終了位置は開始位置より大きくしてください"),
    ([(0, 20), (15, 40)], "1行目（0〜20）と2行目（15〜40）の範囲が重なっています"),
    ([("a", 20)], "開始位置と終了位置を0以上の整数で入力してください"),
    ([("", "")], "意見の範囲を1つ以上入力してください"),
    ([(0, 5, "9.9.9")], "該当箇所の選択が正しくありません"),
])
def test_bad_ranges_are_refused_with_a_message_and_nothing_changes(staff, rows, message):
    submission = create_submission(suggest=False)
    before = [(c.id, c.source_start, c.source_end, c.body) for c in pieces(submission.id)]
    response = post_split(staff, submission, rows)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert [(c.id, c.source_start, c.source_end, c.body) for c in pieces(submission.id)] == before
    assert not events("submission.split")


def test_full_width_digits_are_accepted(staff):
    submission = create_submission(suggest=False)
    to_wide = str.maketrans("0123456789", "０１２３４５６７８９")
    response = post_split(staff, submission, [(str(GREETING).translate(to_wide), str(SECOND).translate(to_wide))])
    assert response.status_code == 303
    assert [(c.source_start, c.source_end) for c in pieces(submission.id)] == [(GREETING, SECOND)]


def test_add_row_shows_one_more_row_without_saving(staff):
    submission = create_submission(suggest=False)
    page = post_split(staff, submission, [(0, 5), (5, 9)], action="add_row").get_data(as_text=True)
    assert 'name="pieces-2-start"' in page
    assert pieces(submission.id)[0].source_end == len(LETTER)


def test_resplit_keeps_unchanged_pieces_and_resets_changed_confirmed_ones(app, staff):
    submission = create_submission(suggest=False)
    post_split(staff, submission, [(GREETING, SECOND), (SECOND, len(LETTER))])
    first, second = pieces(submission.id)
    first.status, first.confirmed_policy = CommentStatus.CONFIRMED, "3"
    second.status, second.confirmed_policy = CommentStatus.CONFIRMED, "2"
    answer = Answer(consultation_id=second.consultation_id, summary="要約", response="考え方",
                    status=AnswerStatus.APPROVED)
    answer.comments.append(second)
    db.session.add(answer)
    db.session.commit()
    ids, answer_id = (first.id, second.id), answer.id
    third_start = LETTER.index("平日夜")
    assert post_split(staff, submission, [(GREETING, SECOND), (SECOND, third_start),
                                          (third_start, len(LETTER))]).status_code == 303
    first, second, third = pieces(submission.id)
    assert (first.id, second.id) == ids
    assert first.status is CommentStatus.CONFIRMED and first.confirmed_policy == "3"
    assert second.status is CommentStatus.UNREVIEWED and second.confirmed_policy is None
    assert second.body == LETTER[SECOND:third_start] and third.body == LETTER[third_start:]
    assert db.session.get(Answer, answer_id).status is AnswerStatus.DRAFT
    assert events("answer.reopen_by_split")


def test_resplit_to_fewer_pieces_removes_the_surplus_and_audits_it(staff):
    submission = create_submission(suggest=False)
    post_split(staff, submission, [(GREETING, SECOND), (SECOND, len(LETTER))])
    first, second = pieces(submission.id)
    assert post_split(staff, submission, [(0, len(LETTER))]).status_code == 303
    assert [(c.id, c.source_start, c.source_end) for c in pieces(submission.id)] == [(first.id, 0, len(LETTER))]
    event = events("submission.split")[-1]
    assert event.after["removed"] == [second.id]
    assert [p["comment_id"] for p in event.before["pieces"]] == [first.id, second.id]


def test_a_piece_named_as_duplicate_original_cannot_be_removed(staff):
    submission = create_submission(suggest=False)
    submission_id = submission.id
    post_split(staff, submission, [(GREETING, SECOND), (SECOND, len(LETTER))])
    second_id = pieces(submission_id)[1].id
    other = create_submission("同じ意見です。", suggest=False).comments[0]
    other.duplicate_of_id = second_id
    db.session.commit()
    response = post_split(staff, db.session.get(Submission, submission_id), [(0, len(LETTER))])
    assert response.status_code == 422
    assert f"意見#{second_id}は他の意見の重複元に指定されているため" in response.get_data(as_text=True)
    assert len(pieces(submission_id)) == 2


def test_split_is_audited_with_before_and_after_ranges(staff):
    submission = create_submission(suggest=False)
    first_id = submission.comments[0].id
    post_split(staff, submission, [(GREETING, SECOND), (SECOND, len(LETTER))])
    [event] = events("submission.split")
    assert event.target_type == "submission" and event.target_id == submission.id and event.user_id
    assert [(p["comment_id"], p["start"], p["end"]) for p in event.before["pieces"]] == [(first_id, 0, len(LETTER))]
    assert [(p["start"], p["end"]) for p in event.after["pieces"]] == [(GREETING, SECOND), (SECOND, len(LETTER))]


def test_splitting_needs_staff(app):
    url = split_url(create_submission(suggest=False))
    committee = signed_in(app, Role.COMMITTEE)
    assert committee.get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302
    assert len(all_rows(Comment)) == 1
