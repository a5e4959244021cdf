"""Storing what residents send: one transaction, committed before the receipt is shown."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from . import suggestions
from .extensions import db
from .models import Channel, Comment, Consultation, PeriodState, Submission
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


def find_by_token(token: str) -> Submission | None:
    return db.session.scalar(select(Submission).filter_by(submission_token=token))


def find_by_receipt(receipt_number: str) -> Submission | None:
    """A submission with its comments and their sections (the completion page shows them)."""
    query = (select(Submission).filter_by(receipt_number=receipt_number)
             .options(joinedload(Submission.comments).joinedload(Comment.section)))
    return db.session.execute(query).unique().scalar_one_or_none()


def submit_web_comment(
    consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None
) -> Submission:
    """Store a web comment once per form token (committed), then ask for its suggestion.

    A replayed token (double click, reload, back and resubmit) returns the
    submission stored the first time instead of storing a second one.
    """
    state = consultation.period_state(tokyo_today())
    if state is not PeriodState.OPEN:
        existing = find_by_token(token)  # sent just before closing time, replayed after
        if existing is None:
            raise PeriodClosedError(state)
        return existing
    submission, new_comment_ids = _insert(consultation, data, token, ip_hash)
    if new_comment_ids:
        suggestions.request_suggestions(new_comment_ids)
    return submission


def _insert(
    consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None
) -> tuple[Submission, list[int]]:
    """(the stored submission, ids of the comments this call stored). The unique token decides replays."""
    for _ in range(RECEIPT_ATTEMPTS):
        submission = _build(consultation, data, token, ip_hash)
        db.session.add(submission)
        try:
            with _kept_loaded_after_commit():
                db.session.commit()
            return submission, [comment.id for comment in submission.comments]
        except IntegrityError:
            db.session.rollback()
            existing = find_by_token(token)
            if existing is not None:  # sent before (replay), or a concurrent request with it won
                return existing, []
            log.warning("receipt number collision; drawing another")
    raise RuntimeError("could not allocate a unique receipt number")


@contextmanager
def _kept_loaded_after_commit():
    """The commit leaves the new rows' objects loaded: the receipt page then needs no reload query."""
    session = db.session()
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = True


def _build(consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None) -> Submission:
    now = now_utc()
    # Ids, not objects: the consultation may be the resident pages' detached, shared copy.
    section = consultation.section_by_code(data.section_code) if data.section_code else None
    submission = Submission(
        consultation_id=consultation.id,
        receipt_number=new_receipt_number(),
        submission_token=token,
        channel=Channel.WEB,
        submitted_at=now,
        received_on=tokyo_today(now),
        name=data.name,
        attribute=data.attribute,
        email=data.email,
        ip_hash=ip_hash,
        consent=data.consent,
        original_text=data.body,
    )
    submission.comments.append(
        Comment(consultation_id=consultation.id, body=data.body, section_id=section.id if section else None,
                created_at=now,
                source_start=0, source_end=len(data.body))
    )
    return submission
