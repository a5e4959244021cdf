"""Staff decisions on opinions: confirm or correct the policy, exclude, link duplicates, memo.

Every decision is audited with the state before and after; suggestions are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import Comment, CommentStatus, ExclusionReason, User, utcnow


class DecisionError(ValueError):
    """A decision that cannot be made; the message is Japanese, for the person who tried."""


def snapshot(comment: Comment) -> dict:
    """The reviewable state of an opinion, as stored in the audit trail."""
    return {
        "status": comment.status.value,
        "confirmed_policy": comment.confirmed_policy,
        "secondary_policies": list(comment.secondary_policies or []),
        "exclusion_reason": comment.exclusion_reason.value if comment.exclusion_reason else None,
        "duplicate_of_id": comment.duplicate_of_id,
        "memo": comment.memo,
    }


def _policy_codes(comment: Comment) -> set[str]:
    return {p.code for p in comment.consultation.policies}


def _reviewed(comment: Comment, user: User, action: str, before: dict) -> Comment:
    comment.reviewed_by_id, comment.reviewed_at = user.id, utcnow()
    record(user, action, comment, before, snapshot(comment))
    return comment


def confirm(comment: Comment, user: User, policy: str, secondary: Iterable[str] = ()) -> Comment:
    """Confirm (or correct to) a policy, with optional secondary policies (複数該当)."""
    codes = _policy_codes(comment)
    secondary = [code for code in dict.fromkeys(secondary) if code != policy]
    if policy not in codes or any(code not in codes for code in secondary):
        raise DecisionError("基本施策の選択が正しくありません。")
    before = snapshot(comment)
    comment.status, comment.confirmed_policy = CommentStatus.CONFIRMED, policy
    comment.secondary_policies, comment.exclusion_reason = secondary, None
    return _reviewed(comment, user, "comment.confirm", before)


def exclude(comment: Comment, user: User, reason: ExclusionReason) -> Comment:
    """Mark as 対象外: off-topic or spam. The opinion stays stored and counted as received."""
    before = snapshot(comment)
    comment.status, comment.exclusion_reason = CommentStatus.EXCLUDED, ExclusionReason(reason)
    comment.confirmed_policy, comment.secondary_policies = None, []
    return _reviewed(comment, user, "comment.exclude", before)


def reopen(comment: Comment, user: User) -> Comment:
    """Back to 未確認 (undo a decision)."""
    before = snapshot(comment)
    comment.status, comment.confirmed_policy = CommentStatus.UNREVIEWED, None
    comment.secondary_policies, comment.exclusion_reason = [], None
    return _reviewed(comment, user, "comment.reopen", before)


def mark_duplicate(comment: Comment, user: User, original_id: int | None) -> Comment:
    """Link 'same content as #N' (or unlink with None); never deletes anything."""
    if original_id is not None:
        original = db.session.get(Comment, original_id)
        if original is None or original.consultation_id != comment.consultation_id:
            raise DecisionError(f"番号 {original_id} の意見は見つかりません。")
        if original.id == comment.id or _root(original).id == comment.id:
            raise DecisionError("自分自身を重複元にすることはできません。")
        original_id = _root(original).id
    before = snapshot(comment)
    comment.duplicate_of_id = original_id
    return _reviewed(comment, user, "comment.duplicate", before)


def _root(comment: Comment) -> Comment:
    seen = set()
    while comment.duplicate_of is not None and comment.id not in seen:
        seen.add(comment.id)
        comment = comment.duplicate_of
    return comment


def set_memo(comment: Comment, user: User, memo: str) -> Comment:
    before = snapshot(comment)
    comment.memo = memo
    record(user, "comment.memo", comment, before, snapshot(comment))
    return comment


def _comments(ids: Iterable[int]) -> list[Comment]:
    return list(db.session.scalars(select(Comment).where(Comment.id.in_(list(ids))).order_by(Comment.id)))


def bulk_confirm_suggestions(ids: Iterable[int], user: User) -> int:
    """Confirm each selected opinion's latest suggestion; unclassified ones are skipped."""
    done = 0
    for comment in _comments(ids):
        suggestion = comment.latest_suggestion
        if suggestion is not None:
            confirm(comment, user, suggestion.policy_code)
            done += 1
    return done


def bulk_confirm(ids: Iterable[int], user: User, policy: str) -> int:
    comments = _comments(ids)
    for comment in comments:
        confirm(comment, user, policy)
    return len(comments)


def bulk_exclude(ids: Iterable[int], user: User, reason: ExclusionReason = ExclusionReason.OFFTOPIC) -> int:
    comments = _comments(ids)
    for comment in comments:
        exclude(comment, user, reason)
    return len(comments)
