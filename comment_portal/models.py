"""Typed SQLAlchemy models: consultations, submissions, comments, suggestions, users."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware UTC datetimes; SQLite hands back naive ones, read as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class PeriodState(enum.StrEnum):
    NOT_SET = "not_set"
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


class Channel(enum.StrEnum):
    WEB = "web"
    POST = "post"
    FAX = "fax"
    EMAIL = "email"
    COUNTER = "counter"


class CommentStatus(enum.StrEnum):
    UNREVIEWED = "unreviewed"
    CONFIRMED = "confirmed"
    EXCLUDED = "excluded"


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    APPROVER = "approver"
    COMMITTEE = "committee"


def _enum(cls: type[enum.StrEnum], length: int = 20):
    return db.Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Consultation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    plan_title: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    publication_policy: Mapped[str] = mapped_column(Text, default="")
    name_required: Mapped[bool] = mapped_column(default=True)
    attributes: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="consultation", order_by="Section.position", cascade="all, delete-orphan"
    )
    policies: Mapped[list[Policy]] = relationship(
        back_populates="consultation", order_by="Policy.position", cascade="all, delete-orphan"
    )

    def period_state(self, today: date) -> PeriodState:
        """Where `today` (a date in Asia/Tokyo) stands; the closing day is inclusive."""
        if self.opens_on is None or self.closes_on is None:
            return PeriodState.NOT_SET
        if today < self.opens_on:
            return PeriodState.NOT_YET_OPEN
        if today > self.closes_on:
            return PeriodState.CLOSED
        return PeriodState.OPEN

    def section_by_code(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def policy_by_code(self, code: str) -> Policy | None:
        return next((p for p in self.policies if p.code == code), None)


class Section(db.Model):
    __table_args__ = (UniqueConstraint("consultation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    chapter: Mapped[str] = mapped_column(String(200), default="")
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    policy_code: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="sections")

    @property
    def label(self) -> str:
        """How the section is cited: chapter and heading."""
        return f"{self.chapter} {self.heading}".strip()

    @property
    def depth(self) -> int:
        return self.code.count(".")


class Policy(db.Model):
    __table_args__ = (UniqueConstraint("consultation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="policies")


class Submission(db.Model):
    """What one person sent at one time, with the personal data (staff only)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    receipt_number: Mapped[str] = mapped_column(String(20), unique=True)
    # Idempotency key born with the form page: a replayed submit finds its receipt.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.WEB)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    received_on: Mapped[date]
    name: Mapped[str] = mapped_column(String(100), default="")
    attribute: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    consent: Mapped[bool] = mapped_column(default=False)

    consultation: Mapped[Consultation] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="submission", order_by="Comment.id", cascade="all, delete-orphan"
    )


class Comment(db.Model):
    """One opinion: the unit staff classify, summarise and answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(
        _enum(CommentStatus), default=CommentStatus.UNREVIEWED, index=True
    )
    confirmed_policy: Mapped[str | None] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="comments")
    consultation: Mapped[Consultation] = relationship()
    section: Mapped[Section | None] = relationship()
    suggestions: Mapped[list[Suggestion]] = relationship(
        back_populates="comment", order_by="Suggestion.id", cascade="all, delete-orphan"
    )

    @property
    def latest_suggestion(self) -> Suggestion | None:
        return self.suggestions[-1] if self.suggestions else None

    @property
    def is_unclassified(self) -> bool:
        return not self.suggestions


class Suggestion(db.Model):
    """What a model version suggested for a comment; kept, never overwritten."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(80))
    policy_code: Mapped[str] = mapped_column(String(20))
    probability: Mapped[float]
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    confident: Mapped[bool]
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="suggestions")


class ModelVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(80), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(default=False)
    training_counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
