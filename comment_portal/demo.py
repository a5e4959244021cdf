"""Sample data for `make demo`: team-written opinions, partly reviewed, answered, approved, then published.

Everything goes through the functions staff use (decisions, responses, redactions, publishing), as
demo accounts, so the audit trail, the queue, the digest and /results look as they would in real use.
Demo submissions carry the token "demo-NNN": a second run finds them and changes nothing.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from . import background
from .answers import publishing, responses
from .consultations import DEFAULT_CONSULTATION, set_period
from .extensions import db
from .models import (
    Channel,
    Comment,
    Consultation,
    ExclusionReason,
    Outcome,
    RedactionStatus,
    Role,
    Submission,
    User,
)
from .publication import redactions
from .receipts import new_receipt_number
from .review import decisions
from .timeutil import TOKYO, now_utc, tokyo_today

DEMO_FILE = DEFAULT_CONSULTATION / "demo_opinions.jsonl"
TOKEN_PREFIX = "demo-"
ACCOUNTS = (("staff", Role.STAFF), ("approver", Role.APPROVER), ("committee", Role.COMMITTEE))


class DemoError(RuntimeError):
    """The demo cannot be loaded here (the message says why)."""


@dataclass(frozen=True)
class DemoOpinion:
    """One line of demo_opinions.jsonl (null where not applicable)."""

    text: str
    section: str | None
    attribute: str
    channel: str
    name: str
    email: str
    days_after_open: int
    policy: str
    review: str  # confirm | leave | offtopic
    summary: str | None
    response: str | None
    outcome: str | None
    approve: bool | None  # None: no answer sent for approval; False: pending; True: approved
    campaign: str | None


@dataclass
class DemoResult:
    accounts: list[tuple[str, str | None]] = field(default_factory=list)  # (login, new password or None)
    already_loaded: int = 0
    period_moved: tuple[date, date] | None = None
    submissions: int = 0
    confirmed: int = 0
    excluded: int = 0
    answers: int = 0
    approved: int = 0
    masks: int = 0


def read_opinions(path: Path = DEMO_FILE) -> list[DemoOpinion]:
    """The demo opinions, in file order."""
    with path.open(encoding="utf-8") as lines:
        return [DemoOpinion(**json.loads(line)) for line in lines if line.strip()]


def loaded_count() -> int:
    """How many demo submissions the database holds."""
    query = select(func.count()).select_from(Submission).where(Submission.submission_token.like(f"{TOKEN_PREFIX}%"))
    return db.session.scalar(query)


def ensure_accounts() -> list[tuple[str, str | None]]:
    """The staff, approver and committee demo accounts; a password only for those created now."""
    made = []
    for login, role in ACCOUNTS:
        if db.session.scalar(select(User).filter_by(login=login)) is not None:
            made.append((login, None))
            continue
        password = secrets.token_urlsafe(12)
        user = User(login=login, role=role)
        user.set_password(password)
        db.session.add(user)
        made.append((login, password))
    db.session.commit()
    return made


def _user(login: str) -> User:
    return db.session.scalar(select(User).filter_by(login=login))


def load_demo(consultation: Consultation, today: date | None = None) -> DemoResult:
    """Load the demo once: submissions, suggestions, decisions, answers, masks, published results."""
    result = DemoResult(accounts=ensure_accounts())
    result.already_loaded = loaded_count()
    if result.already_loaded:
        return result
    opinions = read_opinions()
    today = today or tokyo_today()
    result.period_moved = _fit_period(consultation, max(o.days_after_open for o in opinions), today)
    staff, approver = _user("staff"), _user("approver")
    comments = _store_submissions(consultation, opinions, staff)
    result.submissions = len(comments)
    background.process_comments([c.id for c in comments])  # a command, not a request: no need to queue
    _review(opinions, comments, staff, result)
    _answer(opinions, comments, staff, approver, result)
    db.session.commit()
    result.masks = _mask_personal_data(consultation, comments, staff)
    db.session.commit()
    if not publishing.is_published(consultation):
        publishing.publish(consultation, approver)
        db.session.commit()
    return result


def _fit_period(consultation: Consultation, days: int, today: date) -> tuple[date, date] | None:
    """Demo opinions arrive over `days` days of a period that has ended; move the period if needed."""
    opens_on, closes_on = consultation.opens_on, consultation.closes_on
    if opens_on is not None and closes_on is not None and opens_on + timedelta(days=days) <= closes_on < today:
        return None
    closes = today - timedelta(days=1)
    opens = closes - timedelta(days=days)
    set_period(consultation, opens, closes)
    return opens, closes


def _unused_receipt_number(taken: set[str]) -> str:
    while True:
        number = new_receipt_number()
        if number not in taken and db.session.scalar(select(Submission.id).filter_by(receipt_number=number)) is None:
            taken.add(number)
            return number


def _submitted_at(day: date, index: int) -> datetime:
    """A plausible time of day (9:00–19:00, Tokyo) that is never in the future."""
    moment = datetime.combine(day, time(9), tzinfo=TOKYO) + timedelta(minutes=(index * 37) % 600)
    return min(moment, now_utc())


def _store_submissions(consultation: Consultation, opinions: list[DemoOpinion], staff: User) -> list[Comment]:
    taken: set[str] = set()
    comments = []
    for index, opinion in enumerate(opinions, start=1):
        day = consultation.opens_on + timedelta(days=opinion.days_after_open)
        channel = Channel(opinion.channel)
        submission = Submission(
            consultation=consultation, receipt_number=_unused_receipt_number(taken),
            submission_token=f"{TOKEN_PREFIX}{index:03d}", channel=channel,
            submitted_at=_submitted_at(day, index), received_on=day, name=opinion.name,
            attribute=opinion.attribute, email=opinion.email, consent=channel is Channel.WEB,
            original_text=opinion.text, entered_by_id=None if channel is Channel.WEB else staff.id,
        )
        section = consultation.section_by_code(opinion.section) if opinion.section else None
        comment = Comment(consultation=consultation, body=opinion.text, section=section,
                          created_at=submission.submitted_at, source_start=0, source_end=len(opinion.text))
        submission.comments.append(comment)
        db.session.add(submission)
        comments.append(comment)
    db.session.commit()
    return comments


def _review(opinions: list[DemoOpinion], comments: list[Comment], staff: User, result: DemoResult) -> None:
    for opinion, comment in zip(opinions, comments, strict=True):
        if opinion.review == "confirm":
            decisions.confirm(comment, staff, opinion.policy)
            result.confirmed += 1
        elif opinion.review == "offtopic":
            decisions.exclude(comment, staff, ExclusionReason.OFFTOPIC)
            result.excluded += 1
    for first, copies in _campaigns(opinions, comments).values():
        for copy in copies:
            decisions.mark_duplicate(copy, staff, first.id)


def _campaigns(opinions: list[DemoOpinion], comments: list[Comment]) -> dict[str, tuple[Comment, list[Comment]]]:
    """Each campaign's answered copy (the first with a summary) and its other copies."""
    members: dict[str, list[tuple[DemoOpinion, Comment]]] = {}
    for opinion, comment in zip(opinions, comments, strict=True):
        if opinion.campaign:
            members.setdefault(opinion.campaign, []).append((opinion, comment))
    campaigns = {}
    for name, pairs in members.items():
        first = next(c for o, c in pairs if o.summary) if any(o.summary for o, _ in pairs) else pairs[0][1]
        campaigns[name] = (first, [c for _, c in pairs if c is not first])
    return campaigns


def _answer(opinions: list[DemoOpinion], comments: list[Comment], staff: User, approver: User,
            result: DemoResult) -> None:
    copies = {first.id: tuple(c.id for c in others) for first, others in _campaigns(opinions, comments).values()}
    for opinion, comment in zip(opinions, comments, strict=True):
        if not opinion.summary:
            continue
        data = responses.AnswerInput(
            summary=opinion.summary, response=opinion.response or "",
            outcome=Outcome(opinion.outcome) if opinion.outcome else None, attach_ids=copies.get(comment.id, ()),
        )
        answer = responses.save_answer(comment, staff, data)
        db.session.flush()
        result.answers += 1
        if opinion.approve is not None:
            responses.submit_for_approval(answer, staff)
        if opinion.approve:
            responses.approve(answer, approver, answer.version)
            result.approved += 1


def _mask_personal_data(consultation: Consultation, comments: list[Comment], staff: User) -> int:
    """Accept every proposal the scan made on the demo opinions, as staff would."""
    ids = {c.id for c in comments}
    accepted = 0
    for redaction in db.session.scalars(redactions.redaction_query(consultation, RedactionStatus.PROPOSED)):
        if redaction.comment_id in ids:
            redactions.accept(redaction, staff)
            accepted += 1
    return accepted
