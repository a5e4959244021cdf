"""Storing what residents send: one transaction, committed before the receipt is shown."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

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
    return db.session.scalar(select(Submission).filter_by(receipt_number=receipt_number))


def submit_web_comment(
    consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None
) -> Submission:
    """Store a web comment once per form token, then ask for a suggestion.

    A replayed token (double click, reload, back and resubmit) returns the
    submission stored the first time instead of storing a second one.
    """
    existing = find_by_token(token)
    if existing is not None:
        return existing
    state = consultation.period_state(tokyo_today())
    if state is not PeriodState.OPEN:
        raise PeriodClosedError(state)
    submission = _insert(consultation, data, token, ip_hash)
    for comment in submission.comments:
        suggestions.suggest(comment)
    return submission


def _insert(consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None) -> Submission:
    for _ in range(RECEIPT_ATTEMPTS):
        submission = _build(consultation, data, token, ip_hash)
        db.session.add(submission)
        try:
            db.session.commit()
            return submission
        except IntegrityError:
            db.session.rollback()
            existing = find_by_token(token)
            if existing is not None:  # a concurrent request with the same token won
                return existing
            log.warning("receipt number collision; drawing another")
    raise RuntimeError("could not allocate a unique receipt number")


def _build(consultation: Consultation, data: CommentInput, token: str, ip_hash: str | None) -> Submission:
    now = now_utc()
    section = consultation.section_by_code(data.section_code) if data.section_code else None
    submission = Submission(
        consultation=consultation,
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
        Comment(consultation=consultation, body=data.body, section=section, created_at=now,
                source_start=0, source_end=len(data.body))
    )
    return submission
