"""Accounts, the audit trail, and stored classifier versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import Role, UTCDateTime, enum_column, utcnow


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
    role: Mapped[Role] = mapped_column(enum_column(Role))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Every signed-in session carries the version it started with; bumping it (logout, a new password or
    # role, deactivation) ends every session of the account at its next request, copied cookies included.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Two-factor sign-in (auth/two_factor.py): the TOTP secret once set up, and the last time step used,
    # so that a code seen over someone's shoulder cannot be used a second time.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every session of this account stops working at its next request."""
        self.session_version = (self.session_version or 1) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginLock(db.Model):
    """Failed sign-ins with one login from one client address, and the lock they led to (auth/signin.py).

    Keyed by a keyed hash of the login as typed (known or not: an unknown login costs the same write, so
    timing tells nothing) and of the client address: whoever guesses from one address locks only that
    address out, so nobody can keep the account's owner locked out for good. In the database, so every
    worker counts them.
    """

    __table_args__ = (UniqueConstraint("account", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(64), index=True)  # HMAC of the login, lower-cased
    source: Mapped[str] = mapped_column(String(64))  # HMAC of the client address ("" when unknown)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
