"""A consultation: the draft's sections and policies, and the comment period."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import PeriodState, UTCDateTime, utcnow


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
    # Set when an approver publishes the result table at /results.
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

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


def section_label(chapter: str | None, heading: str) -> str:
    """How a section is cited: chapter and heading."""
    return f"{chapter or ''} {heading}".strip()


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
        return section_label(self.chapter, self.heading)

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
