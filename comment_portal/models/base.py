"""Shared column types, enums and helpers of the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Index
from sqlalchemy.types import DateTime, TypeDecorator

from ..extensions import db


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


class ExclusionReason(enum.StrEnum):
    OFFTOPIC = "offtopic"
    SPAM = "spam"


class Outcome(enum.StrEnum):
    """How the city considered an opinion (the result table's 対応 column)."""

    REFLECT = "reflect"
    ALREADY = "already"
    FUTURE = "future"
    OTHER = "other"


OUTCOME_LABELS = {
    Outcome.REFLECT: "計画に反映する",
    Outcome.ALREADY: "既に記載済み",
    Outcome.FUTURE: "今後の参考とする",
    Outcome.OTHER: "その他",
}


class AnswerStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


class RedactionStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    APPROVER = "approver"
    COMMITTEE = "committee"


def postgresql_only(index: Index) -> Index:
    """An index created on PostgreSQL alone (e.g. NULLS FIRST keys, which SQLite indexes cannot hold)."""
    index.info["only_dialect"] = "postgresql"
    return index.ddl_if(dialect="postgresql")


def in_dialect(obj, dialect_name: str) -> bool:
    """Whether `obj` (a schema item) exists on that dialect: what schema comparisons should consider."""
    only = getattr(obj, "info", {}).get("only_dialect")
    return only is None or only == dialect_name


def enum_column(cls: type[enum.StrEnum], length: int = 20):
    return db.Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
