"""Answers (意見の概要 and 市の考え方) for one opinion or a group, and their approval.

Workflow: draft → (承認に回す) pending → approved, or → returned with a note → edited → pending.
Every change of the content or the opinions makes a new version and sends a pending or approved
answer back to draft, so nothing unapproved is ever exported. Only opinions staff confirmed may be
sent for approval. The approver is a second person (neither the writer nor the last editor) and
approves the version they saw. Every change and every refused approval is audited; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import Answer, AnswerStatus, Comment, CommentStatus, Consultation, Outcome, User, utcnow


class AnswerError(ValueError):
    """A change that cannot be made; the message is Japanese, for the person who tried."""


@dataclass(frozen=True)
class AnswerInput:
    summary: str
    response: str
    outcome: Outcome | None
    attach_ids: tuple[int, ...] = ()
    detach_ids: tuple[int, ...] = ()


def snapshot(answer: Answer) -> dict:
    """An answer's state as stored in the audit trail."""
    return {
        "status": answer.status.value if answer.status else None,
        "summary": answer.summary or "",
        "response": answer.response or "",
        "outcome": answer.outcome.value if answer.outcome else None,
        "comment_ids": sorted(c.id for c in answer.comments),
        "return_note": answer.return_note or "",
        "version": answer.version,
    }


def related_comments(comment: Comment) -> list[Comment]:
    """Opinions marked as the same content as this one (its duplicates, or its original's)."""
    root_id = comment.duplicate_of_id or comment.id
    query = select(Comment).where(
        Comment.id != comment.id,
        (Comment.id == root_id) | (Comment.duplicate_of_id == root_id),
    ).order_by(Comment.id)
    return list(db.session.scalars(query))


def save_answer(comment: Comment, user: User, data: AnswerInput) -> Answer:
    """Create or edit the answer of an opinion, attaching and detaching others."""
    answer = comment.answer
    attach = _comments_to_attach(answer.comments if answer else [comment], comment, data.attach_ids)
    if answer is None:
        answer = Answer(consultation_id=comment.consultation_id, status=AnswerStatus.DRAFT, written_by_id=user.id,
                        last_edited_by_id=user.id, version=1)
        db.session.add(answer)
        answer.comments.append(comment)
        before = None
    else:
        before = snapshot(answer)
    detach = [c for c in answer.comments if c.id in set(data.detach_ids) and c.id != comment.id]
    answer.summary, answer.response, answer.outcome = data.summary, data.response, data.outcome
    for other in attach:
        answer.comments.append(other)
    for other in detach:
        answer.comments.remove(other)
    after = snapshot(answer)
    if before is not None and _content(before) == _content(after):
        return answer
    if answer.status in (AnswerStatus.PENDING, AnswerStatus.APPROVED):
        answer.status, answer.approved_by_id, answer.approved_at = AnswerStatus.DRAFT, None, None
        answer.approved_version = None
    if before is not None:
        answer.version = (answer.version or 1) + 1
    answer.last_edited_by_id = user.id
    db.session.flush()
    record(user, "answer.save", answer, before, snapshot(answer))
    return answer


def _content(state: dict) -> tuple:
    return state["summary"], state["response"], state["outcome"], state["comment_ids"]


def _comments_to_attach(members: list[Comment], comment: Comment, ids: Iterable[int]) -> list[Comment]:
    wanted = [i for i in dict.fromkeys(ids) if i not in {c.id for c in members}]
    if not wanted:
        return []
    found = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(wanted)))}
    for comment_id in wanted:
        other = found.get(comment_id)
        if other is None or other.consultation_id != comment.consultation_id:
            raise AnswerError(f"意見#{comment_id}は見つかりません。番号を確かめてください。")
        if other.answer_id is not None:
            raise AnswerError(f"意見#{comment_id}は既に別の回答（回答#{other.answer_id}）に含まれています。"
                              "先にそちらの回答から外してください。")
    return [found[i] for i in wanted]


def submit_for_approval(answer: Answer, user: User) -> Answer:
    """承認に回す: the summary, the answer and the outcome must be filled in."""
    if answer.status is AnswerStatus.APPROVED:
        raise AnswerError("この回答は承認済みです。")
    if answer.status is AnswerStatus.PENDING:
        raise AnswerError("この回答は既に承認待ちです。")
    missing = [label for label, value in (("意見の概要", answer.summary), ("市の考え方", answer.response),
                                          ("対応の区分", answer.outcome)) if not value]
    if missing:
        raise AnswerError(f"承認に回す前に、{'・'.join(missing)}を入力してください。")
    unconfirmed = [c.id for c in answer.comments if c.status is CommentStatus.UNREVIEWED]
    if unconfirmed:
        numbers = "、".join(f"#{i}" for i in unconfirmed)
        raise AnswerError(f"意見{numbers}は、まだ基本施策が確定していません。公表は確定した分類で行うため、"
                          "先に意見の画面で基本施策を確定してから承認に回してください。")
    before = snapshot(answer)
    answer.status = AnswerStatus.PENDING
    record(user, "answer.submit", answer, before, snapshot(answer))
    return answer


def approve(answer: Answer, user: User, seen_version: int | None) -> Answer:
    """A second person approves the pending answer in the version they saw; only approved answers are published.

    A refusal raises AnswerError after adding its audit event: the caller commits that event alone.
    """
    if answer.status is not AnswerStatus.PENDING:
        raise AnswerError("承認待ちの回答だけを承認できます。")
    if user.id in (answer.written_by_id, answer.last_edited_by_id):
        _refuse(answer, user, "own_answer", seen_version)
        raise AnswerError(f"回答#{answer.id}は、あなたが書いた、または最後に直した回答のため、承認できません。"
                          "ほかの承認者に承認を依頼してください。")
    if seen_version != answer.version:
        _refuse(answer, user, "stale_version", seen_version)
        raise AnswerError(f"回答#{answer.id}は、画面を開いた後に内容が変わりました。最新の内容を読んでから、"
                          "もう一度承認してください。")
    before = snapshot(answer)
    answer.status, answer.approved_by_id, answer.approved_at = AnswerStatus.APPROVED, user.id, utcnow()
    answer.approved_version = answer.version
    answer.return_note = ""
    record(user, "answer.approve", answer, before, snapshot(answer))
    return answer


def _refuse(answer: Answer, user: User, reason: str, seen_version: int | None) -> None:
    record(user, "answer.approve_refused", answer, snapshot(answer),
           {"reason": reason, "seen_version": seen_version, "version": answer.version})


def may_approve(answer: Answer, user: User) -> bool:
    """Whether this user is a second person for this answer (not its writer or last editor)."""
    return user.id not in (answer.written_by_id, answer.last_edited_by_id)


def send_back(answer: Answer, user: User, note: str) -> Answer:
    """An approver returns a pending answer with a note saying what to change."""
    if answer.status is not AnswerStatus.PENDING:
        raise AnswerError("承認待ちの回答だけを差し戻せます。")
    if not (note or "").strip():
        raise AnswerError("差し戻しの理由を入力してください。")
    before = snapshot(answer)
    answer.status, answer.return_note = AnswerStatus.RETURNED, note.strip()
    record(user, "answer.return", answer, before, snapshot(answer))
    return answer


def answers_with_status(consultation: Consultation, status: AnswerStatus) -> list[Answer]:
    """Answers in one state, oldest change first, with their opinions loaded."""
    query = (select(Answer).where(Answer.consultation_id == consultation.id, Answer.status == status)
             .options(selectinload(Answer.comments)).order_by(Answer.updated_at, Answer.id))
    return [a for a in db.session.scalars(query) if a.comments]


def approved_answers(consultation: Consultation) -> list[Answer]:
    """Answers approved in their current version, by confirmed policy, then section, then first opinion id.

    An answer whose content changed after its approval (a version the approver did not see) is left out.
    """
    policy_rank = {p.code: p.position for p in consultation.policies}
    last = len(policy_rank) + 1

    def key(answer: Answer) -> tuple:
        first = answer.comments[0]
        section = first.section.position if first.section else float("inf")
        return policy_rank.get(first.confirmed_policy, last), section, first.id

    approved = answers_with_status(consultation, AnswerStatus.APPROVED)
    return sorted((a for a in approved if a.approved_version == a.version), key=key)
