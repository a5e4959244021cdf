"""Masks (〇〇) over personal data: proposed by the background scan (personal_scan), decided by staff.

Offsets are in Comment.body. Every decision is audited; nothing here commits (the view does).
The masks are applied by the one masking function, masking.visible_text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from classifier.personal import KIND_LABELS

from ..audit import record
from ..extensions import db
from ..masking import MASK
from ..models import Comment, Consultation, Redaction, RedactionStatus, User, utcnow

MANUAL = "manual"
CONTEXT_CHARS = 30
STATUS_LABELS = {
    RedactionStatus.PROPOSED: "未判断",
    RedactionStatus.ACCEPTED: "伏せる",
    RedactionStatus.REJECTED: "伏せない",
}


class RedactionError(ValueError):
    """A mask that cannot be made; the message is Japanese, for the person who tried."""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def snapshot(redaction: Redaction) -> dict:
    """The state of a mask as stored in the audit trail."""
    return {"comment_id": redaction.comment_id, "start": redaction.start, "end": redaction.end,
            "kind": redaction.kind, "status": redaction.status.value, "reason": redaction.reason}


def _decide(redaction: Redaction, user: User, status: RedactionStatus, note: str = "") -> Redaction:
    before = snapshot(redaction)
    redaction.status, redaction.decided_by_id, redaction.decided_at = status, user.id, utcnow()
    after = snapshot(redaction)
    if note:
        after["note"] = note
    record(user, f"redaction.{'accept' if status is RedactionStatus.ACCEPTED else 'reject'}",
           redaction, before, after)
    return redaction


def accept(redaction: Redaction, user: User) -> Redaction:
    """Mask this span in what is published."""
    return _decide(redaction, user, RedactionStatus.ACCEPTED)


def reject(redaction: Redaction, user: User, note: str = "") -> Redaction:
    """Leave this span as written; the detector's reason stays, an optional note goes to the audit trail."""
    return _decide(redaction, user, RedactionStatus.REJECTED, note)


def add_manual(comment: Comment, user: User, reason: str, text: str = "",
               start: int | None = None, end: int | None = None) -> list[Redaction]:
    """Masks chosen by staff (accepted at once): a character range, or every occurrence of an exact text."""
    if not reason.strip():
        raise RedactionError("伏せる理由を入力してください。")
    ranges = _manual_ranges(comment.body, text, start, end)
    known = {(r.start, r.end): r for r in comment.redactions}
    added = []
    for s, e in ranges:
        redaction = known.get((s, e))
        if redaction is None:
            redaction = Redaction(start=s, end=e, original=comment.body[s:e], replacement=MASK, kind=MANUAL,
                                  reason=reason.strip(), status=RedactionStatus.PROPOSED)
            comment.redactions.append(redaction)
            db.session.flush()
        elif redaction.status is RedactionStatus.ACCEPTED:
            continue
        added.append(accept(redaction, user))
    return added


def _manual_ranges(body: str, text: str, start: int | None, end: int | None) -> list[tuple[int, int]]:
    if start is not None and end is not None:
        if not 0 <= start < end <= len(body):
            raise RedactionError("伏せる範囲が意見の本文の外にあります。選び直してください。")
        if text and body[start:end] != text:
            raise RedactionError("選んだ範囲と文字列が一致しません。もう一度選んでください。")
        return [(start, end)]
    if not text:
        raise RedactionError("伏せる文字列を入力するか、本文の中で範囲を選んでください。")
    ranges, position = [], body.find(text)
    while position >= 0:
        ranges.append((position, position + len(text)))
        position = body.find(text, position + len(text))
    if not ranges:
        raise RedactionError(f"「{text}」は本文の中に見つかりません。本文のとおりに入力してください。")
    return ranges


@dataclass(frozen=True)
class InContext:
    """A mask shown with the words around it."""

    redaction: Redaction
    before: str
    target: str
    after: str


def in_context(redaction: Redaction, chars: int = CONTEXT_CHARS) -> InContext:
    body = redaction.comment.body
    start, end = redaction.start, redaction.end
    before = ("…" if start > chars else "") + body[max(0, start - chars):start]
    after = body[end:end + chars] + ("…" if end + chars < len(body) else "")
    return InContext(redaction, before, body[start:end], after)


def redaction_query(consultation: Consultation, status: RedactionStatus | None):
    """Masks of a consultation, in the order of the opinions, optionally of one status."""
    query = select(Redaction).join(Comment).where(Comment.consultation_id == consultation.id)
    if status is not None:
        query = query.where(Redaction.status == status)
    return query.order_by(Redaction.comment_id, Redaction.start)


def counts(consultation: Consultation) -> dict[RedactionStatus, int]:
    query = (select(Redaction.status, func.count()).join(Comment)
             .where(Comment.consultation_id == consultation.id).group_by(Redaction.status))
    found = dict(db.session.execute(query).all())
    return {status: found.get(status, 0) for status in RedactionStatus}


@dataclass(frozen=True)
class Segment:
    """A piece of an opinion's text, masked (or proposed for masking) or plain."""

    text: str
    redaction: Redaction | None = None


def segments(comment: Comment) -> list[Segment]:
    """The text cut at its masks, for showing them in place (an overlapping mask is listed, not marked)."""
    body, out, position = comment.body, [], 0
    for r in sorted(comment.redactions, key=lambda r: (r.start, -r.end)):
        if r.start < position:
            continue
        if r.start > position:
            out.append(Segment(body[position:r.start]))
        out.append(Segment(body[r.start:r.end], r))
        position = r.end
    if position < len(body):
        out.append(Segment(body[position:]))
    return out
