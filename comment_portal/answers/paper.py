"""Opinions that arrived by post, fax, e-mail or at the counter, typed in by staff.

The 必着 rule: what arrived (受付日, a Tokyo date) within the period, the last day included,
counts; the postmark does not. Paper has no consent box: Submission.consent stays False and
publication follows the consultation's published policy, as for every channel.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import Channel, Comment, Consultation, Submission, User
from ..receipts import new_receipt_number
from ..timeutil import now_utc

PAPER_CHANNELS = (Channel.POST, Channel.FAX, Channel.EMAIL, Channel.COUNTER)


class PaperEntryError(ValueError):
    """An entry that cannot be stored; the message is Japanese."""


@dataclass(frozen=True)
class PaperInput:
    body: str
    section_code: str | None
    name: str
    attribute: str
    email: str
    channel: Channel
    received_on: date


def _jdate(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def received_date_problem(consultation: Consultation, received_on: date, today: date) -> str | None:
    """Why a received date is refused (Japanese), or None: within the period and not in the future."""
    if received_on > today:
        return f"受付日（{_jdate(received_on)}）が今日より後の日付です。実際に届いた日を入力してください。"
    if consultation.opens_on is None or consultation.closes_on is None:
        return "募集期間が設定されていないため、登録できません。管理者に期間の設定を依頼してください。"
    period = f"募集期間は{_jdate(consultation.opens_on)}から{_jdate(consultation.closes_on)}まで（必着）です。"
    if received_on < consultation.opens_on:
        return f"受付日（{_jdate(received_on)}）が募集期間の開始前です。{period}期間外に届いた意見は登録できません。"
    if received_on > consultation.closes_on:
        return (f"受付日（{_jdate(received_on)}）が締切日を過ぎています。{period}"
                "締切後に届いた意見は、消印にかかわらず受け付けられません。")
    return None


def new_token() -> str:
    """The form's idempotency key: a double submit finds the first entry."""
    return secrets.token_hex(16)


def find_by_token(token: str) -> Submission | None:
    return db.session.scalar(select(Submission).filter_by(submission_token=token))


def _unused_receipt_number() -> str:
    while True:
        number = new_receipt_number()
        if db.session.scalar(select(Submission.id).filter_by(receipt_number=number)) is None:
            return number


def enter_submission(consultation: Consultation, data: PaperInput, user: User, token: str,
                     today: date) -> Submission:
    """Store a paper (etc.) submission with one opinion covering its text; audited, not committed.

    The form token makes a double submit return the first entry instead of a second one.
    """
    existing = find_by_token(token)
    if existing is not None:
        return existing
    problem = received_date_problem(consultation, data.received_on, today)
    if problem:
        raise PaperEntryError(problem)
    if data.channel not in PAPER_CHANNELS:
        raise PaperEntryError("受付方法を一覧から選んでください。")
    section = consultation.section_by_code(data.section_code) if data.section_code else None
    submission = Submission(
        consultation=consultation, receipt_number=_unused_receipt_number(), submission_token=token,
        channel=data.channel, submitted_at=now_utc(), received_on=data.received_on,
        name=data.name, attribute=data.attribute, email=data.email, consent=False,
        original_text=data.body, entered_by_id=user.id,
    )
    submission.comments.append(Comment(
        consultation=consultation, body=data.body, section=section,
        source_start=0, source_end=len(data.body),
    ))
    db.session.add(submission)
    db.session.flush()
    record(user, "submission.enter", submission, None, {
        "receipt_number": submission.receipt_number, "channel": data.channel.value,
        "received_on": data.received_on.isoformat(), "comment_ids": [c.id for c in submission.comments],
        "characters": len(data.body),
    })
    return submission
