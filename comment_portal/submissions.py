"""Storing what residents send: one transaction, committed before the receipt is shown."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from . import background
from .extensions import db
from .models import Channel, Comment, Consultation, PeriodState, Section, Submission
from .models.consultation import section_label
from .receipts import new_receipt_number
from .timeutil import now_utc, tokyo_today

log = logging.getLogger(__name__)
RECEIPT_ATTEMPTS = 5


class PeriodClosedError(Exception):
    """The consultation does not accept comments today."""

    def __init__(self, state: PeriodState):
        super().__init__(state.value)
        self.state = state


@dataclass(frozen=True)
class CommentInput:
    body: str
    section_code: str | None
    name: str
    attribute: str
    email: str
    consent: bool


@dataclass(frozen=True)
class StoredSubmission:
    """A stored submission as the resident's flow needs it: its receipt and its comments."""

    id: int
    receipt_number: str
    comment_ids: tuple[int, ...]
    replayed: bool = False  # stored by an earlier request with the same form token


@dataclass(frozen=True)
class ReceiptCopy:
    """What the completion page shows: the receipt and the resident's copy of what was sent."""

    receipt_number: str
    submitted_at: datetime
    section_label: str | None
    body: str
    name: str
    attribute: str
    email: str


# The resident flow reads and writes with Core statements on the tables: the ORM's unit of work
# and entity loading cost more CPU than the whole rest of a request, and nothing here needs them.
_submission = Submission.__table__
_comment = Comment.__table__
_section = Section.__table__
_INSERTS = {table: insert(table) for table in (_submission, _comment)}


_BY_TOKEN = (
    select(_submission.c.id, _submission.c.receipt_number, _comment.c.id)
    .outerjoin(_comment, _comment.c.submission_id == _submission.c.id)
    .where(_submission.c.submission_token == bindparam("token")).order_by(_comment.c.id)
)
_RECEIPT_COPY = (
    select(_submission.c.receipt_number, _submission.c.submitted_at, _section.c.chapter, _section.c.heading,
           _comment.c.body, _submission.c.name, _submission.c.attribute, _submission.c.email)
    .join(_comment, _comment.c.submission_id == _submission.c.id)
    .outerjoin(_section, _section.c.id == _comment.c.section_id)
    .where(_submission.c.receipt_number == bindparam("receipt")).order_by(_comment.c.id).limit(1)
)


def find_by_token(token: str) -> StoredSubmission | None:
    """The submission stored with this form token (a replay of it)."""
    rows = db.session.execute(_BY_TOKEN, {"token": token}).all()
    if not rows:
        return None
    return StoredSubmission(rows[0][0], rows[0][1], tuple(row[2] for row in rows if row[2] is not None), True)


def sent_the_same(stored: StoredSubmission, data: CommentInput) -> bool:
    """Whether a replayed form carries what was stored (a double click) or something new (edited after Back)."""
    row = db.session.execute(
        select(_submission.c.original_text, _submission.c.name, _submission.c.email, _submission.c.attribute,
               _section.c.code)
        .outerjoin(_comment, _comment.c.submission_id == _submission.c.id)
        .outerjoin(_section, _section.c.id == _comment.c.section_id)
        .where(_submission.c.id == stored.id).order_by(_comment.c.id).limit(1)).first()
    sent = (data.body, data.name, data.email, data.attribute, data.section_code or None)
    return row is not None and tuple(row) == sent


def receipt_copy(receipt_number: str) -> ReceiptCopy | None:
    """The completion page's content for a receipt number (the submission's first comment)."""
    row = db.session.execute(_RECEIPT_COPY, {"receipt": receipt_number}).first()
    if row is None:
        return None
    receipt, submitted_at, chapter, heading, body, name, attribute, email = row
    label = section_label(chapter, heading) if heading is not None else None
    return ReceiptCopy(receipt, submitted_at, label, body, name, attribute, email)


def submit_web_comment(
    consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None
) -> StoredSubmission:
    """Store a web comment once per form token (committed), then ask for its suggestion and scan.

    A replayed token (double click, reload, back and resubmit) returns the
    submission stored the first time instead of storing a second one.
    """
    state = consultation.period_state(tokyo_today())
    if state is not PeriodState.OPEN:
        existing = find_by_token(token)  # sent just before closing time, replayed after
        if existing is None:
            raise PeriodClosedError(state)
        return existing
    stored, is_new = _insert(consultation, data, token, ip_hash)
    if is_new:
        background.request_processing(list(stored.comment_ids))
    return stored


def _insert(
    consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None
) -> tuple[StoredSubmission, bool]:
    """(the stored submission, whether this call stored it). The unique token decides replays."""
    for _ in range(RECEIPT_ATTEMPTS):
        try:
            stored = _insert_rows(consultation, data, token, ip_hash)
            db.session.commit()
            return stored, True
        except IntegrityError:
            db.session.rollback()
            existing = find_by_token(token)
            if existing is not None:  # sent before (replay), or a concurrent request with it won
                return existing, False
            log.warning("receipt number collision; drawing another")
    raise RuntimeError("could not allocate a unique receipt number")


def _insert_rows(consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None) -> StoredSubmission:
    """The submission and its one comment (not committed)."""
    now = now_utc()
    receipt = new_receipt_number()
    submission_id = _insert_row(_submission, {
        "consultation_id": consultation.id, "receipt_number": receipt, "submission_token": token,
        "channel": Channel.WEB, "submitted_at": now, "received_on": tokyo_today(now), "name": data.name,
        "attribute": data.attribute, "email": data.email, "ip_hash": ip_hash, "consent": data.consent,
        "original_text": data.body,
    })
    # Ids, not objects: the consultation may be the resident pages' detached, shared copy.
    section = consultation.section_by_code(data.section_code) if data.section_code else None
    comment_id = _insert_row(_comment, {
        "submission_id": submission_id, "consultation_id": consultation.id, "body": data.body,
        "section_id": section.id if section else None, "created_at": now, "source_start": 0,
        "source_end": len(data.body),
    })
    return StoredSubmission(submission_id, receipt, (comment_id,))


def _insert_row(table, values: dict) -> int:
    return db.session.execute(_INSERTS[table], values).inserted_primary_key[0]
