"""What residents sent (submissions), the opinions cut from it (comments), and suggestions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Channel, CommentStatus, ExclusionReason, UTCDateTime, enum_column, postgresql_only, utcnow
from .consultation import Consultation, Section

if TYPE_CHECKING:
    from .accounts import User
    from .review import Answer, Redaction


class Submission(db.Model):
    """What one person sent at one time, with the personal data (staff only)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    receipt_number: Mapped[str] = mapped_column(String(20), unique=True)
    # Idempotency key born with the form page: a replayed submit finds its receipt.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.WEB)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    received_on: Mapped[date]
    name: Mapped[str] = mapped_column(String(100), default="")
    attribute: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    consent: Mapped[bool] = mapped_column(default=False)
    # The full text as received; opinions are character ranges of it.
    original_text: Mapped[str] = mapped_column(Text, default="")
    # Staff who typed in a paper, fax, e-mail or counter submission.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    consultation: Mapped[Consultation] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="submission", order_by="Comment.id", cascade="all, delete-orphan"
    )


# The staff queue's default order, least certain first: unreviewed before the rest (false < true), then
# unclassified (NULL) before the least probable. review.queries emits exactly these expressions, so that on
# PostgreSQL a page is an index scan, not a sort of every comment. SQLite sorts NULLs first by itself.
UNREVIEWED_LAST = "(status <> 'unreviewed')"


class Comment(db.Model):
    """One opinion: the unit staff classify, summarise and answer."""

    __table_args__ = (
        Index("ix_comment_status_probability", "status", "suggestion_probability"),
        # The committee digest's data version reads the latest review of a consultation on every page.
        Index("ix_comment_consultation_reviewed_at", "consultation_id", "reviewed_at"),
        # Unscanned opinions are found, and the digest's data version reads the latest scan, from this index.
        Index("ix_comment_consultation_scanned_at", "consultation_id", "personal_scanned_at"),
        # The filter columns are included so that filtered pages and their counts skip rows in the index alone.
        postgresql_only(Index("ix_comment_queue_order", "consultation_id", text(UNREVIEWED_LAST),
                              text("suggestion_probability NULLS FIRST"), "id",
                              postgresql_include=["status", "suggested_policy", "confirmed_policy"])),
        postgresql_only(Index("ix_comment_queue_status_order", "consultation_id", "status",
                              text("suggestion_probability NULLS FIRST"), "id",
                              postgresql_include=["suggested_policy", "confirmed_policy"])),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(
        enum_column(CommentStatus), default=CommentStatus.UNREVIEWED, index=True
    )
    confirmed_policy: Mapped[str | None] = mapped_column(String(20), index=True)
    # Copied from the latest Suggestion so the queue can filter and sort without a join.
    suggested_policy: Mapped[str | None] = mapped_column(String(20), index=True)
    suggestion_probability: Mapped[float | None]
    suggestion_confident: Mapped[bool | None]
    secondary_policies: Mapped[list[str]] = mapped_column(JSON, default=list)
    exclusion_reason: Mapped[ExclusionReason | None] = mapped_column(enum_column(ExclusionReason))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    # Where this opinion stands in Submission.original_text (end exclusive).
    source_start: Mapped[int] = mapped_column(default=0)
    source_end: Mapped[int | None]
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"), index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # When the body was last scanned for personal data; NULL until then (and again after the body changes):
    # until it is set, the text never leaves the staff room.
    personal_scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="comments")
    consultation: Mapped[Consultation] = relationship()
    section: Mapped[Section | None] = relationship()
    suggestions: Mapped[list[Suggestion]] = relationship(
        back_populates="comment", order_by="Suggestion.id", cascade="all, delete-orphan"
    )
    duplicate_of: Mapped[Comment | None] = relationship(remote_side="Comment.id")
    answer: Mapped[Answer | None] = relationship(back_populates="comments")
    redactions: Mapped[list[Redaction]] = relationship(
        back_populates="comment", order_by="Redaction.start", cascade="all, delete-orphan"
    )
    reviewed_by: Mapped[User | None] = relationship()

    @property
    def first_suggestion(self) -> Suggestion | None:
        """The suggestion made at intake: what staff agreement is measured against."""
        return self.suggestions[0] if self.suggestions else None

    @property
    def is_scanned(self) -> bool:
        """Scanned for personal data since the body last changed."""
        return self.personal_scanned_at is not None

    def replace_body(self, body: str) -> None:
        """A new text: it must be scanned again before it is shown outside the staff room."""
        if body != self.body:
            self.body, self.personal_scanned_at = body, None

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
