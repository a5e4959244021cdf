"""What the committee digest reads from the database: opinions without personal data, and a data version.

Rows are plain tuples (no ORM objects), fetched in two queries however many opinions there are.
The submission's name, e-mail and IP hash are never selected; texts come out masked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Subquery, func, select

from ..extensions import db
from ..masking import HIDING_STATUSES, visible_text
from ..models import (
    Answer,
    AuditEvent,
    Comment,
    CommentStatus,
    Consultation,
    ModelVersion,
    Redaction,
    Section,
    Submission,
    Suggestion,
)

NO_ATTRIBUTE = "区分の回答なし"


@dataclass(frozen=True, slots=True)
class Opinion:
    """One opinion as the committee may see it."""

    id: int
    submission_id: int
    section_id: int | None
    text: str  # masked; the placeholder until the opinion is scanned
    scanned: bool  # scanned for personal data since its text last changed
    policy: str  # confirmed policy, else the latest suggestion's; "" when unclassified
    confirmed: bool
    excluded: bool
    attribute: str
    channel: str
    day: date
    summary: str  # the staff's 意見の概要, "" when none


def _masks(consultation_id: int, ids: list[int] | None) -> dict[int, list[tuple[int, int, str]]]:
    query = (select(Redaction.comment_id, Redaction.start, Redaction.end, Redaction.replacement)
             .join(Comment, Comment.id == Redaction.comment_id)
             .where(Comment.consultation_id == consultation_id, Redaction.status.in_(HIDING_STATUSES)))
    if ids is not None:
        query = query.where(Redaction.comment_id.in_(ids))
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for comment_id, start, end, replacement in db.session.execute(query):
        spans.setdefault(comment_id, []).append((start, end, replacement))
    return spans


def load_opinions(consultation: Consultation, ids: list[int] | None = None) -> list[Opinion]:
    """Every opinion of the consultation (or those ids), in id order, texts masked (placeholder if unscanned)."""
    query = (select(Comment.id, Comment.submission_id, Comment.section_id, Comment.body,
                    Comment.personal_scanned_at.is_not(None), Comment.status,
                    Comment.confirmed_policy, Comment.suggested_policy, Submission.attribute, Submission.channel,
                    Submission.received_on, Answer.summary)
             .join(Submission, Submission.id == Comment.submission_id)
             .outerjoin(Answer, Answer.id == Comment.answer_id)
             .where(Comment.consultation_id == consultation.id).order_by(Comment.id))
    if ids is not None:
        query = query.where(Comment.id.in_(ids))
    known = set(consultation.attributes or [])
    spans = _masks(consultation.id, ids)
    out = []
    for row in db.session.execute(query):
        cid, sid, section, body, scanned, status, confirmed, suggested, attribute, channel, day, summary = row
        confirmed_now = status == CommentStatus.CONFIRMED
        out.append(Opinion(
            cid, sid, section, visible_text(body, bool(scanned), spans.get(cid, ())), bool(scanned),
            (confirmed if confirmed_now else suggested) or "", confirmed_now, status == CommentStatus.EXCLUDED,
            # Only the consultation's own categories are shown: anything else could be free text.
            attribute if attribute in known else (NO_ATTRIBUTE if not attribute else "その他"),
            str(channel.value if hasattr(channel, "value") else channel), day, (summary or "").strip(),
        ))
    return out


@dataclass(frozen=True)
class DataVersion:
    key: str  # a short hash that changes whenever anything the digest shows may have changed
    opinions: int  # opinions of the consultation (excluded ones included), counted up to COMMITTEE_SYNC_LIMIT + 1
    masks: str  # a hash of the masks' state alone: an older digest with other masks must not be shown


def data_version(consultation: Consultation) -> DataVersion:
    """The version of the data behind the digest, from one cheap query (index lookups, however many opinions).

    Opinions are counted no further than the limit that decides where the digest is computed: counting a
    million of them took a tenth of a second on every committee page. New opinions show in the largest id;
    deleted ones (the surplus pieces of a split) in the audit event recorded with them.
    """
    of_consultation = Comment.consultation_id == consultation.id
    counted = select(Comment.id).where(of_consultation).limit(current_app.config["COMMITTEE_SYNC_LIMIT"] + 1)
    aggregates = [
        (func.count(), counted.subquery()), (func.max(Comment.id), of_consultation),
        (func.max(Comment.reviewed_at), of_consultation), (func.max(Comment.personal_scanned_at), of_consultation),
        (func.max(Suggestion.id), None),
        (func.count(Answer.id), None), (func.max(Answer.updated_at), None),
        # Views are audited too (personal_data.view, one per staff page): they change nothing shown here.
        (func.max(AuditEvent.id), AuditEvent.action != "personal_data.view"),
        (func.count(Section.id), None), (func.max(Section.id), None),
        (func.max(ModelVersion.id), ModelVersion.active),
        # The masks last: they are also hashed on their own.
        (func.count(Redaction.id), None), (func.max(Redaction.id), None), (func.max(Redaction.decided_at), None),
    ]
    scalars = [_scalar(agg, cond) for agg, cond in aggregates]
    values = db.session.execute(select(*scalars)).one()
    return DataVersion(_hash(consultation.id, *values), values[0], _hash(consultation.id, *values[-3:]))


def _scalar(aggregate, condition):
    """`aggregate` over the rows `condition` selects: a WHERE clause, a subquery, or None for a whole table."""
    if condition is None:
        return select(aggregate).scalar_subquery()
    if isinstance(condition, Subquery):
        return select(aggregate).select_from(condition).scalar_subquery()
    return select(aggregate).where(condition).scalar_subquery()


def _hash(*values) -> str:
    return hashlib.sha256("|".join(str(v) for v in values).encode()).hexdigest()[:20]
