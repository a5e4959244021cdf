"""The city's answers (意見の概要 and 市の考え方) and redactions for publication."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import AnswerStatus, Outcome, RedactionStatus, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .comments import Comment


class Answer(db.Model):
    """One summary and answer, for one opinion or for a group making the same point."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    status: Mapped[AnswerStatus] = mapped_column(enum_column(AnswerStatus), default=AnswerStatus.DRAFT, index=True)
    return_note: Mapped[str] = mapped_column(Text, default="")
    # The first writer; the last editor is kept apart (neither may approve).
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    last_edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Grows with every change of the content; an approval is bound to the version its approver saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    approved_version: Mapped[int | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    comments: Mapped[list[Comment]] = relationship(back_populates="answer", order_by="Comment.id")
    written_by: Mapped[User | None] = relationship(foreign_keys=[written_by_id])
    last_edited_by: Mapped[User | None] = relationship(foreign_keys=[last_edited_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class Redaction(db.Model):
    """A span of a comment masked in what is published, with the reason kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    start: Mapped[int]
    end: Mapped[int]
    original: Mapped[str] = mapped_column(Text)
    replacement: Mapped[str] = mapped_column(String(40), default="〇〇")
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RedactionStatus] = mapped_column(
        enum_column(RedactionStatus), default=RedactionStatus.PROPOSED, index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    comment: Mapped[Comment] = relationship(back_populates="redactions")
